"""The kinds of entry on an enterprise's timeline, and the page of entries they make.

A kind is two functions. Its rows, registered with `@kind(code, label)`: given the enterprise,
a year (or None), a limit and where the page begins (a `Bound`, or None for the newest), the
newest `limit` rows of that kind older than the bound, read with one query — `values()` of the
columns shown, each row with its `when` (a day or a moment) and a `key` that orders rows of the
same moment. And how rows are shown, registered with `@<kind>.shows`: given the rows a page
keeps, their titles, details and links (labels through `core.labels`, links through
`core.links`, nothing read again per row). Adding a kind is two such functions.

A page merges the kinds chosen by seeking, not counting: every kind reads its newest 51 rows
older than the last entry of the page before (`ORDER BY when DESC, key DESC LIMIT 51`, an
index's range), the page sorts them together and keeps fifty; the one over tells whether there
is an older page, and the last kept is where it begins (`Cursor`, signed into the link). So any
page, the first or the hundredth, costs one query per kind and reads at most 51 rows of each;
and only the fifty kept are shown (translated, linked).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core import signing
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from chambers.models import Affiliation, Post
from core.labels import in_reader_language, with_labels
from core.links import row_link
from events.models import Donation, Invitation, Registration
from members.models import Application, Enterprise, EnterpriseChange
from notices.models import Notice
from petitions.models import Petition, Rating
from petitions.states import Status as PetitionStatus
from policies.models import FollowUp
from services.models import ServiceRecipient
from visits.models import Finding, Visit

from ..ledgers.filters import day_range

PAGE_SIZE = 50


class Row(NamedTuple):
    """One entry as a kind shows it: what, more, and its page."""

    title: str
    detail: str = ""
    link: str = ""


@dataclass
class Kind:
    code: str
    label: str
    index: int  # its place in the timeline's order, which breaks a tie of the same moment
    rows: Callable[..., list[dict]]
    show: Callable[..., list[Row]] = field(default=lambda enterprise, rows: [])

    def shows(self, show):
        """Register `show(enterprise, rows) -> list[Row]`, a Row for each row, in order."""
        self.show = show
        return show


KINDS: dict[str, Kind] = {}


def kind(code: str, label):
    """Register `rows(enterprise, *, year, limit, before) -> list[dict]` as the kind `code`; the
    page lists the kinds in the order registered, and so breaks a tie of the same moment."""

    def register(rows):
        KINDS[code] = Kind(code, label, len(KINDS), rows)
        return KINDS[code]

    return register


def moment(when: datetime.date | datetime.datetime) -> datetime.datetime:
    """`when` as a moment to sort by: a day from its local midnight."""
    if isinstance(when, datetime.datetime):
        return when
    return timezone.make_aware(datetime.datetime.combine(when, datetime.time.min))


@dataclass(frozen=True)
class Bound:
    """Where a kind's rows resume: those older than `moment`; at `moment` too, every one if
    `inclusive`, or those with a key below `key` if it is given (the kind of the entry the page
    before ended with)."""

    moment: datetime.datetime
    inclusive: bool = False
    key: int | None = None

    def q(self, field: str, key: str, *, moments: bool) -> Q:
        """The condition on `field` (a moment, or a day when not `moments`) and `key`."""
        value = self.moment
        if not moments:
            local = timezone.localtime(self.moment)
            value = local.date()
            if local.time() != datetime.time.min:  # no day's midnight is that moment
                return Q(**{f"{field}__lte": value})
        if self.key is not None:
            # The `lte` alone bounds the index's range; the rest picks within its last moment.
            return Q(**{f"{field}__lte": value}) & (
                Q(**{f"{field}__lt": value}) | Q(**{field: value, f"{key}__lt": self.key})
            )
        return Q(**{f"{field}__{'lte' if self.inclusive else 'lt'}": value})

    def admits(self, when, key: int) -> bool:
        """Whether a row read otherwise than by a query (`when`, `key`) lies past the bound."""
        at = moment(when)
        if at != self.moment:
            return at < self.moment
        return self.inclusive if self.key is None else key < self.key


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    """The last entry of a page — its moment, kind and key — and the number of the page after
    it, which begins there. Signed into the "older" link, so a link is never guessed or edited
    into a query the page would not make; signed for the enterprise whose timeline it pages
    (its id in the salt), so a link taken from one enterprise's timeline to another's is no
    cursor there. A cursor does not expire: an old link still begins where it says."""

    moment: datetime.datetime
    kind: str
    key: int
    number: int
    enterprise: int  # the id of the enterprise whose timeline it pages

    SALT = "reports.timeline.cursor"

    @classmethod
    def salt(cls, enterprise: int) -> str:
        return f"{cls.SALT}:{enterprise}"

    def bound(self, kind: Kind) -> Bound:
        """Where `kind`'s rows resume: a kind listed before the cursor's has shown its rows of
        the cursor's moment, one after it has not, the cursor's own those of a higher key."""
        theirs = KINDS[self.kind].index
        if kind.index == theirs:
            return Bound(self.moment, key=self.key)
        return Bound(self.moment, inclusive=kind.index > theirs)

    def dumps(self) -> str:
        return signing.dumps(
            [self.moment.isoformat(), self.kind, self.key, self.number],
            salt=self.salt(self.enterprise),
        )

    @classmethod
    def loads(cls, value: str, *, enterprise: int) -> "Cursor":
        """The cursor signed into `value` for the timeline of `enterprise` (its id); BadCursor
        if it is not one (cut short, edited, or signed for another enterprise's timeline)."""
        try:
            at, code, key, number = signing.loads(value, salt=cls.salt(enterprise))
            at = datetime.datetime.fromisoformat(at)
        except (signing.BadSignature, TypeError, ValueError) as error:
            raise BadCursor(str(error)) from error
        if (
            timezone.is_naive(at)
            or code not in KINDS
            or type(key) is not int
            or type(number) is not int
            or number < 2
        ):
            raise BadCursor(value)
        return cls(at, code, key, number, enterprise)


def newest(queryset, field: str, *, year: int | None, limit: int, before: Bound | None,
           key: str = "pk") -> list[dict]:  # fmt: skip
    """The newest `limit` rows of `queryset` (of `values()` that include `field` and `key`) by
    `field` (a date or a moment, a column or an annotation) then `key`, those of `year` only if
    given, older than `before` if given; each with its `when` and `key`."""
    expression = queryset.query.annotations.get(field)
    output = expression.output_field if expression else queryset.model._meta.get_field(field)
    moments = isinstance(output, models.DateTimeField)
    if year:
        start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        queryset = queryset.filter(day_range(field, start, end, datetimes=moments))
    if before:
        queryset = queryset.filter(before.q(field, key, moments=moments))
    rows = list(queryset.order_by(f"-{field}", f"-{key}")[:limit])
    for row in rows:
        row["when"], row["key"] = row[field], row[key]
    return rows


def yuan(amount) -> str:
    return formats.number_format(amount, 2, force_grouping=True)


def day(value: datetime.date) -> str:
    return formats.date_format(value)


@kind("membership", gettext_lazy("Membership"))
def membership(enterprise, *, year, limit, before):
    """Joining the federation (the roll's date) and each change of membership status: a record
    of the enterprise's history whose status differs from the record before it."""
    history = Enterprise.history.model
    previous = (
        history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date")
        .values("status")[:1]
    )
    rows = newest(
        history.objects.filter(id=enterprise.pk, history_type="~")
        .annotate(previous_status=Subquery(previous))
        .exclude(previous_status=F("status"))
        .values("history_id", "history_date", "status", "history_change_reason"),
        "history_date",
        key="history_id",
        year=year,
        limit=limit,
        before=before,
    )
    joined = enterprise.joined_on
    if year in (None, joined.year) and (before is None or before.admits(joined, 0)):
        rows.append({"when": joined, "key": 0, "joined": True})
    return rows


@membership.shows
def show_membership(enterprise, rows):
    with_labels([row for row in rows if "joined" not in row], status=Enterprise.Status)
    link = row_link("members:enterprise_detail")(enterprise.public_id)
    number = _("Member number %(number)s") % {"number": enterprise.member_number}
    return [
        Row(_("Joined the federation"), number, link)
        if "joined" in row
        else Row(
            _("Membership status: %(status)s") % {"status": row["status_label"]},
            EnterpriseChange.describe(row["history_change_reason"]),
            link,
        )
        for row in rows
    ]


@kind("applications", gettext_lazy("Applications"))
def applications(enterprise, *, year, limit, before):
    """Its applications to join: the one approved, and any under its credit code before."""
    return newest(
        Application.objects.filter(
            Q(enterprise=enterprise) | Q(credit_code=enterprise.credit_code)
        ).values("pk", "public_id", "submitted_at", "status"),
        "submitted_at",
        year=year,
        limit=limit,
        before=before,
    )


@applications.shows
def show_applications(enterprise, rows):
    with_labels(rows, status=Application.Status)
    link = row_link("members:application_detail")
    title = _("Membership application")
    return [Row(title, row["status_label"], link(row["public_id"])) for row in rows]


@kind("affiliations", gettext_lazy("Chambers"))
def affiliations(enterprise, *, year, limit, before):
    """Joining and leaving a chamber or association: a row each, in one query (a union); the
    key tells the two apart (twice the affiliation's id, and one more for leaving)."""
    mine = Affiliation.objects.filter(enterprise=enterprise).order_by()
    columns = ("day", "leaving", "key", "role", "organization__name", "organization__slug")
    joined = mine.annotate(day=F("joined_on"), leaving=Value(False), key=F("id") * 2)
    left = mine.filter(left_on__isnull=False).annotate(
        day=F("left_on"), leaving=Value(True), key=F("id") * 2 + 1
    )
    if year:
        start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        joined = joined.filter(day_range("joined_on", start, end, datetimes=False))
        left = left.filter(day_range("left_on", start, end, datetimes=False))
    if before:
        joined = joined.filter(before.q("joined_on", "key", moments=False))
        left = left.filter(before.q("left_on", "key", moments=False))
    rows = list(
        joined.values(*columns)
        .union(left.values(*columns), all=True)
        .order_by("-day", "-key")[:limit]
    )
    for row in rows:
        row["when"] = row["day"]
    return rows


@affiliations.shows
def show_affiliations(enterprise, rows):
    with_labels(rows, role=Affiliation.Role)
    link = row_link("chambers:detail")
    return [
        Row(
            (_("Left %(organization)s") if row["leaving"] else _("Joined %(organization)s"))
            % {"organization": row["organization__name"]},
            "" if row["leaving"] else row["role_label"],
            link(row["organization__slug"]),
        )
        for row in rows
    ]


@kind("posts", gettext_lazy("Posts"))
def posts(enterprise, *, year, limit, before):
    """The posts its people hold in the federation and the chambers, from the day they began."""
    return newest(
        Post.objects.filter(enterprise=enterprise).values(
            "pk", "started_on", "ended_on", "position", "holder__real_name",
            "term__number", "term__organization__name", "term__organization__slug",
        ),
        "started_on",
        year=year,
        limit=limit,
        before=before,
    )  # fmt: skip


@posts.shows
def show_posts(enterprise, rows):
    with_labels(rows, position=Post.Position)
    link = row_link("chambers:detail")
    result = []
    for row in rows:
        title = _("%(holder)s: %(position)s of %(organization)s") % {
            "holder": row["holder__real_name"],
            "position": row["position_label"],
            "organization": row["term__organization__name"],
        }
        detail = _("term %(number)s") % {"number": row["term__number"]}
        if row["ended_on"]:
            detail += _(", until %(day)s") % {"day": day(row["ended_on"])}
        result.append(Row(title, detail, link(row["term__organization__slug"])))
    return result


EVENT_COLUMNS = ("event__title", "event__public_id")


@kind("invitations", gettext_lazy("Invitations"))
def invitations(enterprise, *, year, limit, before):
    """The events it was invited to, when the invitation went out, with its answer."""
    return newest(
        Invitation.objects.filter(enterprise=enterprise)
        .annotate(sent=Coalesce("sent_at", "created_at"))
        .values("pk", "sent", "response", *EVENT_COLUMNS),
        "sent",
        year=year,
        limit=limit,
        before=before,
    )


@invitations.shows
def show_invitations(enterprise, rows):
    with_labels(rows, response=Invitation.Response)
    link = row_link("events:dashboard")
    return [
        Row(_("Invited to %(event)s") % {"event": row["event__title"]}, row["response_label"],
            link(row["event__public_id"]))
        for row in rows
    ]  # fmt: skip


@kind("registrations", gettext_lazy("Registrations"))
def registrations(enterprise, *, year, limit, before):
    """Its people's registrations for events, with where each stands."""
    return newest(
        Registration.objects.filter(enterprise=enterprise).values(
            "pk", "created_at", "status", "person_name", *EVENT_COLUMNS
        ),
        "created_at",
        year=year,
        limit=limit,
        before=before,
    )


@registrations.shows
def show_registrations(enterprise, rows):
    with_labels(rows, status=Registration.Status)
    link = row_link("events:dashboard")
    return [
        Row(_("Registered for %(event)s") % {"event": row["event__title"]},
            f"{row['person_name']} · {row['status_label']}", link(row["event__public_id"]))
        for row in rows
    ]  # fmt: skip


@kind("attendance", gettext_lazy("Attendance"))
def attendance(enterprise, *, year, limit, before):
    """Its people checked in at events."""
    return newest(
        Registration.objects.filter(enterprise=enterprise, checked_in_at__isnull=False).values(
            "pk", "checked_in_at", "person_name", *EVENT_COLUMNS
        ),
        "checked_in_at",
        year=year,
        limit=limit,
        before=before,
    )


@attendance.shows
def show_attendance(enterprise, rows):
    link = row_link("events:dashboard")
    return [
        Row(_("Attended %(event)s") % {"event": row["event__title"]}, row["person_name"],
            link(row["event__public_id"]))
        for row in rows
    ]  # fmt: skip


@kind("petitions", gettext_lazy("Petitions"))
def petitions(enterprise, *, year, limit, before):
    """Its petitions, when filed, with their outcome: where each stands and its rating."""
    return newest(
        Petition.objects.filter(enterprise=enterprise).values(
            "pk", "public_id", "created_at", "tracking_number", "title", "status", "rating"
        ),
        "created_at",
        year=year,
        limit=limit,
        before=before,
    )


@petitions.shows
def show_petitions(enterprise, rows):
    with_labels(rows, status=PetitionStatus, rating=Rating)
    link = row_link("petitions:detail")
    result = []
    for row in rows:
        detail = row["status_label"]
        if row["rating"]:
            detail += _(", rated “%(rating)s”") % {"rating": row["rating_label"]}
        title = f"{row['tracking_number']} {row['title']}"
        result.append(Row(title, detail, link(row["public_id"])))
    return result


@kind("visits", gettext_lazy("Visits"))
def visits(enterprise, *, year, limit, before):
    """The visits made to it, with how many problems were found there about it."""
    found = (
        Finding.objects.filter(visit=OuterRef("pk"), enterprise=enterprise)
        .values("visit")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return newest(
        Visit.objects.done()
        .filter(enterprises=enterprise)
        .annotate(problems=Coalesce(Subquery(found), 0))
        .values("pk", "public_id", "done_on", "purpose", "problems"),
        "done_on",
        year=year,
        limit=limit,
        before=before,
    )


@visits.shows
def show_visits(enterprise, rows):
    link = row_link("visits:detail")
    result = []
    for row in rows:
        title = (
            _("Visited: %(purpose)s") % {"purpose": row["purpose"]}
            if row["purpose"]
            else _("Visited")
        )
        detail = (
            ngettext("%(count)d problem found", "%(count)d problems found", row["problems"])
            % {"count": row["problems"]}
            if row["problems"]
            else ""
        )
        result.append(Row(title, detail, link(row["public_id"])))
    return result


@kind("services", pgettext_lazy("timeline", "Services"))
def services(enterprise, *, year, limit, before):
    """The services given to it, with its rating of each."""
    return newest(
        ServiceRecipient.objects.filter(enterprise=enterprise)
        .annotate(given_on=F("record__given_on"))
        .values(
            "pk", "rating", "record__public_id", "given_on", "record__what",
            "record__field__name", "record__field__name_en",
        ),
        "given_on",
        year=year,
        limit=limit,
        before=before,
    )  # fmt: skip


@services.shows
def show_services(enterprise, rows):
    with_labels(rows, rating=ServiceRecipient.Rating)
    link = row_link("services:detail")
    result = []
    for row in rows:
        name = in_reader_language(row["record__field__name"], row["record__field__name_en"])
        title = f"{name}: {row['record__what']}"
        result.append(Row(title, row["rating_label"], link(row["record__public_id"])))
    return result


@kind("policies", gettext_lazy("Policies"))
def policies(enterprise, *, year, limit, before):
    """The policies it has read or marked (申兑), at its latest step: how far it has followed
    each through, with the amount granted."""
    return newest(
        FollowUp.objects.filter(enterprise=enterprise)
        .annotate(moment=Coalesce("marked_at", "read_at"))
        .filter(moment__isnull=False)
        .values("pk", "moment", "state", "amount", "policy__public_id", "policy__title"),
        "moment",
        year=year,
        limit=limit,
        before=before,
    )


@policies.shows
def show_policies(enterprise, rows):
    with_labels(rows, state=FollowUp.State)
    link = row_link("policies:detail")
    result = []
    for row in rows:
        if row["state"] == FollowUp.State.GRANTED and row["amount"] is not None:
            detail = _("%(state)s, %(amount)s yuan") % {
                "state": row["state_label"],
                "amount": yuan(row["amount"]),
            }
        else:
            detail = row["state_label"] if row["state"] else pgettext("policy funnel", "Read")
        result.append(Row(row["policy__title"], detail, link(row["policy__public_id"])))
    return result


@kind("donations", gettext_lazy("Donations"))
def donations(enterprise, *, year, limit, before):
    """Its gifts to charity campaigns, in money and goods."""
    return newest(
        Donation.objects.filter(enterprise=enterprise).values(
            "pk", "received_on", "cash_yuan", "goods_value_yuan", "description", *EVENT_COLUMNS
        ),
        "received_on",
        year=year,
        limit=limit,
        before=before,
    )


@donations.shows
def show_donations(enterprise, rows):
    link = row_link("events:dashboard")
    result = []
    for row in rows:
        parts = []
        if row["cash_yuan"]:
            parts.append(_("%(amount)s yuan in money") % {"amount": yuan(row["cash_yuan"])})
        if row["goods_value_yuan"]:
            parts.append(
                _("goods worth %(amount)s yuan") % {"amount": yuan(row["goods_value_yuan"])}
            )
        if row["description"]:
            parts.append(row["description"])
        title = _("Donation to %(campaign)s") % {"campaign": row["event__title"]}
        result.append(Row(title, " · ".join(parts), link(row["event__public_id"])))
    return result


@kind("notices", gettext_lazy("Notices"))
def notices(enterprise, *, year, limit, before):
    """The notices sent to its users: the subject and to whom, the text left in the inbox."""
    return newest(
        Notice.objects.filter(recipient__enterprise=enterprise).values(
            "pk", "created_at", "subject", "recipient__real_name"
        ),
        "created_at",
        year=year,
        limit=limit,
        before=before,
    )


@notices.shows
def show_notices(enterprise, rows):
    link = row_link("admin:notices_notice_change")
    return [
        Row(row["subject"], _("to %(name)s") % {"name": row["recipient__real_name"]},
            link(row["pk"]))
        for row in rows
    ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entry:
    when: datetime.date | datetime.datetime
    kind: Kind
    title: str
    detail: str
    link: str
    moment: datetime.datetime  # `when` as a moment to sort by: a day from its local midnight
    key: int

    @property
    def timed(self) -> bool:
        return isinstance(self.when, datetime.datetime)


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    number: int
    older: Cursor | None  # where the next page begins, if there is one

    @property
    def has_next(self) -> bool:
        return self.older is not None

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page(enterprise, *, kinds: list[Kind], year: int | None, after: Cursor | None = None) -> Page:
    """The page of the enterprise's timeline of `kinds` (in `year` if given) that begins after
    `after` (the newest when None), newest first, PAGE_SIZE entries: one query per kind."""
    found = [
        (moment(row["when"]), kind, row)
        for kind in kinds
        for row in kind.rows(
            enterprise, year=year, limit=PAGE_SIZE + 1, before=after and after.bound(kind)
        )
    ]
    # Newest first; of the same moment, in the kinds' order, then the higher key first.
    found.sort(key=lambda item: (item[0], -item[1].index, item[2]["key"]), reverse=True)
    kept = found[:PAGE_SIZE]
    shown = {}
    for kind in kinds:
        rows = [row for _at, of, row in kept if of is kind]
        if rows:
            shown.update(zip(map(id, rows), kind.show(enterprise, rows), strict=True))
    entries = [Entry(row["when"], kind, *shown[id(row)], at, row["key"]) for at, kind, row in kept]
    number = after.number if after else 1
    older = None
    if len(found) > PAGE_SIZE:
        last = entries[-1]
        older = Cursor(last.moment, last.kind.code, last.key, number + 1, enterprise.pk)
    return Page(entries, number, older)
