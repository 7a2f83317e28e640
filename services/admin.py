"""Staff keep the fields of service and the partners here, and may correct a service record.

Service records are added and changed through services.services (record_service,
change_service), whose rules the forms show; the enterprises served are listed on the record
and named, one a line, on its add page. Records and their ratings are kept for the ledger:
the admin never deletes them (a field of service or a partner is retired, not deleted, once
used: its records protect it).
"""

from django.contrib import admin

from core.admin import CheckedForm, HistoryAdmin, KeptForLedgers, SavedThroughServices
from members.enterprise_fields import MemberEnterprisesField

from . import services
from .models import Partner, ServiceField, ServiceRecipient, ServiceRecord


@admin.register(ServiceField)
class ServiceFieldAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "code", "terms", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["terms", "is_active"]
    search_fields = ["name", "name_en", "code"]

    def get_readonly_fields(self, request, obj=None):
        """Once services use a field, its code and its terms (which outcome figures its
        services hold) stay: services.services.check_record would refuse those it holds."""
        if obj is not None and obj.records.exists():
            return ["code", "terms"]
        return []


@admin.register(Partner)
class PartnerAdmin(HistoryAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


class RecipientInline(admin.TabularInline):
    """Listed here; named on the add page, rated by the enterprises on their own page."""

    model = ServiceRecipient
    extra = 0
    can_delete = False
    fields = ["enterprise", "rating", "rated_at", "rated_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceRecordForm(CheckedForm):
    def check(self, candidate):
        services.check_record(candidate)


class NewServiceRecordForm(ServiceRecordForm):
    enterprises = MemberEnterprisesField(label=ServiceRecipient._meta.verbose_name_plural)


@admin.register(ServiceRecord)
class ServiceRecordAdmin(SavedThroughServices, KeptForLedgers, HistoryAdmin):
    form = ServiceRecordForm
    list_display = ["what", "field", "given_on", "staff_member", "organization", "partner"]
    list_filter = ["field", "organization__kind"]
    search_fields = ["what", "recipients__enterprise__name", "organization__name", "partner__name"]
    list_select_related = ["field", "staff_member", "organization", "partner"]
    autocomplete_fields = [
        "staff_member", "organization", "partner", "petition", "event", "policy",
    ]  # fmt: skip
    date_hierarchy = "given_on"
    readonly_fields = ["recorded_by", "created_at"]
    inlines = [RecipientInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = NewServiceRecordForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "enterprises"]
        return ["enterprises", *fields] if obj is None else fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def create(self, request, values):
        return services.record_service(actor=request.user, **values)

    def change(self, request, record, values):
        return services.change_service(record=record, actor=request.user, **values)
