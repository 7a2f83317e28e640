from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Application,
    Enterprise,
    PublicPost,
    RepresentativePerson,
    RepresentativeTag,
    Township,
    TrainingRecord,
    User,
)
from .resources import EnterpriseResource, ExcelFormat


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "real_name", "enterprise", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "real_name"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = ["last_login", "date_joined"]  # kept by Django, not typed
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["real_name", "mobile", "enterprise", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "real_name", "password1", "password2"]})
    ]


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district_name"]
    list_filter = ["district_name", "kind"]
    search_fields = ["name", "code"]


@admin.register(Enterprise)
class EnterpriseAdmin(ExportMixin, SimpleHistoryAdmin):
    resource_classes = [EnterpriseResource]
    export_formats = [ExcelFormat]  # no CSV: a spreadsheet would run the formulas in it
    list_display = [
        "name",
        "member_number",
        "credit_code",
        "industry",
        "township",
        "size",
        "status",
        "joined_on",
    ]
    list_filter = ["status", "industry", "size", "township", "party_organisation"]
    search_fields = ["name", "credit_code", "member_number", "name_initials", "name_pinyin"]
    list_select_related = ["township"]
    date_hierarchy = "joined_on"
    readonly_fields = ["public_id", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # members are suspended or withdrawn, never deleted

    def get_data_for_export(self, request, queryset, **kwargs):
        # Dates and numbers as such: the one format writes them by their type.
        kwargs["force_native_type"] = True
        return super().get_data_for_export(request, queryset, **kwargs)


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "status", "submitted_at", "decided_by", "decided_at"]
    list_filter = ["status", "industry", "township"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["decided_by"]
    readonly_fields = [
        "public_id", "applicant", "status", "submitted_at", "decided_at", "decided_by",
        "rejection_reason", "enterprise", "consent_version", "consent_at",
        "credit_code_checksum_ok",
        # The applicant's own scan, checked on upload (core/uploads.py): the admin's file
        # field would take any file past those checks.
        "licence",
    ]  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return False


class PublicPostInline(admin.TabularInline):
    model = PublicPost
    extra = 0


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(RepresentativePerson)
class RepresentativePersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "gender", "birth_year", "enterprise", "position"]
    list_filter = ["gender", "tags", "posts__kind", "posts__level"]
    search_fields = ["name", "enterprise__name"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
    filter_horizontal = ["tags"]
    inlines = [PublicPostInline, TrainingRecordInline]


@admin.register(RepresentativeTag)
class RepresentativeTagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
