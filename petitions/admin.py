from django.contrib import admin

from core.admin import CheckedForm, HistoryAdmin, KeptForLedgers, LongList, SavedThroughServices

from . import services
from .models import (
    Attachment,
    DeadlineRule,
    Department,
    Holiday,
    Petition,
    PetitionEvent,
    Suggestion,
)


class DepartmentForm(CheckedForm):
    def check(self, candidate):
        services.check_department(candidate)


@admin.register(Department)
class DepartmentAdmin(SavedThroughServices, KeptForLedgers, HistoryAdmin):
    """Added and changed through petitions.services (add_department, change_department); never
    deleted, as the petitions forwarded to it name it (made inactive instead)."""

    form = DepartmentForm
    list_display = ["name", "code", "contact_name", "contact_phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]

    def create(self, request, values):
        return services.add_department(actor=request.user, **values)

    def change(self, request, department, values):
        return services.change_department(department=department, actor=request.user, **values)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The federation's own calendar entries: they override the calendar package."""

    list_display = ["day", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(HistoryAdmin):
    list_display = [
        "__str__",
        "first_response_hours",
        "reply_working_days",
        "complex_reply_working_days",
        "reply_hours",
    ]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = PetitionEvent
    fields = ["at", "actor", "action", "from_status", "to_status", "visible_to_enterprise", "note"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "size", "uploaded_by", "created_at", "visible_to_enterprise"]
    readonly_fields = fields


@admin.register(Petition)
class PetitionAdmin(LongList, KeptForLedgers, HistoryAdmin):
    """Read-only: petitions change only through the handling actions, which keep the
    timeline; the admin is for looking things up."""

    list_display = ["tracking_number", "title", "enterprise", "category", "status", "created_at"]
    list_filter = ["status", "category", "channel", "urgency"]
    search_fields = ["tracking_number", "title", "enterprise__name"]
    list_select_related = ["enterprise"]
    inlines = [EventInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PetitionEvent)
class PetitionEventAdmin(LongList, KeptForLedgers, admin.ModelAdmin):
    """The timeline: never changed, never deleted."""

    list_display = ["petition", "at", "actor", "action", "to_status", "visible_to_enterprise"]
    list_select_related = ["petition", "actor"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(HistoryAdmin):
    list_display = ["title", "kind", "author", "sent_to", "forwarded_to", "adopted_level"]
    list_filter = ["kind", "sent_to", "forwarded_to", "adopted_level"]
    search_fields = ["title"]
    autocomplete_fields = ["author", "enterprise"]
