"""Every ledger the federation is inspected on, by name (the name is in its URLs)."""

from collections import Counter, defaultdict

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from chambers.models import (
    Affiliation,
    DutyLogEntry,
    DutyMonth,
    FourGoodEvaluation,
    Organization,
    Post,
    Secondment,
)
from core.counts import cached_aggregate
from core.labels import in_reader_language
from core.links import page_url, row_link
from core.numbers import rate
from core.queries import aggregate_of, in_order
from events.models import Donation, Event, Invitation, Registration
from members.choices import Industry, Ownership, PartyOrganisation, SizeClass
from members.models import Enterprise, PublicPost, RepresentativePerson, TrainingRecord
from petitions.models import Suggestion
from services.models import ServiceRecipient, ServiceRecord, outcome_sums
from visits.models import Finding, Visit

from . import filters
from .base import (
    BOOL,
    DATE,
    DATETIME,
    LIST,
    MONEY,
    MONTH,
    NUMBER,
    TEXT,
    Column,
    Ledger,
    Total,
    choices,
)


def percent(part: int, whole: int) -> str:
    """The dashboard's and the report's rate (rounded, not cut), written as they write it."""
    value = rate(part, whole)
    return "—" if value is None else f"{formats.number_format(value, 1, use_l10n=True)}%"


# --- Links from a row ---------------------------------------------------------------------------


def id_link(name: str, key: str):
    """The page `name` of the row's public id `key` (core.links: reversed once, not once a
    row), or None for a row without one."""

    def url(row):
        return row_link(name)(row[key]) if row.get(key) else None

    return url


def enterprise_url(key="public_id"):
    return id_link("members:enterprise_detail", key)


def event_url(key="event__public_id"):
    return id_link("events:dashboard", key)


# --- Members and party building -----------------------------------------------------------------


class MembersLedger(Ledger):
    """The roll. 100,000 rows at a municipal federation: paged by the unique member number
    (its own index, read from either end) with the directory's cached exact counts."""

    name = "members"
    title = pgettext_lazy("ledger", "Member enterprises")
    description = _(
        "Every member enterprise: member number, credit code, industry, township, size, "
        "ownership, when it joined and left, status and party organisation. Filter by the "
        "year joined or left, or see who was on the roll on a given day."
    )
    filterset_class = filters.MemberFilter
    ordering = ("member_number",)  # unique
    row_keys = ("public_id",)
    columns = [
        Column(_("Member number"), "member_number", width=14),
        Column(_("Name"), "name", link=enterprise_url(), width=36),
        Column(_("Credit code"), "credit_code", width=20),
        Column(_("Industry"), "industry", choices=choices(Industry)),
        Column(_("Township or street"), "township__name", width=12),
        Column(_("Size"), "size", choices=choices(SizeClass), width=8),
        Column(_("Ownership"), "ownership", choices=choices(Ownership), width=12),
        Column(_("Date joined"), "joined_on", DATE),
        Column(_("Status"), "status", choices=choices(Enterprise.Status), width=10),
        Column(_("Date left"), "left_on", DATE),
        Column(_("Party organisation"), "party_organisation", choices=choices(PartyOrganisation)),
    ]

    def get_queryset(self):
        return Enterprise.objects.all()


class PartyLedger(MembersLedger):
    name = "party"
    title = pgettext_lazy("ledger", "Party organisations")
    description = _(
        "Party building in the member enterprises: the kind of party organisation, its party "
        "members, the party-building instructor and when it was set up, with the coverage "
        "rate. The members on the roll today (suspended members included) unless a status "
        "or another day is chosen."
    )
    filterset_class = filters.PartyFilter
    columns = [
        Column(_("Member number"), "member_number", width=14),
        Column(_("Name"), "name", link=enterprise_url(), width=36),
        Column(_("Township or street"), "township__name", width=12),
        Column(_("Industry"), "industry", choices=choices(Industry)),
        Column(_("Status"), "status", choices=choices(Enterprise.Status), width=10),
        Column(_("Party organisation"), "party_organisation", choices=choices(PartyOrganisation)),
        Column(_("Party members"), "party_members", NUMBER),
        Column(_("Party-building instructor"), "party_instructor", width=14),
        Column(_("Set up on"), "party_organisation_since", DATE),
    ]

    def totals(self, queryset):
        figures = cached_aggregate(
            queryset,
            enterprises=Count("pk"),
            covered=Count("pk", filter=Q(party_organisation__in=filters.COVERED)),
            instructed=Count("pk", filter=Q(party_organisation=PartyOrganisation.INSTRUCTOR)),
            party_members=Sum("party_members", default=0),
        )
        return [
            Total(_("Enterprises"), figures["enterprises"], key="total-enterprises"),
            Total(_("With their own or a joint branch"), figures["covered"], key="total-covered"),
            Total(
                _("Coverage rate"),
                percent(figures["covered"], figures["enterprises"]),
                TEXT,
                key="total-coverage",
            ),
            Total(_("Instructor only"), figures["instructed"], key="total-instructed"),
            Total(_("Party members"), figures["party_members"], key="total-party-members"),
        ]


# --- Representative figures ---------------------------------------------------------------------


def post_text(post: dict) -> str:
    levels, kinds = choices(PublicPost.Level), choices(PublicPost.Kind)
    text = post["title"] or gettext("%(level)s %(kind)s") % {
        "level": levels.get(post["level"], post["level"]),
        "kind": kinds.get(post["kind"], post["kind"]),
    }
    if post["term"]:
        text = gettext("%(post)s (%(term)s)") % {"post": text, "term": post["term"]}
    return text


class RepresentativesLedger(Ledger):
    name = "representatives"
    title = pgettext_lazy("ledger", "Representative figures")
    description = _(
        "The representative-figures database: each person's enterprise and position, public "
        "posts (deputies, CPPCC members), tags and trainings attended. No phone numbers."
    )
    filterset_class = filters.RepresentativeFilter
    ordering = ("name", "id")
    row_keys = ("id", "enterprise__public_id")
    extended = frozenset({"posts", "tags"})
    columns = [
        Column(_("Name"), "name", width=10),
        Column(_("Gender"), "gender", choices=choices(RepresentativePerson.Gender), width=6),
        Column(_("Year of birth"), "birth_year", width=8),
        Column(_("Enterprise"), "enterprise__name", link=enterprise_url("enterprise__public_id")),
        Column(_("Position in the enterprise"), "position", width=14),
        Column(_("Public posts"), "posts", LIST, width=40),
        Column(_("Tags"), "tags", LIST, width=20),
        Column(_("Trainings attended"), "training_count", NUMBER),
    ]

    def get_queryset(self):
        return RepresentativePerson.objects.annotate(
            training_count=aggregate_of(TrainingRecord.objects.all(), "person", Count("pk"))
        )

    def extend(self, rows):
        ids = [row["id"] for row in rows]
        posts, tags = defaultdict(list), defaultdict(list)
        for post in (
            PublicPost.objects.filter(person_id__in=ids)
            .order_by("person_id", "-started_on", "id")
            .values("person_id", "kind", "level", "title", "term")
        ):
            posts[post["person_id"]].append(post_text(post))
        through = RepresentativePerson.tags.through
        for person_id, tag in (
            through.objects.filter(representativeperson_id__in=ids)
            .order_by("representativetag__name")
            .values_list("representativeperson_id", "representativetag__name")
        ):
            tags[person_id].append(tag)
        for row in rows:
            row["posts"] = posts[row["id"]]
            row["tags"] = tags[row["id"]]


# --- Chambers and their evaluations -------------------------------------------------------------


def evaluation_text(evaluation: dict) -> str:
    values = {
        "year": evaluation["year"],
        "level": choices(FourGoodEvaluation.Level).get(evaluation["level"], ""),
    }
    if evaluation["awarded"]:
        return gettext("%(year)s, %(level)s: named a four-good chamber") % values
    return gettext("%(year)s, %(level)s: not named") % values


class ChambersLedger(Ledger):
    name = "chambers"
    title = pgettext_lazy("ledger", "Chambers and associations")
    description = _(
        "The federation, its chambers, associations, working groups and friendly federations, "
        "with their current members, president (or chair) and latest four-good evaluation."
    )
    filterset_class = filters.OrganizationFilter
    ordering = ("kind_order", "name", "id")
    row_keys = ("id", "slug")
    extended = frozenset({"evaluation"})
    columns = [
        Column(
            _("Name"),
            "name",
            link=lambda row: row_link("chambers:detail")(row["slug"]),
            width=30,
        ),
        Column(_("Kind"), "kind", choices=choices(Organization.Kind), width=16),
        Column(
            _("Township or home region"),
            get=lambda row: row["township__name"] or row["home_region"],
            needs=("township__name", "home_region"),
            width=14,
        ),
        Column(_("Founded"), "founded_on", DATE),
        Column(_("Members"), "members", NUMBER),
        Column(_("President or chair"), "president", width=12),
        Column(_("Latest four-good evaluation"), "evaluation", width=30),
        Column(_("Active"), "is_active", BOOL),
    ]

    def get_queryset(self):
        heads = (
            Post.objects.current()
            .filter(
                term__organization=OuterRef("pk"),
                position__in=[Post.Position.CHAIR, Post.Position.PRESIDENT],
            )
            .order_by("position", "started_on", "pk")  # "chair" sorts before "president"
            .values("holder__real_name")[:1]
        )
        return Organization.objects.annotate(
            kind_order=in_order("kind", Organization.Kind.values),
            members=aggregate_of(
                Affiliation.objects.filter(left_on__isnull=True), "organization", Count("pk")
            ),
            president=Subquery(heads),
        )

    def extend(self, rows):
        levels = {level: rank for rank, level in enumerate(FourGoodEvaluation.Level.values)}
        latest = {}
        for evaluation in FourGoodEvaluation.objects.filter(
            organization_id__in=[row["id"] for row in rows]
        ).values("organization_id", "year", "level", "awarded"):
            key = (-evaluation["year"], levels.get(evaluation["level"], len(levels)))
            best = latest.get(evaluation["organization_id"])
            if best is None or key < best[0]:
                latest[evaluation["organization_id"]] = (key, evaluation)
        for row in rows:
            found = latest.get(row["id"])
            row["evaluation"] = evaluation_text(found[1]) if found else ""


RATINGS = choices(FourGoodEvaluation.Rating)


class EvaluationsLedger(Ledger):
    name = "evaluations"
    title = pgettext_lazy("ledger", "Four-good evaluations")
    description = _(
        "Every four-good chamber evaluation: year, level, the four ratings (political "
        "guidance, team building, service to development, self-discipline) and the result."
    )
    filterset_class = filters.EvaluationFilter
    ordering = ("-year", "organization__name", "level", "id")
    row_keys = ("id", "organization__slug")
    columns = [
        Column(_("Year"), "year", width=6),
        Column(
            _("Organisation"),
            "organization__name",
            link=lambda row: row_link("chambers:detail")(row["organization__slug"]),
            width=30,
        ),
        Column(_("Kind"), "organization__kind", choices=choices(Organization.Kind), width=16),
        Column(_("Level"), "level", choices=choices(FourGoodEvaluation.Level), width=8),
        Column(_("Political guidance"), "political_guidance", choices=RATINGS, width=10),
        Column(_("Team building"), "team_building", choices=RATINGS, width=10),
        Column(_("Service to development"), "service", choices=RATINGS, width=10),
        Column(_("Self-discipline"), "self_discipline", choices=RATINGS, width=10),
        Column(_("Named a four-good chamber"), "awarded", BOOL, width=10),
        Column(_("Notes"), "notes", on_page=False, width=40),
    ]

    def get_queryset(self):
        return FourGoodEvaluation.objects.all()


# --- Events, attendance and donations -----------------------------------------------------------


def checked_in():
    return Registration.objects.filter(checked_in_at__isnull=False)


class EventsLedger(Ledger):
    name = "events"
    title = pgettext_lazy("ledger", "Events")
    description = _(
        "Every event with its organiser and status, how many were invited, registered "
        "(confirmed seats) and came, and how many enterprises were present."
    )
    filterset_class = filters.EventFilter
    ordering = ("-starts_at", "-id")
    row_keys = ("id", "public_id")
    extended = frozenset({"invited", "registered", "present", "enterprises"})
    columns = [
        Column(_("Date"), "starts_at", DATETIME),
        Column(_("Title"), "title", link=event_url("public_id"), width=36),
        Column(_("Kind"), "kind", choices=choices(Event.Kind), width=16),
        Column(
            _("Organiser"),
            get=lambda row: row["organizer__name"] or gettext("The federation"),
            needs=("organizer__name",),
            width=20,
        ),
        Column(_("Venue"), "venue", on_page=False, width=24),
        Column(_("Status"), "status", choices=choices(Event.Status), width=10),
        Column(_("Invited"), "invited", NUMBER),
        Column(_("Registered (confirmed seats)"), "registered", NUMBER),
        Column(
            _("Checked in (people)"),
            "present",
            NUMBER,
            link=lambda row: f"{page_url('ledgers:attendance')}?event={row['public_id']}",
        ),
        Column(_("Enterprises present"), "enterprises", NUMBER),
    ]

    def get_queryset(self):
        return Event.objects.all()

    def extend(self, rows):
        """The figures of this batch of events, in two grouped queries (correlated subqueries
        would be worked out for every event before the page is cut)."""
        ids = [row["id"] for row in rows]
        invited = dict(
            Invitation.objects.filter(event_id__in=ids)
            .order_by()
            .values("event_id")
            .annotate(n=Count("pk"))
            .values_list("event_id", "n")
        )
        came = Q(checked_in_at__isnull=False)
        confirmed = Q(status=Registration.Status.CONFIRMED)
        figures = {
            figure["event_id"]: figure
            for figure in Registration.objects.filter(event_id__in=ids)
            .order_by()
            .values("event_id")
            .annotate(
                registered=Sum("seats", filter=confirmed, default=0),
                present=Sum("seats", filter=came, default=0),
                enterprises=Count("enterprise", filter=came, distinct=True),
            )
        }
        nothing = {"registered": 0, "present": 0, "enterprises": 0}
        for row in rows:
            row["invited"] = invited.get(row["id"], 0)
            figure = figures.get(row["id"], nothing)
            row.update((key, figure[key]) for key in nothing)

    def totals(self, queryset):
        figures = cached_aggregate(
            checked_in().filter(event__in=queryset.values("pk")),
            people=Sum("seats", default=0),
            enterprises=Count("enterprise", distinct=True),
        )
        return [
            Total(_("People checked in"), figures["people"], key="total-people"),
            Total(_("Enterprises reached"), figures["enterprises"], key="total-enterprises"),
        ]


class AttendanceLedger(Ledger):
    name = "attendance"
    title = pgettext_lazy("ledger", "Event attendance")
    description = _(
        "Who registered for which event and who came: one row per registration, with the "
        "people it brought, walk-ins and check-in times. No phone numbers."
    )
    filterset_class = filters.AttendanceFilter
    ordering = ("-event__starts_at", "event_id", "created_at", "id")
    row_keys = ("id", "event__public_id")
    columns = [
        Column(_("Event date"), "event__starts_at", DATETIME),
        Column(_("Event"), "event__title", link=event_url(), width=30),
        Column(_("Kind of event"), "event__kind", choices=choices(Event.Kind), width=16),
        Column(_("Name"), "person_name", width=10),
        Column(
            _("Enterprise or organisation"),
            get=lambda row: row["enterprise__name"] or row["organisation_name"],
            needs=("enterprise__name", "organisation_name"),
            width=30,
        ),
        Column(_("People"), "seats", NUMBER, width=7),
        Column(_("Registration"), "status", choices=choices(Registration.Status), width=12),
        Column(
            _("Invited"),
            get=lambda row: row["invitation_id"] is not None,
            needs=("invitation_id",),
            kind=BOOL,
        ),
        Column(_("Walk-in"), "walk_in", BOOL),
        Column(_("Registered"), "created_at", DATETIME),
        Column(_("Checked in"), "checked_in_at", DATETIME),
    ]

    def get_queryset(self):
        return Registration.objects.all()

    def totals(self, queryset):
        # The registrations checked in, read from their partial index (registration_attended).
        figures = cached_aggregate(
            queryset.filter(checked_in_at__isnull=False),
            people=Sum("seats", default=0),
            enterprises=Count("enterprise", distinct=True),
        )
        return [
            Total(_("People checked in"), figures["people"], key="total-people"),
            Total(_("Enterprises present"), figures["enterprises"], key="total-enterprises"),
        ]


class DonationsLedger(Ledger):
    name = "donations"
    title = pgettext_lazy("ledger", "Donations")
    description = _(
        "Gifts to charity campaigns by enterprises and chambers, in money and goods (yuan), "
        "with the totals of the rows shown."
    )
    filterset_class = filters.DonationFilter
    ordering = ("-received_on", "-id")
    row_keys = ("id", "event__public_id")
    columns = [
        Column(_("Received"), "received_on", DATE),
        Column(_("Campaign"), "event__title", link=event_url(), width=30),
        Column(
            _("Donor"),
            get=lambda row: row["enterprise__name"] or row["organization__name"],
            needs=("enterprise__name", "organization__name"),
            width=30,
        ),
        Column(_("Money (yuan)"), "cash_yuan", MONEY),
        Column(_("Value of goods (yuan)"), "goods_value_yuan", MONEY),
        Column(
            _("Total (yuan)"),
            get=lambda row: row["cash_yuan"] + row["goods_value_yuan"],
            needs=("cash_yuan", "goods_value_yuan"),
            kind=MONEY,
        ),
        Column(_("What was given"), "description", width=30),
    ]

    def get_queryset(self):
        return Donation.objects.all()

    def totals(self, queryset):
        figures = queryset.order_by().totals()
        return [
            Total(_("Donations"), figures["donors"], key="total-donations"),
            Total(_("Money (yuan)"), figures["cash"], MONEY, key="total-cash"),
            Total(_("Value of goods (yuan)"), figures["goods"], MONEY, key="total-goods"),
            Total(_("Total (yuan)"), figures["total"], MONEY, key="total-yuan"),
        ]


# --- Suggestions and the duty roster ------------------------------------------------------------


class SuggestionsLedger(Ledger):
    name = "suggestions"
    title = pgettext_lazy("ledger", "Suggestions and reports")
    description = _(
        "Suggestions and social-condition reports: where each was sent and forwarded, where "
        "it was adopted, leaders' instructions and points."
    )
    filterset_class = filters.SuggestionFilter
    ordering = ("-created_at", "-id")
    row_keys = ("id", "public_id")
    columns = [
        Column(_("Submitted"), "created_at", DATE),
        Column(
            _("Title"),
            "title",
            link=id_link("petitions:suggestion_detail", "public_id"),
            width=36,
        ),
        Column(_("Kind"), "kind", choices=choices(Suggestion.Kind), width=14),
        Column(_("Submitted by"), "author__real_name", width=10),
        Column(_("Enterprise"), "enterprise__name", width=26),
        Column(_("Sent to"), "sent_to", choices=choices(Suggestion.SentTo), width=16),
        Column(_("Sent on"), "sent_on", DATE),
        Column(
            _("Forwarded on to"), "forwarded_to", choices=choices(Suggestion.ForwardedTo), width=16
        ),
        Column(_("Forwarded on"), "forwarded_on", DATE),
        Column(_("Adopted at level"), "adopted_level", choices=choices(Suggestion.Level), width=8),
        Column(_("Adopted by"), "adopted_by", width=16),
        Column(_("Adopted on"), "adopted_on", DATE),
        Column(_("Instruction by"), "instruction_by", on_page=False, width=16),
        Column(_("Instruction on"), "instruction_on", DATE, on_page=False),
        Column(_("Points"), "points", NUMBER, width=7),
    ]

    def get_queryset(self):
        return Suggestion.objects.all()


class DutyLedger(Ledger):
    name = "duty"
    title = pgettext_lazy("ledger", "Duty months")
    description = _(
        "The rotating executive chair month by month: the chair and their post, the status, "
        "the seconded staff, the duty-log entries and whether the summary was written."
    )
    filterset_class = filters.DutyFilter
    ordering = ("-month",)  # unique
    row_keys = ("id",)
    extended = frozenset({"seconded"})
    columns = [
        Column(
            _("Month"),
            "month",
            MONTH,
            link=lambda row: row_link("roster:month", "0000-00")(f"{row['month']:%Y-%m}"),
        ),
        Column(_("Executive chair"), "chair__real_name", width=12),
        Column(
            _("Post"),
            get=lambda row: (
                gettext("%(position)s, %(organization)s")
                % {
                    "position": choices(Post.Position).get(row["post__position"], ""),
                    "organization": row["post__term__organization__name"],
                }
                if row["post__position"]
                else ""
            ),
            needs=("post__position", "post__term__organization__name"),
            width=26,
        ),
        Column(_("Status"), "status", choices=choices(DutyMonth.Status), width=10),
        Column(_("Seconded staff"), "seconded", LIST, width=24),
        Column(_("Duty-log entries"), "log_entries", NUMBER),
        Column(_("Summary written"), "summary_written_at", DATETIME),
    ]

    def get_queryset(self):
        return DutyMonth.objects.annotate(
            log_entries=aggregate_of(DutyLogEntry.objects.all(), "duty_month", Count("pk"))
        )

    def extend(self, rows):
        seconded = defaultdict(list)
        for month_id, name in (
            Secondment.objects.filter(duty_month_id__in=[row["id"] for row in rows])
            .order_by("duty_month_id", "starts_on", "id")
            .values_list("duty_month_id", "person_name")
        ):
            seconded[month_id].append(name)
        for row in rows:
            row["seconded"] = seconded[row["id"]]


# --- Visits -------------------------------------------------------------------------------------


class VisitsLedger(Ledger):
    name = "visits"
    title = pgettext_lazy("ledger", "Visits")
    description = _(
        "Visits to member enterprises and chambers: the day (made, or planned), the status, "
        "who was visited and who went, the problems found and the petitions they became."
    )
    filterset_class = filters.VisitFilter
    ordering = ("-visit_day", "-id")
    row_keys = ("id", "public_id", "other_visitors")
    extended = frozenset({"enterprises", "chambers", "visitors", "findings", "petitions"})
    columns = [
        Column(_("Date"), "visit_day", DATE, link=id_link("visits:detail", "public_id")),
        Column(_("Status"), "status", choices=choices(Visit.Status), width=8),
        Column(_("Enterprises visited"), "enterprises", LIST),
        Column(_("Chambers visited"), "chambers", LIST, width=24),
        Column(_("Visitors"), "visitors", LIST, width=24),
        Column(_("Purpose"), "purpose", on_page=False, width=24),
        Column(_("Whom they met"), "met", on_page=False, width=30),
        Column(_("Problems found"), get=lambda row: len(row["findings"]), needs=(), kind=NUMBER),
        Column(_("Problems found (text)"), "findings", LIST, on_page=False, width=50),
        Column(_("Petitions"), "petitions", LIST, width=20),
    ]

    def get_queryset(self):
        return Visit.objects.with_day()

    def extend(self, rows):
        """Who and what each visit of the batch names, one query per relation."""
        ids = [row["id"] for row in rows]
        found = {
            key: defaultdict(list)
            for key in ("enterprises", "chambers", "visitors", "findings", "petitions")
        }
        for key, through, name, order in (
            (
                "enterprises",
                Visit.enterprises.through,
                "enterprise__name",
                "enterprise__name_pinyin",
            ),
            ("chambers", Visit.organizations.through, "organization__name", "organization__name"),
            ("visitors", Visit.visitors.through, "user__real_name", "user__real_name"),
        ):
            for visit_id, value in (
                through.objects.filter(visit_id__in=ids)
                .order_by("visit_id", order, "pk")
                .values_list("visit_id", name)
            ):
                found[key][visit_id].append(value)
        for visit_id, text, number in (
            Finding.objects.filter(visit_id__in=ids)
            .order_by("visit_id", "id")
            .values_list("visit_id", "text", "petition__tracking_number")
        ):
            found["findings"][visit_id].append(text)
            if number:
                found["petitions"][visit_id].append(number)
        for row in rows:
            for key, by_visit in found.items():
                row[key] = by_visit[row["id"]]
            if row["other_visitors"]:
                row["visitors"] = [*row["visitors"], row["other_visitors"]]

    def totals(self, queryset):
        """Every visit listed, and of them the visits made; the enterprises visited and the
        problems found are those of the visits made (as on the dashboard), never of a visit
        only planned or cancelled."""
        visits = cached_aggregate(
            queryset, visits=Count("pk"), done=Count("pk", filter=Q(status=Visit.Status.DONE))
        )
        made = queryset.filter(status=Visit.Status.DONE).values("pk")
        findings = cached_aggregate(
            Finding.objects.filter(visit__in=made),
            findings=Count("pk"),
            petitions=Count("petition"),
        )
        visited = cached_aggregate(
            Visit.enterprises.through.objects.filter(visit__in=made),
            enterprises=Count("enterprise_id", distinct=True),
        )
        return [
            Total(_("Visits"), visits["visits"], key="total-visits"),
            Total(_("Visits made"), visits["done"], key="total-visits-done"),
            Total(_("Enterprises visited"), visited["enterprises"], key="total-enterprises"),
            Total(_("Problems found"), findings["findings"], key="total-findings"),
            Total(_("Turned into petitions"), findings["petitions"], key="total-petitions"),
        ]


# --- Services to members ------------------------------------------------------------------------


def field_label(row) -> str:
    """A field of service in the reader's language (its Chinese name when no English one)."""
    return in_reader_language(row["field__name"], row["field__name_en"])


def given_by(row) -> list[str]:
    keys = ("staff_member__real_name", "organization__name", "partner__name")
    return [row[key] for key in keys if row[key]]


def outcome_text(row) -> str:
    """The outcome in the field's terms (the loan's amount has its own column), then the text."""
    parts = []
    if row["bank"]:
        parts.append(gettext("Bank: %(bank)s") % {"bank": row["bank"]})
    if row["legal_hours"] is not None:
        parts.append(
            gettext("%(hours)s hours of legal advice")
            % {"hours": floatformat(row["legal_hours"], -1)}
        )
    if row["legal_matter"]:
        parts.append(row["legal_matter"])
    if row["people_placed"] is not None:
        parts.append(
            ngettext("%(people)d person placed", "%(people)d people placed", row["people_placed"])
            % {"people": row["people_placed"]}
        )
    if row["outcome"]:
        parts.append(row["outcome"])
    return pgettext("between the parts of an outcome", "; ").join(parts)


SERVICE_RATINGS = choices(ServiceRecipient.Rating)


class ServicesLedger(Ledger):
    name = "services"
    title = pgettext_lazy("ledger", "Services to members")
    description = _(
        "Every service given to member enterprises: date, field, the enterprises served, who "
        "gave it (staff, a chamber, a partner), the outcome in the field's terms, the loan "
        "amount for finance, and the enterprises' ratings."
    )
    filterset_class = filters.ServiceFilter
    ordering = ("-given_on", "-id")
    row_keys = ("id", "public_id")
    extended = frozenset({"enterprises", "ratings"})
    columns = [
        Column(_("Date"), "given_on", DATE),
        Column(_("Field"), get=field_label, needs=("field__name", "field__name_en"), width=12),
        Column(_("What was done"), "what", link=id_link("services:detail", "public_id"), width=30),
        Column(_("Enterprises served"), "enterprises", LIST, width=36),
        Column(
            _("Given by"),
            get=given_by,
            needs=("staff_member__real_name", "organization__name", "partner__name"),
            kind=LIST,
            width=24,
        ),
        Column(
            _("Outcome"),
            get=outcome_text,
            needs=("bank", "legal_hours", "legal_matter", "people_placed", "outcome"),
            width=36,
        ),
        Column(_("Loan amount (yuan)"), "loan_yuan", MONEY),
        Column(_("Ratings"), "ratings", LIST, width=24),
    ]

    def get_queryset(self):
        return ServiceRecord.objects.all()

    def extend(self, rows):
        """The enterprises of this batch of services and their ratings, in one query."""
        names, ratings = defaultdict(list), defaultdict(Counter)
        for record_id, name, rating in (
            ServiceRecipient.objects.filter(record_id__in=[row["id"] for row in rows])
            .order_by("record_id", "id")
            .values_list("record_id", "enterprise__name", "rating")
        ):
            names[record_id].append(name)
            ratings[record_id][rating] += 1
        labels = {code: str(label) for code, label in SERVICE_RATINGS.items()}
        for row in rows:
            row["enterprises"] = names[row["id"]]
            row["ratings"] = [
                gettext("%(rating)s: %(count)d") % {"rating": labels[code], "count": count}
                for code in ServiceRecipient.Rating.values
                if (count := ratings[row["id"]][code])
            ]

    def totals(self, queryset):
        # Each outcome summed over the services of its field's terms, as on the dashboard.
        records = cached_aggregate(queryset, services=Count("pk"), **outcome_sums())
        Rating = ServiceRecipient.Rating
        rated = [Rating.SATISFIED, Rating.BASICALLY, Rating.NOT_SATISFIED]
        served = cached_aggregate(
            ServiceRecipient.objects.filter(record__in=queryset.values("pk")),
            enterprises=Count("enterprise", distinct=True),
            rated=Count("pk", filter=Q(rating__in=rated)),
            satisfied=Count("pk", filter=Q(rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
        )
        return [
            Total(_("Services"), records["services"], key="total-services"),
            Total(_("Enterprises served"), served["enterprises"], key="total-enterprises"),
            Total(_("Loans (yuan)"), records["loans"], MONEY, key="total-loans"),
            Total(_("Hours of legal advice"), records["legal_hours"], key="total-hours"),
            Total(_("People placed"), records["placed"], key="total-placed"),
            Total(
                _("Satisfied or basically satisfied"),
                percent(served["satisfied"], served["rated"]),
                TEXT,
                key="total-satisfied",
            ),
        ]


LEDGERS = {
    ledger.name: ledger
    for ledger in (
        MembersLedger(),
        PartyLedger(),
        RepresentativesLedger(),
        ChambersLedger(),
        EvaluationsLedger(),
        EventsLedger(),
        AttendanceLedger(),
        DonationsLedger(),
        SuggestionsLedger(),
        DutyLedger(),
        VisitsLedger(),
        ServicesLedger(),
    )
}
