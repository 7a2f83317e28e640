"""Staff keep visits on their own pages; here they are seen and corrected. A visit and the
problems found on it are history: the admin never deletes them (cancel a visit instead), and
a problem found is added on its visit's page, where it can be turned into a petition."""

from django.contrib import admin

from core.admin import HistoryAdmin, KeptForLedgers

from .models import Finding, Visit


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["enterprise", "text", "petition"]
    readonly_fields = ["enterprise", "text", "petition"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["__str__", "status", "planned_on", "done_on"]
    list_filter = ["status"]
    search_fields = ["purpose", "other_visitors", "enterprises__name", "organizations__name"]
    date_hierarchy = "planned_on"
    autocomplete_fields = ["visitors"]
    # Whom a visit reached, whether it was made or cancelled and the duty-log entry it records
    # change only through its pages (visits.services: a finding stays with an enterprise
    # visited); here the plan's details and the notes are corrected.
    readonly_fields = [
        "status", "done_on", "cancel_reason", "enterprises", "organizations", "duty_log_entry",
        "created_by", "created_at",
    ]  # fmt: skip
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["__str__", "enterprise", "visit", "petition", "created_at"]
    search_fields = ["text", "enterprise__name"]
    list_select_related = ["visit", "enterprise", "petition"]
    # Whom a problem is about and its petition are set on the visit's page only (a problem
    # is turned into a petition once); here its text is corrected.
    readonly_fields = ["visit", "enterprise", "petition", "recorded_by", "created_at"]

    def has_add_permission(self, request):
        return False
