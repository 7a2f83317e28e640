"""Staff keep the federation's structure, leadership and roster here.

Organisations, posts, memberships and duty months are history: they end (an end date, a
status), they are never deleted.
"""

from django.contrib import admin

from core.admin import HistoryAdmin, KeptForLedgers

from .models import (
    Affiliation,
    CalendarToken,
    DutyLogEntry,
    DutyMonth,
    FourGoodEvaluation,
    Organization,
    Post,
    Secondment,
    SwapRequest,
    Term,
    Unavailability,
)


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    show_change_link = True
    can_delete = False


class FourGoodEvaluationInline(admin.TabularInline):
    model = FourGoodEvaluation
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(KeptForLedgers, HistoryAdmin):
    list_display = [
        "name", "kind", "parent", "township", "home_region", "tie_signed_on",
        "group_member_since", "is_active",
    ]  # fmt: skip
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "slug"]
    list_select_related = ["parent", "township"]
    autocomplete_fields = ["parent"]
    inlines = [TermInline, FourGoodEvaluationInline]


@admin.register(Affiliation)
class AffiliationAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["enterprise", "organization", "role", "joined_on", "left_on"]
    list_filter = ["role", "organization__kind", "organization"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "organization__name"]
    list_select_related = ["enterprise", "organization"]
    autocomplete_fields = ["organization", "enterprise"]
    date_hierarchy = "joined_on"


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    can_delete = False
    autocomplete_fields = ["holder", "enterprise"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "number", "starts_on", "ends_on"]
    list_filter = ["organization__kind"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(KeptForLedgers, HistoryAdmin):
    list_display = [
        "holder", "position", "organization_name", "term", "enterprise", "full_time",
        "in_rotation", "started_on", "ended_on",
    ]  # fmt: skip
    list_filter = ["position", "full_time", "in_rotation", "term__organization__kind"]
    search_fields = [
        "holder__real_name", "holder__email", "enterprise__name", "term__organization__name",
    ]  # fmt: skip
    list_select_related = ["holder", "enterprise", "term__organization"]
    autocomplete_fields = ["term", "holder", "enterprise"]

    @admin.display(description=Organization._meta.verbose_name, ordering="term__organization")
    def organization_name(self, post):
        return post.term.organization


@admin.register(FourGoodEvaluation)
class FourGoodEvaluationAdmin(admin.ModelAdmin):
    list_display = [
        "organization", "year", "level", "political_guidance", "team_building", "service",
        "self_discipline", "awarded",
    ]  # fmt: skip
    list_filter = ["year", "level", "awarded"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]


# --- The rotating executive chair -------------------------------------------------------------


class SecondmentInline(admin.TabularInline):
    model = Secondment
    extra = 0
    autocomplete_fields = ["user", "enterprise"]


@admin.register(DutyMonth)
class DutyMonthAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["month", "chair", "post", "status", "summary_written_at"]
    list_filter = ["status"]
    search_fields = ["chair__real_name", "chair__email"]
    list_select_related = ["chair", "post__holder", "post__term__organization"]
    autocomplete_fields = ["chair", "post"]
    readonly_fields = ["summary_written_at"]
    date_hierarchy = "month"
    inlines = [SecondmentInline]


@admin.register(DutyLogEntry)
class DutyLogEntryAdmin(admin.ModelAdmin):
    list_display = ["day", "duty_month", "author", "kind", "members_recruited", "created_at"]
    list_filter = ["kind"]
    search_fields = ["text", "author__real_name", "author__email"]
    list_select_related = ["duty_month", "author"]
    autocomplete_fields = ["author"]
    date_hierarchy = "day"


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    list_display = ["user", "month", "reason"]
    search_fields = ["user__real_name", "user__email", "reason"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    date_hierarchy = "month"


@admin.register(SwapRequest)
class SwapRequestAdmin(HistoryAdmin):
    """Swaps are asked, answered and decided on the roster pages, which send the notices."""

    list_display = [
        "month", "other_month", "requested_by", "counterpart", "status", "created_at",
        "decided_by", "decided_at",
    ]  # fmt: skip
    list_filter = ["status"]
    search_fields = [
        "requested_by__real_name", "requested_by__email", "counterpart__real_name",
        "counterpart__email", "reason",
    ]  # fmt: skip
    list_select_related = ["month", "other_month", "requested_by", "counterpart", "decided_by"]
    readonly_fields = [
        "status", "created_at", "responded_at", "decided_at", "decided_by", "note",
    ]  # fmt: skip
    autocomplete_fields = ["requested_by", "counterpart"]

    def has_add_permission(self, request):
        return False


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    """Staff may revoke a leader's calendar link; the secret itself is never shown."""

    list_display = ["user", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__real_name", "user__email"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "revoked_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False
