"""The kinds of entry on an enterprise's timeline, and the page of entries they make.

A kind is one function registered with `@kind(code, label)`: given the enterprise, a year (or
None) and a limit, it returns the newest `limit` rows of that kind (in that year), read with one
query — `values()` of the columns shown, labels through `core.labels`, links through
`core.links`, nothing read again per row. Adding a kind is one such function.

A page merges the kinds chosen: page n takes the newest 50·n + 1 rows of each kind, sorts them
together and keeps the n-th fifty (the one over tells whether there is a next page). So a page
costs one query per kind whatever the number of entries, and the first pages — those read —
read at most a few hundred rows however long the enterprise's record.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from chambers.models import Affiliation, Post
from core.labels import with_labels
from core.links import row_link
from events.models import Donation, Invitation, Registration
from members.models import Application, Enterprise, EnterpriseChange
from notices.models import Notice
from petitions.models import Petition, Rating
from petitions.states import Status as PetitionStatus
from services.models import ServiceRecipient
from visits.models import Finding, Visit

from ..ledgers.filters import day_range

PAGE_SIZE = 50


class Row(NamedTuple):
    """One entry as a kind gives it: when (a day, or a moment), what, more, and its page."""

    when: datetime.date | datetime.datetime
    title: str
    detail: str = ""
    link: str = ""


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    rows: Callable[..., list[Row]]


KINDS: dict[str, Kind] = {}


def kind(code: str, label):
    """Register `rows(enterprise, *, year, limit) -> list[Row]` as the kind `code`; the page
    lists the kinds in the order registered, and so breaks a tie of the same moment."""

    def register(rows):
        KINDS[code] = Kind(code, label, rows)
        return rows

    return register


def newest(queryset, field: str, *, year: int | None, limit: int) -> list:
    """The newest `limit` rows of `queryset` by `field` (a date or a moment, a column or an
    annotation), those of `year` only if given."""
    if year:
        start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        expression = queryset.query.annotations.get(field)
        output = expression.output_field if expression else queryset.model._meta.get_field(field)
        moments = isinstance(output, models.DateTimeField)
        queryset = queryset.filter(day_range(field, start, end, datetimes=moments))
    return list(queryset.order_by(f"-{field}", "-pk")[:limit])


def yuan(amount) -> str:
    return formats.number_format(amount, 2, force_grouping=True)


def day(value: datetime.date) -> str:
    return formats.date_format(value)


@kind("membership", gettext_lazy("Membership"))
def membership(enterprise, *, year, limit):
    """Joining the federation (the roll's date) and each change of membership status: a record
    of the enterprise's history whose status differs from the record before it."""
    history = Enterprise.history.model
    before = (
        history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date")
        .values("status")[:1]
    )
    changes = newest(
        history.objects.filter(id=enterprise.pk, history_type="~")
        .annotate(previous_status=Subquery(before))
        .exclude(previous_status=F("status"))
        .values("history_date", "status", "history_change_reason"),
        "history_date",
        year=year,
        limit=limit,
    )
    with_labels(changes, status=Enterprise.Status)
    link = row_link("members:enterprise_detail")(enterprise.public_id)
    rows = [
        Row(
            change["history_date"],
            _("Membership status: %(status)s") % {"status": change["status_label"]},
            EnterpriseChange.describe(change["history_change_reason"]),
            link,
        )
        for change in changes
    ]
    if year in (None, enterprise.joined_on.year):
        number = _("Member number %(number)s") % {"number": enterprise.member_number}
        rows.append(Row(enterprise.joined_on, _("Joined the federation"), number, link))
    return rows


@kind("applications", gettext_lazy("Applications"))
def applications(enterprise, *, year, limit):
    """Its applications to join: the one approved, and any under its credit code before."""
    rows = newest(
        Application.objects.filter(
            Q(enterprise=enterprise) | Q(credit_code=enterprise.credit_code)
        ).values("public_id", "submitted_at", "status"),
        "submitted_at",
        year=year,
        limit=limit,
    )
    with_labels(rows, status=Application.Status)
    link = row_link("members:application_detail")
    title = _("Membership application")
    return [
        Row(row["submitted_at"], title, row["status_label"], link(row["public_id"])) for row in rows
    ]


@kind("affiliations", gettext_lazy("Chambers"))
def affiliations(enterprise, *, year, limit):
    """Joining and leaving a chamber or association: a row each, in one query (a union)."""
    mine = Affiliation.objects.filter(enterprise=enterprise).order_by()
    columns = ("day", "leaving", "id", "role", "organization__name", "organization__slug")
    joined = mine.annotate(day=F("joined_on"), leaving=Value(False)).values(*columns)
    left = (
        mine.filter(left_on__isnull=False)
        .annotate(day=F("left_on"), leaving=Value(True))
        .values(*columns)
    )
    if year:
        start, end = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        joined = joined.filter(day_range("joined_on", start, end, datetimes=False))
        left = left.filter(day_range("left_on", start, end, datetimes=False))
    rows = list(joined.union(left, all=True).order_by("-day", "-leaving", "-id")[:limit])
    with_labels(rows, role=Affiliation.Role)
    link = row_link("chambers:detail")
    return [
        Row(
            row["day"],
            (_("Left %(organization)s") if row["leaving"] else _("Joined %(organization)s"))
            % {"organization": row["organization__name"]},
            "" if row["leaving"] else row["role_label"],
            link(row["organization__slug"]),
        )
        for row in rows
    ]


@kind("posts", gettext_lazy("Posts"))
def posts(enterprise, *, year, limit):
    """The posts its people hold in the federation and the chambers, from the day they began."""
    rows = newest(
        Post.objects.filter(enterprise=enterprise).values(
            "pk", "started_on", "ended_on", "position", "holder__real_name",
            "term__number", "term__organization__name", "term__organization__slug",
        ),
        "started_on",
        year=year,
        limit=limit,
    )  # fmt: skip
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
        result.append(Row(row["started_on"], title, detail, link(row["term__organization__slug"])))
    return result


EVENT_COLUMNS = ("event__title", "event__public_id")


@kind("invitations", gettext_lazy("Invitations"))
def invitations(enterprise, *, year, limit):
    """The events it was invited to, when the invitation went out, with its answer."""
    rows = newest(
        Invitation.objects.filter(enterprise=enterprise)
        .annotate(sent=Coalesce("sent_at", "created_at"))
        .values("sent", "response", *EVENT_COLUMNS),
        "sent",
        year=year,
        limit=limit,
    )
    with_labels(rows, response=Invitation.Response)
    link = row_link("events:dashboard")
    return [
        Row(row["sent"], _("Invited to %(event)s") % {"event": row["event__title"]},
            row["response_label"], link(row["event__public_id"]))
        for row in rows
    ]  # fmt: skip


@kind("registrations", gettext_lazy("Registrations"))
def registrations(enterprise, *, year, limit):
    """Its people's registrations for events, with where each stands."""
    rows = newest(
        Registration.objects.filter(enterprise=enterprise).values(
            "created_at", "status", "person_name", *EVENT_COLUMNS
        ),
        "created_at",
        year=year,
        limit=limit,
    )
    with_labels(rows, status=Registration.Status)
    link = row_link("events:dashboard")
    return [
        Row(row["created_at"], _("Registered for %(event)s") % {"event": row["event__title"]},
            f"{row['person_name']} · {row['status_label']}", link(row["event__public_id"]))
        for row in rows
    ]  # fmt: skip


@kind("attendance", gettext_lazy("Attendance"))
def attendance(enterprise, *, year, limit):
    """Its people checked in at events."""
    rows = newest(
        Registration.objects.filter(enterprise=enterprise, checked_in_at__isnull=False).values(
            "checked_in_at", "person_name", *EVENT_COLUMNS
        ),
        "checked_in_at",
        year=year,
        limit=limit,
    )
    link = row_link("events:dashboard")
    return [
        Row(row["checked_in_at"], _("Attended %(event)s") % {"event": row["event__title"]},
            row["person_name"], link(row["event__public_id"]))
        for row in rows
    ]  # fmt: skip


@kind("petitions", gettext_lazy("Petitions"))
def petitions(enterprise, *, year, limit):
    """Its petitions, when filed, with their outcome: where each stands and its rating."""
    rows = newest(
        Petition.objects.filter(enterprise=enterprise).values(
            "public_id", "created_at", "tracking_number", "title", "status", "rating"
        ),
        "created_at",
        year=year,
        limit=limit,
    )
    with_labels(rows, status=PetitionStatus, rating=Rating)
    link = row_link("petitions:detail")
    result = []
    for row in rows:
        detail = row["status_label"]
        if row["rating"]:
            detail += _(", rated “%(rating)s”") % {"rating": row["rating_label"]}
        title = f"{row['tracking_number']} {row['title']}"
        result.append(Row(row["created_at"], title, detail, link(row["public_id"])))
    return result


@kind("visits", gettext_lazy("Visits"))
def visits(enterprise, *, year, limit):
    """The visits made to it, with how many problems were found there about it."""
    found = (
        Finding.objects.filter(visit=OuterRef("pk"), enterprise=enterprise)
        .values("visit")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = newest(
        Visit.objects.done()
        .filter(enterprises=enterprise)
        .annotate(problems=Coalesce(Subquery(found), 0))
        .values("public_id", "done_on", "purpose", "problems"),
        "done_on",
        year=year,
        limit=limit,
    )
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
        result.append(Row(row["done_on"], title, detail, link(row["public_id"])))
    return result


@kind("services", pgettext_lazy("timeline", "Services"))
def services(enterprise, *, year, limit):
    """The services given to it, with its rating of each."""
    rows = newest(
        ServiceRecipient.objects.filter(enterprise=enterprise)
        .annotate(given_on=F("record__given_on"))
        .values(
            "pk", "rating", "record__public_id", "given_on", "record__what",
            "record__field__name", "record__field__name_en",
        ),
        "given_on",
        year=year,
        limit=limit,
    )  # fmt: skip
    with_labels(rows, rating=ServiceRecipient.Rating)
    english = not (translation.get_language() or "").startswith("zh")
    link = row_link("services:detail")
    result = []
    for row in rows:
        field = (english and row["record__field__name_en"]) or row["record__field__name"]
        title = f"{field}: {row['record__what']}"
        result.append(
            Row(row["given_on"], title, row["rating_label"], link(row["record__public_id"]))
        )
    return result


@kind("donations", gettext_lazy("Donations"))
def donations(enterprise, *, year, limit):
    """Its gifts to charity campaigns, in money and goods."""
    rows = newest(
        Donation.objects.filter(enterprise=enterprise).values(
            "pk", "received_on", "cash_yuan", "goods_value_yuan", "description", *EVENT_COLUMNS
        ),
        "received_on",
        year=year,
        limit=limit,
    )
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
        result.append(
            Row(row["received_on"], title, " · ".join(parts), link(row["event__public_id"]))
        )
    return result


@kind("notices", gettext_lazy("Notices"))
def notices(enterprise, *, year, limit):
    """The notices sent to its users: the subject and to whom, the text left in the inbox."""
    rows = newest(
        Notice.objects.filter(recipient__enterprise=enterprise).values(
            "pk", "created_at", "subject", "recipient__real_name"
        ),
        "created_at",
        year=year,
        limit=limit,
    )
    link = row_link("admin:notices_notice_change")
    return [
        Row(row["created_at"], row["subject"],
            _("to %(name)s") % {"name": row["recipient__real_name"]}, link(row["pk"]))
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

    @property
    def timed(self) -> bool:
        return isinstance(self.when, datetime.datetime)


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def moment(when: datetime.date | datetime.datetime) -> datetime.datetime:
    if isinstance(when, datetime.datetime):
        return when
    return timezone.make_aware(datetime.datetime.combine(when, datetime.time.min))


def page(enterprise, *, kinds: list[Kind], year: int | None, number: int = 1) -> Page:
    """Page `number` of the enterprise's timeline of `kinds` (in `year` if given), newest
    first, PAGE_SIZE entries: one query per kind."""
    offset = (number - 1) * PAGE_SIZE
    entries = [
        Entry(row.when, kind, row.title, row.detail, row.link, moment(row.when))
        for kind in kinds
        for row in kind.rows(enterprise, year=year, limit=offset + PAGE_SIZE + 1)
    ]
    # Newest first; a sort keeps equal moments in the kinds' order, reversed or not.
    entries.sort(key=attrgetter("moment"), reverse=True)
    return Page(entries[offset : offset + PAGE_SIZE], number, len(entries) > offset + PAGE_SIZE)
