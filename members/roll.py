"""Putting enterprises on the roll in bulk: what the roster import does with a sheet's rows
(members/jobs.py reads the workbook, members/resources.py its cells), and what the demo does
with its historical members (demo/management/commands/seed_members.py).

Every row or none: the rows are all checked first, a chunk at a time (what a chunk needs from
the database is read in a few queries, whatever its size: the enterprises with its credit
codes, the member numbers it names, the townships once), and only when no row has a problem
are they written, in bulk, each with a history row naming who did it and why. A dry run does
the same checks and writes nothing.

Member numbers: a number given in a row is kept, and its year's counter moves past it, so that
an enterprise approved or imported later never gets a number an imported one holds. A new
enterprise without a number gets the next of its join year's, after the numbers of the sheet.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .choices import PartyOrganisation
from .models import Enterprise, EnterpriseChange, MemberNumberCounter, Township, member_number
from .validators import (
    normalize_credit_code,
    normalize_division,
    normalize_landline,
    normalize_mobile,
    to_half_width,
)

# Rows checked together: what they need is read from the database in a few queries.
CHUNK = 1000
BATCH = 500  # rows a bulk INSERT or UPDATE sends at once

# What a row may set: an enterprise's own fields, not those the portal derives or stamps.
FIELDS = frozenset(
    f.name
    for f in Enterprise._meta.concrete_fields
    if f.editable and not f.primary_key and f.name not in {"created_at", "updated_at"}
)


def normalize_member_number(value: str) -> str:
    """「2015-42」, 「2015－0042 」: 2015-0042, as the portal numbers its members."""
    value = to_half_width(value).strip()
    match = re.fullmatch(r"(\d{4})\s*-\s*(\d+)", value)
    return member_number(int(match[1]), int(match[2])) if match else value


NORMALISE = {
    "credit_code": normalize_credit_code,
    "member_number": normalize_member_number,
    "contact_mobile": normalize_mobile,
    "contact_phone": normalize_landline,
    "industry_division": normalize_division,
}
# What a new enterprise is when its row does not say.
DEFAULTS = {
    "status": Enterprise.Status.MEMBER,
    "party_organisation": PartyOrganisation.NONE,
    "party_members": 0,
}
NUMBER = re.compile(r"^(\d{4})-(\d+)$")


class CellError(str):
    """A value that could not be read from its cell: the text says why. The row is reported
    with it, and the field is not checked further."""


@dataclass
class RollResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, what)

    @property
    def invalid(self) -> int:
        return len({row for row, _text in self.problems})

    @property
    def figures(self) -> dict[str, int]:
        return {
            "new": self.new,
            "update": self.updated,
            "skip": self.unchanged,
            "invalid": self.invalid,
        }


def put_on_roll(
    *,
    rows: list[dict],
    actor,
    reason: str = EnterpriseChange.IMPORTED,
    dry_run: bool = False,
    progress=None,
) -> RollResult:
    """Put `rows` (each an enterprise's field values, numbered from 1 in their order) on the
    roll: a new credit code becomes a member, a known one is updated with the values its row
    gives (a row that changes nothing is left alone). Nothing is written if any row has a
    problem, or on a `dry_run`. History records `actor` and `reason`. `progress(done, total)`
    is told as chunks are checked (a background job's progress)."""
    outcome = RollResult()
    check = Check()
    changes: list[tuple[Enterprise, set[str]]] = []
    done = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        changes += check.chunk(chunk, first=start + 1, outcome=outcome)
        done += len(chunk)
        if progress is not None:
            progress(done, len(rows))
    if outcome.problems or dry_run:
        outcome.problems.sort(key=lambda problem: problem[0])
        return outcome
    try:
        with transaction.atomic():
            write(changes, actor=actor, reason=str(reason))
    except IntegrityError as error:
        # A credit code or member number of the sheet taken meanwhile (an approval).
        raise RollChanged from error
    return outcome


class RollChanged(Exception):
    """The roll changed while the rows were checked: nothing was written; check again."""


class Check:
    """The checks of one import, chunk after chunk; remembers what earlier chunks held."""

    def __init__(self):
        self.townships: dict[str, Township] | None = None
        self.codes: dict[str, int] = {}  # credit code -> the row that names it
        self.numbers: dict[str, int] = {}  # member number -> the row that gives it
        self.today = timezone.localdate()

    def township(self, value):
        """A Township, found by its name or code among those the federation serves."""
        if self.townships is None:
            self.townships = {}
            for township in Township.objects.served():
                self.townships[township.code] = township
                self.townships.setdefault(township.name, township)
        if isinstance(value, Township):
            value = value.code
        return self.townships.get(str(value or "").strip())

    def chunk(self, rows: list[dict], *, first: int, outcome: RollResult):
        rows = [normalised(row) for row in rows]
        codes = {row.get("credit_code") for row in rows} - {None, ""}
        existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        numbers = {row.get("member_number") for row in rows} - {None, ""}
        held = dict(
            Enterprise.objects.filter(member_number__in=numbers).values_list(
                "member_number", "credit_code"
            )
        )
        changes = []
        for number, row in enumerate(rows, start=first):
            errors: dict[str, list[str]] = defaultdict(list)
            change = self.row(row, existing, held, errors, number)
            if errors:
                outcome.problems += describe(number, errors)
            elif change is None:
                outcome.unchanged += 1
            else:
                changes.append(change)
                if change[0].pk is None:
                    outcome.new += 1
                else:
                    outcome.updated += 1
        return changes

    def row(self, row, existing, held, errors, number):
        """The enterprise `row` makes and the fields it changes; None when it changes nothing
        or has a problem (added to `errors`)."""
        unknown = set(row) - FIELDS
        if unknown:
            raise TypeError(f"Not an enterprise's field: {', '.join(sorted(unknown))}")
        skip = {name for name, value in row.items() if isinstance(value, CellError)}
        for name in skip:
            errors[name].append(str(row[name]))
        values = {name: value for name, value in row.items() if name not in skip}
        code = values.get("credit_code", "")
        original = existing.get(code)
        if original is None:
            enterprise = Enterprise(**{**DEFAULTS, "joined_on": self.today})
        else:
            enterprise = Enterprise(**{f.attname: getattr(original, f.attname) for f in META})
            enterprise._state.adding = False
        # An empty cell where the roll needs a value keeps the enterprise's (a new one's is
        # a member in good standing since today, no party organisation, a number of its own).
        for name in (*DEFAULTS, "joined_on", "member_number"):
            if values.get(name, "") in ("", None):
                values.pop(name, None)

        if "township" in values:
            township = self.township(values.pop("township"))
            if township is None:
                errors["township"].append(
                    _("Unknown township or street: %(name)s") % {"name": row["township"]}
                )
            else:
                enterprise.township = township
        elif original is None and "township" not in skip:
            errors["township"].append(_("This column must not be empty."))
        for name, value in values.items():
            setattr(enterprise, name, value)
        given_number = values.get("member_number", "")
        if original is None and not given_number:
            # A number that passes validation; the real one is taken when the row is written.
            enterprise.member_number = f"+{code}"
            enterprise.number_on_write = True

        if original is not None and values.get("status", original.status) != original.status:
            # A status changes through members.services (a reason, its users told, the rules
            # of which status may follow which), never by overwriting a column.
            errors["status"].append(
                _(
                    "An import does not change a member's status: suspend, withdraw or "
                    "reinstate it on its page, with a reason."
                )
            )
        try:
            enterprise.clean_fields(exclude={"township", *skip})
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[name] += messages

        if code:
            if code in self.codes:
                errors["credit_code"].append(
                    _("This credit code is also in row %(row)s.") % {"row": self.codes[code]}
                )
            else:
                self.codes[code] = number
        if given_number:
            holder = held.get(given_number)
            if holder is not None and holder != code:
                errors["member_number"].append(unique_message(enterprise, "member_number"))
            elif given_number in self.numbers:
                errors["member_number"].append(
                    _("This member number is also in row %(row)s.")
                    % {"row": self.numbers[given_number]}
                )
            else:
                self.numbers[given_number] = number
        if errors:
            return None
        if original is None:
            return enterprise, set()
        changed = {
            f.name for f in META if getattr(enterprise, f.attname) != getattr(original, f.attname)
        }
        return (enterprise, changed) if changed else None


META = [
    f
    for f in Enterprise._meta.concrete_fields
    if f.name not in {"name_pinyin", "name_initials", "name_pinyin_pairs"}
]


def normalised(row: dict) -> dict:
    """The row with its codes and numbers as the portal keeps them, and an empty cell of a
    text column as an empty string."""
    row = dict(row)
    for name, normalise in NORMALISE.items():
        value = row.get(name)
        if value is not None and not isinstance(value, CellError):
            row[name] = normalise(str(value))
    for name, value in row.items():
        if value is None and name in TEXT:
            row[name] = ""
    return row


TEXT = {
    f.name
    for f in Enterprise._meta.concrete_fields
    if f.get_internal_type() in {"CharField", "TextField"} and not f.null
}


def unique_message(enterprise: Enterprise, name: str) -> str:
    error = enterprise.unique_error_message(Enterprise, [name])
    return str(error.message % error.params)


def describe(number: int, errors: dict[str, list[str]]) -> list[tuple[int, str]]:
    """A row's problems as its report lists them: the column, then what is wrong."""
    problems = []
    for name, messages in errors.items():
        text = " ".join(dict.fromkeys(messages))
        if name == "__all__":
            problems.append((number, text))
        else:
            label = Enterprise._meta.get_field(name).verbose_name
            problems.append((number, f"{label}: {text}"))
    return problems


# --- Writing -----------------------------------------------------------------------------------


def write(changes, *, actor, reason: str) -> None:
    new = [enterprise for enterprise, _names in changes if enterprise.pk is None]
    updated = [(enterprise, names) for enterprise, names in changes if enterprise.pk is not None]
    # The enterprises to update, locked (in one order: two imports never deadlock) and as
    # they were checked: one changed meanwhile (staff suspending it, its profile edited)
    # would be overwritten with what the check read, so nothing is written.
    checked = {enterprise.pk: enterprise.updated_at for enterprise, _names in updated}
    now_held = Enterprise.objects.select_for_update().filter(pk__in=checked).order_by("pk")
    if dict(now_held.values_list("pk", "updated_at")) != checked:
        raise RollChanged
    counters = lock_counters(changes)
    number_new(new, counters)
    MemberNumberCounter.objects.bulk_update(counters.values(), ["last"], batch_size=BATCH)
    now = timezone.now()
    for enterprise, _names in changes:
        enterprise.set_derived_fields()
        enterprise.updated_at = now
    if new:
        bulk_create_with_history(
            new, Enterprise, batch_size=BATCH, default_user=actor, default_change_reason=reason
        )
    if updated:
        names = set().union(*(names for _enterprise, names in updated))
        names |= {"name_pinyin", "name_initials", "name_pinyin_pairs", "left_on", "updated_at"}
        bulk_update_with_history(
            [enterprise for enterprise, _names in updated],
            Enterprise,
            sorted(names),
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=reason,
        )


def year_of(number: str) -> tuple[int, int] | None:
    match = NUMBER.match(number or "")
    return (int(match[1]), int(match[2])) if match else None


def lock_counters(changes) -> dict[int, MemberNumberCounter]:
    """The counters of every year the rows number in, locked until the import commits (an
    approval waits), each moved past the highest number the rows give in its year."""
    highest: dict[int, int] = {}
    for enterprise, _names in changes:
        if getattr(enterprise, "number_on_write", False):
            highest.setdefault(enterprise.joined_on.year, 0)
        elif parsed := year_of(enterprise.member_number):
            year, n = parsed
            highest[year] = max(highest.get(year, 0), n)
    if not highest:
        return {}
    MemberNumberCounter.objects.bulk_create(
        [MemberNumberCounter(year=year) for year in highest], ignore_conflicts=True
    )
    counters = MemberNumberCounter.objects.select_for_update().in_bulk(list(highest))
    for year, n in highest.items():
        counters[year].last = max(counters[year].last, n)
    return counters


def number_new(new: list[Enterprise], counters: dict[int, MemberNumberCounter]) -> None:
    """Give each new enterprise without a number the next free one of its join year."""
    wanting: dict[int, list[Enterprise]] = defaultdict(list)
    for enterprise in new:
        if getattr(enterprise, "number_on_write", False):
            wanting[enterprise.joined_on.year].append(enterprise)
    for year, enterprises in wanting.items():
        counter = counters[year]
        free: list[str] = []
        while len(free) < len(enterprises):
            # A number may be held above the counter (given by hand in the admin): skipped.
            want = len(enterprises) - len(free)
            candidates = [
                member_number(year, n) for n in range(counter.last + 1, counter.last + 1 + want)
            ]
            taken = set(
                Enterprise.objects.filter(member_number__in=candidates).values_list(
                    "member_number", flat=True
                )
            )
            free += [number for number in candidates if number not in taken]
            counter.last += want
        for enterprise, number in zip(enterprises, free, strict=True):
            enterprise.member_number = number
