"""`manage.py seed_demo`: a demo federation that looks like Yanqing's (docs/domain.md).

700 member enterprises (349 of them members before 2021), 62 with a party organisation,
pending and rejected applications, 30 representative figures, and the demo accounts that
`make run` prints. The database remembers it was filled by the demo (demo.models.Load).

The members are put on the roll as a federation puts its existing members on it: through the
roster import's service (members.roll.put_on_roll), which checks them, records their history
(the demo's staff user, the demo as the reason) and moves each year's member-number counter
past their numbers. Applications are filed and decided through members.services, and the
representative figures, their labels, public posts and trainings are entered through it by the
demo's staff user, each at its moment (demo.clock).

The data comes from a fixed seed and a fixed timeline, so every run plans the same
federation, its membership dates moved to end on the day it is loaded; what already exists
(found by credit code, e-mail or name) is left alone. A second run therefore creates and
changes nothing, and never resets a password.
"""

import datetime
import math
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo import accounts, clock
from demo.accounts import aware
from demo.data import members as data
from demo.guard import refuse_real_data
from demo.models import Load
from members.choices import LegalForm, Ownership, PartyOrganisation
from members.models import (
    Application,
    Enterprise,
    RepresentativePerson,
    RepresentativeTag,
    Township,
    name_pinyin,
)
from members.roll import put_on_roll
from members.services import (
    add_public_post,
    add_representative,
    add_representative_tag,
    add_training,
    reject_application,
    submit_application,
)
from members.validators import USCC_ALPHABET

CHANGE_REASON = "演示数据（seed_demo）"
DAY = datetime.timedelta(days=1)


# --- The plan: plain data, the same on every run -----------------------------------------------


@dataclass
class PersonName:
    name: str
    female: bool


@dataclass
class AccountSpec:
    role: str
    email: str
    real_name: str
    mobile: str = ""
    superuser: bool = False
    enterprise_code: str = ""


@dataclass
class RepresentativeSpec:
    name: str
    female: bool
    birth_year: int
    enterprise_code: str
    position: str
    mobile: str
    notes: str
    tags: list[str]
    posts: list[dict] = field(default_factory=list)
    trainings: list[dict] = field(default_factory=list)


@dataclass
class Plan:
    enterprises: list[dict]
    applications: list[dict]
    representatives: list[RepresentativeSpec]
    accounts: list[AccountSpec]

    def credit_codes(self) -> list[str]:
        return [row["fields"]["credit_code"] for row in self.enterprises]


def weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def ramp_dates(start, end, count, slope) -> list[datetime.date]:
    """`count` workdays from `start` to `end`, their density rising linearly by `slope`.

    Quantiles rather than random draws, so each year takes in a few more members than the last.
    """
    span = (end - start).days
    dates = []
    for i in range(count):
        u = (i + 0.5) / count
        x = (-1 + math.sqrt(1 + 2 * slope * u * (1 + slope / 2))) / slope
        day = start + datetime.timedelta(days=int(x * span))
        if day.weekday() >= 5:
            day += datetime.timedelta(days=7 - day.weekday())
            if day > end:
                day -= datetime.timedelta(days=3)
        dates.append(day)
    return dates


class Planner:
    """Draws the demo federation from one seeded random stream."""

    def __init__(self, townships: dict[str, str], today: datetime.date):
        self.rng = random.Random(data.SEED)
        self.today = today
        self.townships = townships  # code suffix -> name
        self.names: set[str] = set()
        self.bodies: set[str] = set()
        trade = [a + b for a in data.TRADE_FIRST for b in data.TRADE_SECOND if a != b]
        self.trade_names = list(dict.fromkeys(trade))

    # People --------------------------------------------------------------------------------

    def person(self, female: bool | None = None) -> PersonName:
        rng = self.rng
        if female is None:
            female = rng.random() < data.WOMEN_SHARE
        surname = rng.choice(data.SURNAMES)
        if female:
            single, first, second = (
                data.GIVEN_FEMALE_SINGLE,
                data.GIVEN_FEMALE_FIRST,
                data.GIVEN_FEMALE_SECOND,
            )
        else:
            single, first, second = (
                data.GIVEN_MALE_SINGLE,
                data.GIVEN_MALE_FIRST,
                data.GIVEN_MALE_SECOND,
            )
        given = rng.choice(single) if rng.random() < 0.3 else rng.choice(first) + rng.choice(second)
        return PersonName(surname + given, female)

    # Codes and names -----------------------------------------------------------------------

    def org_body(self, founded: datetime.date) -> str:
        rng = self.rng
        while True:
            if founded < data.USCC_REFORM:
                body = rng.choice("5678") + "".join(rng.choice("0123456789") for _ in range(7))
            else:
                body = "MA0" + rng.choice("01234")
                body += "".join(rng.choice(USCC_ALPHABET) for _ in range(4))
            if body not in self.bodies:
                self.bodies.add(body)
                return body

    def trade_name(self, village: str = "") -> str:
        rng = self.rng
        if village and rng.random() < 0.6:
            return village
        if rng.random() < data.LOCAL_TRADE_SHARE:
            return rng.choice(data.LOCAL_TRADE_NAMES)
        return rng.choice(self.trade_names)

    def company_name(
        self, trade: str, word: str, section: str, ownership: str, legal_form: str
    ) -> str:
        rng = self.rng
        if legal_form == LegalForm.JOINT_STOCK:
            return f"北京{trade}{word}股份有限公司"
        if legal_form == LegalForm.PARTNERSHIP:
            return f"北京{trade}{word}中心（有限合伙）"
        if legal_form == LegalForm.SOLE:
            return f"北京延庆{trade}{word}{data.SOLE_SUFFIX.get(section, '中心')}"
        if ownership == Ownership.COLLECTIVE:
            return f"北京市延庆区{trade}{word}公司"
        if ownership in (Ownership.FOREIGN, Ownership.HMT):
            return f"{trade}（北京）{word}有限公司"
        pattern = rng.choices(
            ["北京延庆{t}{w}有限公司", "北京{t}{w}有限公司", "北京{t}{w}有限责任公司"],
            weights=[50, 30, 20],
        )[0]
        return pattern.format(t=trade, w=word)

    def unique_name(self, make) -> str:
        for _ in range(200):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise CommandError("Could not draw a distinct enterprise name; widen the word lists.")

    # Places ------------------------------------------------------------------------------

    def township(self, rural: bool) -> str:
        weights = {code: spec[1 if rural else 0] for code, spec in data.TOWNSHIPS.items()}
        return weighted(self.rng, weights)

    def address(self, suffix: str) -> tuple[str, str]:
        """The address and, in a town, its village (used for cooperatives' names)."""
        rng = self.rng
        place = rng.choice(data.TOWNSHIPS[suffix][2])
        prefix = f"北京市延庆区{self.townships[suffix]}"
        if suffix.startswith("0"):  # a street (街道): a road and a number
            return f"{prefix}{place}{rng.randint(1, 199)}号", ""
        return f"{prefix}{place}村{rng.randint(1, 320)}号", place

    # Enterprise details --------------------------------------------------------------------

    def details(self, serial: int, joined: datetime.date, startup: bool, section: str = "") -> dict:
        """The fields an enterprise states about itself; `section` forces a company in it."""
        rng = self.rng
        forced = bool(section)
        draw = 1.0 if forced else rng.random()
        section = section or weighted(rng, {s: spec[0] for s, spec in data.INDUSTRIES.items()})
        if draw < data.INDIVIDUAL_SHARE:
            kind = "individual"
            section, division, word, scope = rng.choice(data.INDIVIDUAL_BUSINESSES)
        elif (
            section == "A"
            and joined >= data.COOPERATIVE_LAW + 540 * DAY
            and not forced
            and rng.random() < data.COOPERATIVE_SHARE
        ):
            kind = "cooperative"
            word, division = rng.choice(data.COOPERATIVE_WORDS)
            scope = data.COOPERATIVE_SCOPE
        else:
            kind = "company"
            divisions = data.INDUSTRIES[section][2]
            division, _weight, words, scope = rng.choices(
                divisions, weights=[d[1] for d in divisions]
            )[0]
            word = rng.choice(words)
        rural = kind != "company" or data.INDUSTRIES[section][1]
        suffix = self.township(rural)
        address, village = self.address(suffix)

        # Founding: a third of those joining in the period are start-ups (双创).
        age = rng.random()
        if startup and age < 0.35:
            years = rng.uniform(0.1, 2)
        elif age < 0.75:
            years = rng.uniform(2, 8)
        else:
            years = rng.uniform(8, 22)
        founded = joined - datetime.timedelta(days=int(years * 365.25))
        if founded < data.OLDEST_FOUNDING:
            span = (joined - data.OLDEST_FOUNDING).days
            founded = data.OLDEST_FOUNDING + datetime.timedelta(days=int(rng.random() * span))
        if kind == "cooperative":
            founded = max(founded, data.COOPERATIVE_LAW)

        if kind == "individual":
            size, ownership, legal_form = "micro", Ownership.INDIVIDUAL, LegalForm.INDIVIDUAL
            category = data.CATEGORY_INDIVIDUAL
            name = self.unique_name(lambda: f"延庆区{self.trade_name(village)}{word}")
            employees = rng.randint(1, 8)
            capital = None
        elif kind == "cooperative":
            size = "small" if rng.random() < 0.3 else "micro"
            ownership, legal_form = Ownership.COOPERATIVE, LegalForm.COOPERATIVE
            category = data.CATEGORY_COOPERATIVE
            prefix = rng.choice(["延庆区", "北京市延庆区", "北京"])
            name = self.unique_name(lambda: f"{prefix}{self.trade_name(village)}{word}专业合作社")
            low, high = data.EMPLOYEES["other"][size]
            employees = rng.randint(max(low, 5), high)
            capital = Decimal(data.CAPITAL_STEPS[rng.randint(1, 8)])
        else:
            size = weighted(rng, data.SIZE_WEIGHTS)
            ownership = weighted(rng, data.OWNERSHIP_WEIGHTS)
            if ownership == Ownership.PRIVATE:
                legal_form = weighted(rng, data.LEGAL_FORM_WEIGHTS)
                if legal_form == LegalForm.PARTNERSHIP and section not in "ILMR":
                    legal_form = LegalForm.LLC  # partnerships: consulting, tech, culture
            elif ownership == Ownership.COLLECTIVE:
                legal_form = LegalForm.OTHER
            else:
                legal_form = LegalForm.LLC
            category = data.CATEGORY_ENTERPRISE
            name = self.unique_name(
                lambda: self.company_name(self.trade_name(), word, section, ownership, legal_form)
            )
            band = "industrial" if section in "BCDE" else "other"
            employees = rng.randint(*data.EMPLOYEES[band][size])
            capital = Decimal(data.CAPITAL_STEPS[rng.randint(*data.CAPITAL_RANGE[size])])

        legal_rep = self.person()
        contact = legal_rep if rng.random() < 0.3 else self.person()
        if rng.random() < 0.5:
            scope += data.SCOPE_SUFFIX
        phone = f"{data.LANDLINE_PREFIX}{rng.randrange(10000):04d}" if rng.random() < 0.35 else ""
        email = ""
        if rng.random() < 0.4:
            initials = re.sub(r"[^a-z]", "", name_pinyin(name)[1])
            email = f"{initials[:6]}{serial:03d}@example.com"
        return {
            "kind": kind,
            "legal_rep_female": legal_rep.female,
            "fields": {
                "name": name,
                "credit_code": data.make_credit_code(self.org_body(founded), category=category),
                "legal_representative": legal_rep.name,
                "industry": section,
                "industry_division": division if rng.random() < 0.92 else "",
                "size": size,
                "ownership": ownership,
                "legal_form": legal_form,
                "township": suffix,
                "address": address,
                "founded_on": founded,
                "employees": employees,
                "registered_capital": capital,
                "business_scope": scope,
                "contact_name": contact.name,
                "contact_mobile": accounts.mobile(serial),
                "contact_phone": phone,
                "email": email,
            },
        }

    # The federation ------------------------------------------------------------------------

    def build(self) -> Plan:
        joined = ramp_dates(
            data.FIRST_JOIN, data.PLAN_START - DAY, data.MEMBERS_AT_START, slope=1.5
        ) + ramp_dates(
            data.PLAN_START,
            data.PLAN_END,
            data.MEMBERS_TOTAL - data.MEMBERS_AT_START,
            slope=1.0,
        )
        enterprises = []
        for i, day in enumerate(joined):
            row = self.details(i + 1, day, startup=i >= data.MEMBERS_AT_START)
            row["fields"].update(
                status=Enterprise.Status.MEMBER,
                status_reason="",
                joined_on=day,
                party_organisation=PartyOrganisation.NONE,
                party_members=0,
                party_instructor="",
                party_organisation_since=None,
            )
            enterprises.append(row)
        self.party(enterprises)
        self.statuses(enterprises)
        self.move_to(enterprises, self.today)
        accounts = self.accounts(enterprises)
        applications = self.applications(accounts)
        representatives = self.representatives(enterprises)
        return Plan(enterprises, applications, representatives, accounts)

    @staticmethod
    def move_to(enterprises, today: datetime.date):
        """Move the membership dates to end in the week before `today`; number the members.

        Only the dates move: the draws above saw the fixed timeline, so the same enterprises
        come out whatever the day.
        """
        shift = data.shift(today)
        sequence: dict[int, int] = {}
        for row in enterprises:
            f = row["fields"]
            for name in ("joined_on", "party_organisation_since", "left_on"):
                if f.get(name):
                    f[name] += shift
            f["founded_on"] = min(f["founded_on"], f["joined_on"])
            year = f["joined_on"].year
            sequence[year] = sequence.get(year, 0) + 1
            f["member_number"] = f"{year}-{sequence[year]:04d}"

    def party(self, enterprises):
        """62 party organisations, mostly in the larger firms; instructors for many others."""
        rng = self.rng
        size_weight = {"large": 10, "medium": 6, "small": 2, "micro": 0.4}
        candidates = [e for e in enterprises if e["kind"] != "individual"]
        # Weighted sampling without replacement (Efraimidis-Spirakis keys).
        keyed = sorted(
            candidates,
            key=lambda e: rng.random() ** (1 / size_weight[e["fields"]["size"]]),
            reverse=True,
        )
        chosen = sorted(
            keyed[: data.PARTY_ORGANISATIONS], key=lambda e: e["fields"]["employees"], reverse=True
        )
        for n, row in enumerate(chosen):
            f = row["fields"]
            if n < data.PARTY_OWN_BRANCHES and f["employees"] >= 3:
                f["party_organisation"] = PartyOrganisation.OWN_BRANCH
                f["party_members"] = rng.randint(3, max(3, min(35, f["employees"] // 5)))
            else:
                f["party_organisation"] = PartyOrganisation.JOINT_BRANCH
                f["party_members"] = rng.randint(1, min(2, f["employees"]))
            earliest = data.PLAN_START if rng.random() < 0.8 else datetime.date(2012, 1, 1)
            low = max(f["founded_on"], earliest)
            days = max((data.PLAN_END - low).days, 0)
            f["party_organisation_since"] = low + datetime.timedelta(days=int(rng.random() * days))
        instructors = {suffix: self.person().name for suffix in data.TOWNSHIPS}
        rest = [e for e in enterprises if e["fields"]["party_organisation"] == "none"]
        for row in rng.sample(rest, data.PARTY_INSTRUCTOR_ONLY):
            f = row["fields"]
            f["party_organisation"] = PartyOrganisation.INSTRUCTOR
            f["party_instructor"] = instructors[f["township"]]

    def statuses(self, enterprises):
        """A few suspended or withdrawn members, among those who joined some time ago."""
        rng = self.rng
        older = [
            e
            for e in enterprises[:600]
            if e["fields"]["party_organisation"] == PartyOrganisation.NONE
        ]
        picked = rng.sample(older, data.SUSPENDED + data.WITHDRAWN)
        for n, row in enumerate(picked):
            status = "suspended" if n < data.SUSPENDED else "withdrawn"
            row["fields"]["status"] = status
            row["fields"]["status_reason"] = rng.choice(data.STATUS_REASONS[status])
            if status == "withdrawn":
                # Left during the period, some time after joining: the yearly report counts it.
                since = max(row["fields"]["joined_on"], data.PLAN_START)
                days = (data.PLAN_END - since).days
                # (its own stream, so that the rest of the demo stays as it was drawn).
                own = random.Random(row["fields"]["credit_code"])
                row["fields"]["left_on"] = since + datetime.timedelta(days=own.randint(30, days))

    def accounts(self, enterprises) -> list[AccountSpec]:
        def first(test):
            return next(e for e in enterprises if e["fields"]["status"] == "member" and test(e))

        member = first(
            lambda e: (
                e["fields"]["industry"] == "R"
                and e["fields"]["party_organisation"] == PartyOrganisation.OWN_BRANCH
            )
        )
        member2 = first(lambda e: e["kind"] == "cooperative")
        d = data.DEMO_DOMAIN
        return [
            AccountSpec("staff", f"staff@{d}", "秘书处演示管理员", superuser=True),
            *(
                AccountSpec(
                    role,
                    f"{role}@{d}",
                    row["fields"]["contact_name"],
                    row["fields"]["contact_mobile"],
                    enterprise_code=row["fields"]["credit_code"],
                )
                for role, row in (("member", member), ("member2", member2))
            ),
        ]

    def applications(self, accounts) -> list[dict]:
        """Pending and rejected applications, each from its own applicant account."""
        rng = self.rng
        sections = ["R", "I", "H", "A", "F", "L", "C", "M"]
        specs = []
        total = data.PENDING_APPLICATIONS + data.REJECTED_APPLICATIONS
        for n in range(total):
            founded = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 1000))
            row = self.details(800 + n, data.PLAN_END, startup=True, section=sections[n])
            fields = row["fields"]
            fields["founded_on"] = founded
            status = Application.Status.PENDING
            reason = ""
            district = data.DISTRICT_CODE
            if n >= data.PENDING_APPLICATIONS:
                status = Application.Status.REJECTED
                district, reason = data.REJECTION_REASONS[n - data.PENDING_APPLICATIONS]
            fields["credit_code"] = data.make_credit_code(self.org_body(founded), district=district)
            email = (
                f"applicant@{data.DEMO_DOMAIN}"
                if n == 0
                else f"applicant{n + 1}@{data.DEMO_DOMAIN}"
            )
            spec = AccountSpec("applicant", email, fields["contact_name"], fields["contact_mobile"])
            if n == 0:
                accounts.append(spec)
            days_ago = [1, 2, 4, 6, 9, 13, 24, 41][n]
            specs.append(
                {
                    "fields": fields,
                    "status": status,
                    "rejection_reason": reason,
                    "applicant": spec,
                    "days_ago": days_ago,
                }
            )
        return specs

    def representatives(self, enterprises) -> list[RepresentativeSpec]:
        """30 figures: the legal representatives of leading members, women among them."""
        rng = self.rng
        size_rank = {"large": 3, "medium": 2, "small": 1, "micro": 0}
        scores = {}
        for e in enterprises:
            f = e["fields"]
            if e["kind"] != "individual" and f["status"] == "member":
                party = 3 if f["party_organisation"] in ("own", "joint") else 0
                scores[f["credit_code"]] = party + size_rank[f["size"]] + rng.random() * 2
        ranked = sorted(
            (e for e in enterprises if e["fields"]["credit_code"] in scores),
            key=lambda e: scores[e["fields"]["credit_code"]],
            reverse=True,
        )
        quota = {True: data.REPRESENTATIVE_WOMEN, False: data.REPRESENTATIVES}
        quota[False] -= quota[True]
        chosen, seen = [], set()
        for e in ranked:
            name, female = e["fields"]["legal_representative"], e["legal_rep_female"]
            if name not in seen and quota[female] > 0:
                quota[female] -= 1
                seen.add(name)
                chosen.append(e)
        party_of = {e["fields"]["credit_code"]: e["fields"]["party_organisation"] for e in chosen}

        people = []
        for rank, row in enumerate(chosen):
            f = row["fields"]
            young = rng.random() < 0.4
            birth_year = rng.randint(1981, 1996) if young else rng.randint(1960, 1980)
            tags = []
            if birth_year >= data.YOUNG_FROM:
                tags.append(data.TAG_YOUNG)
            if row["legal_rep_female"]:
                tags.append(data.TAG_WOMEN)
            if f["industry"] in "ILMR" and rng.random() < 0.6:
                tags.append(data.TAG_NEW_STRATUM)
            notes = []
            if rank < 8:
                tags += [data.TAG_STANDING, data.TAG_EXECUTIVE]
                notes.append("延庆区工商联常委。")
            elif rank < 22:
                tags.append(data.TAG_EXECUTIVE)
                notes.append("延庆区工商联执委。")
            if f["industry"] in "AHR" and f["township"] >= "100" and young and rng.random() < 0.6:
                tags.append(data.TAG_RETURNEE)
                notes.append("大学毕业后返乡创业。")
            position = data.POSITIONS.get(f["legal_form"]) or rng.choice(data.POSITIONS[""])
            people.append(
                RepresentativeSpec(
                    name=f["legal_representative"],
                    female=row["legal_rep_female"],
                    birth_year=birth_year,
                    enterprise_code=f["credit_code"],
                    position=position,
                    mobile=accounts.mobile(9000 + len(people) + 1),
                    notes="".join([f"{f['name']}{position}。", *notes]),
                    tags=tags,
                )
            )
        # Chamber heads: the 康庄镇兴隆街商会 and two other township chambers (docs/domain.md).
        chambers = ["康庄镇兴隆街商会会长", "八达岭镇商会会长", "张山营镇商会常务副会长"]
        for person, title in zip(rng.sample(people[8:], len(chambers)), chambers, strict=True):
            person.tags.append(data.TAG_CHAMBER)
            person.notes += f"{title}。"
        # Public posts, to the leading figures first.
        holders = iter(people)
        for kind, level, title, term, started, ended, count in data.PUBLIC_POSTS:
            for _ in range(count):
                next(holders).posts.append(
                    {
                        "kind": kind,
                        "level": level,
                        "title": title,
                        "term": term,
                        "started_on": started,
                        "ended_on": ended,
                    }
                )
        for name, organiser, audience, dates in data.TRAININGS:
            for day in dates:
                for person in people:
                    if audience == "all":
                        invited = rng.random() < 0.35
                    elif audience == "party":
                        org = party_of[person.enterprise_code]
                        invited = org in ("own", "joint") and rng.random() < 0.7
                    else:
                        invited = audience in person.tags and rng.random() < 0.7
                    if invited:
                        person.trainings.append(
                            {"name": name, "organiser": organiser, "attended_on": day}
                        )
        return people


# --- Writing it ----------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Fill the database with a demo federation (700 member enterprises, applications, "
        "representative figures) and demo accounts. Safe to run again: existing demo data "
        "is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="Do not print the demo accounts at the end."
        )

    def handle(self, *args, quiet=False, verbosity=1, **options):
        refuse_real_data()
        self.townships = {t.code: t for t in Township.objects.served()}
        missing = {data.DISTRICT_CODE + s for s in data.TOWNSHIPS} - set(self.townships)
        if missing:
            raise CommandError(
                f"Townships missing: {', '.join(sorted(missing))}; run `manage.py migrate` first."
            )
        plan = Planner(
            {code[6:]: t.name for code, t in self.townships.items()}, timezone.localdate()
        ).build()

        self.created = dict.fromkeys(("users", "enterprises", "applications", "people"), 0)
        with transaction.atomic(), clock.past_notices():
            Load.objects.create()
            staff = self.user(plan.accounts[0])
            enterprises = self.enterprises(plan, staff)
            for spec in plan.accounts[1:]:
                if spec.role != "applicant":
                    self.user(spec, enterprises.get(spec.enterprise_code))
            self.applications(plan, staff)
            self.representatives(plan, staff, enterprises)

        if verbosity:
            self.report(plan, quiet)

    # Accounts ----------------------------------------------------------------------------

    def user(self, spec: AccountSpec, enterprise=None):
        user, made = accounts.account(
            email=spec.email,
            real_name=spec.real_name,
            mobile=spec.mobile,
            enterprise=enterprise,
            superuser=spec.superuser,
        )
        self.created["users"] += made
        return user

    # Enterprises -------------------------------------------------------------------------

    def enterprises(self, plan: Plan, staff) -> dict[str, Enterprise]:
        """Put the planned enterprises that are not there yet on the roll, as staff put a
        federation's existing members on it: through the roster import's service, which
        records them in history and moves each year's member-number counter past their
        numbers. Return all of them by credit code."""
        rows = [row["fields"] for row in plan.enterprises]
        codes = [f["credit_code"] for f in rows]
        existing = set(
            Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
        )
        new_rows = [
            {**f, "township": self.townships[data.DISTRICT_CODE + f["township"]]}
            for f in rows
            if f["credit_code"] not in existing
        ]
        if new_rows:
            result = put_on_roll(rows=new_rows, actor=staff, reason=CHANGE_REASON)
            if result.problems:
                problems = "; ".join(f"{row}: {text}" for row, text in result.problems[:5])
                raise CommandError(f"The demo's members were refused: {problems}")
            self.created["enterprises"] = result.figures["new"]
        demo = Enterprise.objects.filter(credit_code__in=codes)
        return {e.credit_code: e for e in demo}

    # Applications ------------------------------------------------------------------------

    def applications(self, plan: Plan, staff):
        """Filed and decided through members.services, each at its moment (demo.clock)."""
        now = timezone.localtime().replace(microsecond=0)
        for spec in plan.applications:
            fields = dict(spec["fields"])
            if Application.objects.filter(credit_code=fields["credit_code"]).exists():
                continue
            applicant = self.user(spec["applicant"])
            fields["township"] = self.townships[data.DISTRICT_CODE + fields["township"]]
            submitted = (now - spec["days_ago"] * DAY).replace(hour=9, minute=30, second=0)
            pdf = data.licence_pdf(
                [
                    "BUSINESS LICENCE - DEMO DATA, NOT A REAL DOCUMENT",
                    "",
                    f"Name: {name_pinyin(fields['name'])[0]}",
                    f"Unified social credit code: {fields['credit_code']}",
                    f"Legal representative: {name_pinyin(fields['legal_representative'])[0]}",
                    f"Founded: {fields['founded_on']:%Y-%m-%d}",
                ]
            )
            with clock.at(submitted):
                application = submit_application(
                    applicant=applicant,
                    details=fields,
                    licence=ContentFile(pdf, name="licence.pdf"),
                    checksum_ok=True,
                    consent_version=settings.PRIVACY_NOTICE_VERSION,
                )
            if spec["status"] == Application.Status.REJECTED:
                with clock.at(submitted + 2 * DAY):
                    reject_application(
                        application=application, actor=staff, reason=spec["rejection_reason"]
                    )
            self.created["applications"] += 1

    # Representative figures -------------------------------------------------------------

    def representatives(self, plan: Plan, staff, enterprises: dict[str, Enterprise]):
        """Through members.services by the demo staff account, each at its moment: a figure is
        entered a week after its firm joined (the labels just before the first), a public post
        on the day it began and a training on the evening of its day (those before the figure
        was entered, with it); trainings still ahead on the day the demo is loaded are left out."""
        today = timezone.localdate()
        missing = []
        for spec in plan.representatives:
            enterprise = enterprises.get(spec.enterprise_code)
            if enterprise is None:
                continue
            if RepresentativePerson.objects.filter(name=spec.name, enterprise=enterprise).exists():
                continue
            missing.append((spec, enterprise, (enterprise.joined_on or today) + 7 * DAY))
        missing.sort(key=lambda row: (row[2], row[0].enterprise_code))
        tags = dict(RepresentativeTag.objects.values_list("name", "pk"))
        if missing:  # the labels, just before the first figure
            with clock.at(aware(missing[0][2], 9)):
                for name in data.TAGS:
                    if name not in tags:
                        tags[name] = add_representative_tag(actor=staff, name=name).pk
        for spec, enterprise, entered in missing:
            with clock.at(aware(entered, 10)):
                person = add_representative(
                    actor=staff,
                    name=spec.name,
                    gender="f" if spec.female else "m",
                    birth_year=spec.birth_year,
                    enterprise=enterprise,
                    position=spec.position,
                    mobile=spec.mobile,
                    notes=spec.notes,
                    tags=[tags[t] for t in spec.tags],
                )
            for post in spec.posts:
                with clock.at(aware(max(post["started_on"] or entered, entered), 11)):
                    add_public_post(person=person, actor=staff, **post)
            for training in spec.trainings:
                if training["attended_on"] > today:
                    continue
                with clock.at(aware(max(training["attended_on"], entered), 17)):
                    add_training(person=person, actor=staff, **training)
            self.created["people"] += 1

    # Output ------------------------------------------------------------------------------

    def report(self, plan: Plan, quiet: bool):
        c = self.created
        demo = Enterprise.objects.filter(credit_code__in=plan.credit_codes())
        self.stdout.write(
            f"演示数据 / demo data: {demo.count()} 家会员企业（本次新建 {c['enterprises']}），"
            f"待审申请 {Application.objects.pending().count()} 份，"
            f"代表人士 {RepresentativePerson.objects.count()} 人"
            f"（本次新建 {c['people']}），新建账号 {c['users']} 个。"
        )
        if quiet:
            return
        names = dict(demo.values_list("credit_code", "name"))
        labels = {
            "staff": "秘书处（超级管理员） staff, superuser",
            "member": "会员企业联络员 member",
            "member2": "会员企业联络员 member",
            "applicant": "入会申请人（待审） applicant",
        }
        lines = [
            "",
            f"演示账号 / demo accounts — 密码 / password: {data.DEMO_PASSWORD}",
        ]
        for spec in plan.accounts:
            label = labels[spec.role]
            suffix = f"  {names[spec.enterprise_code]}" if spec.enterprise_code in names else ""
            lines.append(f"  {spec.email:<24} {label}{suffix}")
        lines.append("（演示数据均为虚构；账号已存在时不会重置密码。）")
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
