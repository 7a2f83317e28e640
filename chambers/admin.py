"""Staff keep the federation's structure, leadership and roster here.

Organisations, terms, posts, memberships and duty months are history: they end (an end date,
a status), they are never deleted. Organisations, terms, posts, four-good evaluations and
secondments are added and changed through chambers.services (create_organisation, start_term,
appoint, record_evaluation, add_secondment...), whose rules the forms show.
"""

from django.contrib import admin

from core.admin import CheckedForm, HistoryAdmin, KeptForLedgers, SavedThroughServices

from . import services
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


class ReadOnlyInline(admin.TabularInline):
    """Listed on the page above; added and changed on their own page, through the services."""

    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TermInline(ReadOnlyInline):
    model = Term
    fields = ["number", "starts_on", "ends_on"]


class FourGoodEvaluationInline(ReadOnlyInline):
    model = FourGoodEvaluation
    fields = ["year", "level", "political_guidance", "team_building", "service",
              "self_discipline", "awarded"]  # fmt: skip


class OrganizationForm(CheckedForm):
    def check(self, candidate):
        services.check_organisation(candidate)


@admin.register(Organization)
class OrganizationAdmin(SavedThroughServices, KeptForLedgers, HistoryAdmin):
    form = OrganizationForm
    list_display = [
        "name", "kind", "parent", "township", "home_region", "tie_signed_on",
        "group_member_since", "is_active",
    ]  # fmt: skip
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "slug"]
    list_select_related = ["parent", "township"]
    autocomplete_fields = ["parent"]
    inlines = [TermInline, FourGoodEvaluationInline]

    def create(self, request, values):
        return services.create_organisation(actor=request.user, **values)

    def change(self, request, organization, values):
        return services.change_organisation(organization=organization, actor=request.user, **values)


@admin.register(Affiliation)
class AffiliationAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["enterprise", "organization", "role", "joined_on", "left_on"]
    list_filter = ["role", "organization__kind", "organization"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "organization__name"]
    list_select_related = ["enterprise", "organization"]
    autocomplete_fields = ["organization", "enterprise"]
    date_hierarchy = "joined_on"


class PostInline(ReadOnlyInline):
    model = Post
    fields = ["holder", "position", "enterprise", "full_time", "in_rotation", "started_on",
              "ended_on"]  # fmt: skip


class TermForm(CheckedForm):
    def check(self, candidate):
        if candidate._state.adding:
            services.check_new_term(candidate)
        else:
            services.check_term(candidate)


@admin.register(Term)
class TermAdmin(SavedThroughServices, KeptForLedgers, HistoryAdmin):
    """A new term follows the last one (which ends the day before, if it still runs)."""

    form = TermForm
    list_display = ["__str__", "organization", "number", "starts_on", "ends_on"]
    list_filter = ["organization__kind"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    inlines = [PostInline]

    def get_readonly_fields(self, request, obj=None):
        return ["organization", "number"] if obj else []

    def create(self, request, values):
        return services.start_term(actor=request.user, **values)

    def change(self, request, term, values):
        return services.change_term(
            term=term,
            actor=request.user,
            starts_on=values.get("starts_on", term.starts_on),
            ends_on=values.get("ends_on", term.ends_on),
        )


class PostForm(CheckedForm):
    def check(self, candidate):
        services.check_post(candidate)


@admin.register(Post)
class PostAdmin(SavedThroughServices, KeptForLedgers, HistoryAdmin):
    form = PostForm
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

    def get_readonly_fields(self, request, obj=None):
        return ["term", "holder"] if obj else []

    def create(self, request, values):
        return services.appoint(actor=request.user, **values)

    def change(self, request, post, values):
        return services.change_post(post=post, actor=request.user, **values)


class FourGoodEvaluationForm(CheckedForm):
    def check(self, candidate):
        services.check_evaluation(candidate)


@admin.register(FourGoodEvaluation)
class FourGoodEvaluationAdmin(SavedThroughServices, KeptForLedgers, HistoryAdmin):
    form = FourGoodEvaluationForm
    list_display = [
        "organization", "year", "level", "political_guidance", "team_building", "service",
        "self_discipline", "awarded",
    ]  # fmt: skip
    list_filter = ["year", "level", "awarded"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]

    def create(self, request, values):
        return services.record_evaluation(actor=request.user, **values)

    def change(self, request, evaluation, values):
        return services.change_evaluation(evaluation=evaluation, actor=request.user, **values)


# --- The rotating executive chair -------------------------------------------------------------


class SecondmentInline(ReadOnlyInline):
    model = Secondment
    fields = ["person_name", "user", "enterprise", "role", "starts_on", "ends_on"]


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


class SecondmentForm(CheckedForm):
    def check(self, candidate):
        services.check_secondment(candidate)


@admin.register(Secondment)
class SecondmentAdmin(SavedThroughServices, KeptForLedgers, HistoryAdmin):
    """Who an enterprise seconds to the federation, within one duty month: the superusers'
    (core/secretariat.py withholds it from the group)."""

    form = SecondmentForm
    list_display = ["person_name", "duty_month", "enterprise", "role", "starts_on", "ends_on"]
    search_fields = ["person_name", "user__real_name", "user__email", "enterprise__name"]
    list_select_related = ["duty_month", "enterprise"]
    autocomplete_fields = ["duty_month", "user", "enterprise"]
    date_hierarchy = "starts_on"

    def create(self, request, values):
        return services.add_secondment(actor=request.user, **values)

    def change(self, request, secondment, values):
        return services.change_secondment(secondment=secondment, actor=request.user, **values)


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
