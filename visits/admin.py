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
    autocomplete_fields = ["enterprises", "organizations", "visitors", "duty_log_entry"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["__str__", "enterprise", "visit", "petition", "created_at"]
    search_fields = ["text", "enterprise__name"]
    list_select_related = ["visit", "enterprise", "petition"]
    autocomplete_fields = ["enterprise", "petition"]
    readonly_fields = ["visit", "recorded_by", "created_at"]

    def has_add_permission(self, request):
        return False
