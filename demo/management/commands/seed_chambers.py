"""`manage.py seed_chambers` (part of seed_demo): the federation's structure and its roster.

Builds on the member enterprises of `seed_members` (docs/domain.md, "1+2+6+7+N"): the federation
with two terms, six special working groups, seven associations, trade, township and
out-of-town chambers with their member enterprises, the five friendly federations, about twenty
leaders with demo accounts, four-good evaluations, and the rotating executive chair's roster —
twelve completed months with their logs and summaries, the month now serving, twelve planned
months (the next two confirmed) and a pending swap.

The organisations, their terms, the leaders' posts, the chambers' member enterprises and their
four-good evaluations are made through chambers.services (create_organisation, start_term,
appoint, add_affiliation, record_evaluation) by the demo staff account, each at its moment: an
organisation once its dated facts are known, a term on its first day, a post on the day its
holder took it, a membership on the day the firm joined, an evaluation in the December of its
year. Those dates are the plan's (demo/data/chambers.py); the members' own dates follow the
day the demo is loaded (seed_members).

The roster is counted from the day the demo is loaded (the executive chair of that month is
serving, its log under way up to that day). The months are confirmed, begun, ended, logged and
summed up through chambers.services, each step at its moment (demo.clock), and staff record each
month's seconded staff (add_secondment) on the 25th of the month before, so their history is the
one a real year leaves; the coming months are planned by generate_roster as staff would.
All choices come from fixed seeds. What exists
already (found by slug, e-mail, term number, month) is left alone, so a second run creates and
changes nothing.
"""

import datetime
import itertools
import random
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from chambers.models import (
    Affiliation,
    DutyChange,
    DutyLogEntry,
    DutyMonth,
    FourGoodEvaluation,
    Organization,
    Post,
    SwapRequest,
    Term,
)
from chambers.services import (
    add_affiliation,
    add_log_entry,
    add_secondment,
    advance_duty_months,
    appoint,
    create_organisation,
    eligible_posts,
    generate_roster,
    record_evaluation,
    request_swap,
    save_month,
    set_unavailable,
    start_term,
    write_summary,
)
from core.months import add_months, month_end, month_start
from demo import accounts, clock
from demo.accounts import aware
from demo.data import chambers as data
from demo.data import members as members_data
from demo.guard import refuse_real_data
from members.models import Enterprise, RepresentativePerson, Township, User

DAY = datetime.timedelta(days=1)
SIZE_RANK = {"large": 3, "medium": 2, "small": 1, "micro": 0}
Role, Position = Affiliation.Role, Post.Position
DOMAIN = members_data.DEMO_DOMAIN


def weight(enterprise: Enterprise):
    """Larger firms first; the credit code breaks ties, so the order never depends on ids."""
    return (-SIZE_RANK[enterprise.size], -(enterprise.employees or 0), enterprise.credit_code)


def matches(rule: data.MemberRule, e: Enterprise) -> bool:
    if rule.township and e.township.code[6:] != rule.township:
        return False
    if rule.companies_only and e.legal_form in ("individual", "cooperative"):
        return False
    tests = []
    if rule.sections:
        tests.append(e.industry in rule.sections)
    if rule.divisions:
        tests.append(f"{e.industry}{e.industry_division}" in rule.divisions)
    if rule.words:
        tests.append(any(word in e.name for word in rule.words))
    if rule.legal_forms:
        tests.append(e.legal_form in rule.legal_forms)
    if rule.founded_from:
        tests.append(e.founded_on is not None and e.founded_on >= rule.founded_from)
    if rule.female:
        tests.append(data.is_female_name(e.legal_representative))
    return any(tests) if tests else bool(rule.township)


def workdays(month: datetime.date, last: datetime.date | None = None) -> list[datetime.date]:
    end = min(month_end(month), last) if last else month_end(month)
    days, day = [], month
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += DAY
    return days


# --- The plan: plain data, the same on every run -----------------------------------------------


@dataclass
class Person:
    name: str
    female: bool
    enterprise: Enterprise | None
    mobile: str = ""
    tags: frozenset = frozenset()
    notes: str = ""
    birth_year: int | None = None


@dataclass
class PostSpec:
    slug: str
    term: int
    position: str
    started_on: datetime.date
    ended_on: datetime.date | None = None
    full_time: bool = False


@dataclass
class LeaderSpec:
    email: str
    role: str  # for the printed logins
    person: Person
    posts: list[PostSpec] = field(default_factory=list)


class Planner:
    """Chooses the leaders and each organisation's members from the demo enterprises."""

    def __init__(
        self,
        enterprises: list[Enterprise],
        representatives: list[RepresentativePerson],
        today: datetime.date,
    ):
        self.enterprises = enterprises  # demo members, by credit code
        self.today = today
        self.specs = {spec.slug: spec for spec in data.ORGANIZATIONS}
        self.terms = {spec.slug: spec.term for spec in data.ORGANIZATIONS if spec.term}
        self.used: set[str] = set()
        reps = [
            Person(
                name=r.name,
                female=r.gender == "f",
                enterprise=r.enterprise,
                mobile=r.mobile,
                tags=frozenset(t.name for t in r.tags.all()),
                notes=r.notes,
                birth_year=r.birth_year,
            )
            for r in representatives
        ]

        def rank(p: Person):
            tier = 0 if "常委" in p.tags else 1 if "执委" in p.tags else 2
            return (tier, weight(p.enterprise))

        reps.sort(key=rank)
        # Should the representative figures run short: legal representatives of other firms.
        names = {p.name for p in reps}
        others = []
        for e in sorted(enterprises, key=weight):
            if e.legal_form in ("individual", "cooperative"):
                continue
            if e.legal_representative not in names:
                names.add(e.legal_representative)
                female = data.is_female_name(e.legal_representative)
                others.append(Person(e.legal_representative, female, e))
        self.people = reps + others

    # Leaders -------------------------------------------------------------------------------

    def pick(self, test=lambda p: True, key=None) -> Person | None:
        candidates = [p for p in self.people if p.name not in self.used and test(p)]
        if key is not None:
            candidates.sort(key=key)
        if not candidates:
            return None
        self.used.add(candidates[0].name)
        return candidates[0]

    def fits(self, slug: str):
        rule = self.specs[slug].members
        return lambda p: p.enterprise is not None and matches(rule, p.enterprise)

    def chamber_post(self, slug: str, position: str) -> PostSpec:
        number, starts = self.terms[slug]
        return PostSpec(slug, number, position, starts)

    def leaders(self) -> list[LeaderSpec]:
        fed_term, fed_start, _end = data.FEDERATION_TERMS[-1]
        old_term, old_start, old_end = data.FEDERATION_TERMS[-2]
        fed = data.FEDERATION_SLUG

        # The chair: the senior standing-committee member from the largest firm.
        chair = (
            self.pick(
                lambda p: "常委" in p.tags,
                key=lambda p: (
                    -SIZE_RANK[p.enterprise.size],
                    p.birth_year or 9999,
                    weight(p.enterprise),
                ),
            )
            or self.pick()
        )
        heads: list[tuple[Person, PostSpec]] = []
        for note, slug, position in data.NOTED_HEADS:
            person = self.pick(lambda p, note=note: note in p.notes)
            if person is None and position == Position.PRESIDENT:
                person = self.pick(self.fits(slug))
            if person is not None:
                heads.append((person, self.chamber_post(slug, position)))
        for slug in data.INDUSTRY_PRESIDENTS:
            person = self.pick(self.fits(slug))
            if person is not None:
                heads.append((person, self.chamber_post(slug, Position.PRESIDENT)))
        women = self.pick(lambda p: p.female)
        if women is not None:
            heads.append((women, self.chamber_post(data.WOMEN_ASSOCIATION, Position.PRESIDENT)))
        vice_chairs = [self.pick() for _ in range(data.VICE_CHAIRS)]
        vice_chairs = [p for p in vice_chairs if p is not None]
        former = self.pick(
            lambda p: not p.female, key=lambda p: (p.birth_year or 9999, p.enterprise.credit_code)
        )

        specs = [LeaderSpec(f"chair@{DOMAIN}", "chair", chair)]
        specs[0].posts.append(PostSpec(fed, fed_term, Position.CHAIR, fed_start))
        for n, person in enumerate(vice_chairs):
            spec = LeaderSpec(f"vicechair@{DOMAIN}" if n == 0 else "", "vice_chair", person)
            spec.posts.append(PostSpec(fed, fed_term, Position.VICE_CHAIR, fed_start))
            specs.append(spec)
        staff_name, staff_female = data.FULL_TIME_VICE_CHAIR
        full_time = LeaderSpec("", "full_time", Person(staff_name, staff_female, None))
        full_time.posts.append(
            PostSpec(fed, fed_term, Position.VICE_CHAIR, fed_start, full_time=True)
        )
        specs.append(full_time)
        presidents = {post.slug: person for person, post in heads if post.position == "president"}
        for person, post in heads:
            specs.append(LeaderSpec("", post.position, person, [post]))
        # Vice-chairs also head the township chamber of their firm's township.
        for slug in data.VICE_CHAIR_CAN_HEAD:
            if slug in presidents:
                continue
            township = self.specs[slug].township
            for spec in specs[1 : 1 + len(vice_chairs)]:
                if spec.person.enterprise.township.code[6:] == township:
                    spec.posts.append(self.chamber_post(slug, Position.PRESIDENT))
                    presidents[slug] = spec.person
                    break
        for slug, name, female in data.SECRETARIES_GENERAL:
            if slug in presidents and name not in self.used:
                self.used.add(name)
                person = Person(name, female, presidents[slug].enterprise)
                specs.append(
                    LeaderSpec("", "secretary_general", person, [
                        self.chamber_post(slug, Position.SECRETARY_GENERAL)
                    ])
                )  # fmt: skip
        # The previous term: its chair, and some of today's leaders already in office.
        if former is not None:
            specs.append(LeaderSpec("", "former_chair", former))
            specs[-1].posts.append(PostSpec(fed, old_term, Position.CHAIR, old_start, old_end))
        for spec in [specs[0], *specs[2:4], full_time]:
            spec.posts.append(
                PostSpec(
                    fed, old_term, Position.VICE_CHAIR, old_start, old_end,
                    full_time=spec is full_time,
                )
            )  # fmt: skip

        serial = 0
        for spec in specs:
            if not spec.email:
                serial += 1
                spec.email = f"leader{serial:02d}@{DOMAIN}"
            if not spec.person.mobile:
                spec.person.mobile = accounts.mobile(9100 + serial)
        return specs

    # Members of each organisation ----------------------------------------------------------

    def affiliations(self, leaders: list[LeaderSpec]) -> dict[str, list[tuple]]:
        """slug -> [(enterprise, role, joined_on)], the president unit first."""
        forced: dict[str, list[tuple[Enterprise, str]]] = {}
        for spec in leaders:
            e = spec.person.enterprise
            for post in spec.posts:
                role = {
                    Position.PRESIDENT: Role.PRESIDENT_UNIT,
                    Position.EXECUTIVE_VICE_PRESIDENT: Role.VICE_PRESIDENT_UNIT,
                }.get(post.position)
                if e is not None and role and post.ended_on is None:
                    forced.setdefault(post.slug, []).append((e, role))
        federation_leaders = [
            s.person.enterprise
            for s in leaders
            if s.role in ("chair", "vice_chair") and s.person.enterprise is not None
        ]
        plans = {}
        for spec in data.ORGANIZATIONS:
            rule = spec.members
            if rule is None:
                continue
            rng = random.Random(f"{data.SEED}:{spec.slug}")
            fixed = list(forced.get(spec.slug, []))
            if spec.kind == Organization.Kind.WORKING_GROUP:
                # The federation's leaders lead the working group of their trade.
                leads = [e for e in federation_leaders if matches(rule, e)][:3]
                has_president = any(role == Role.PRESIDENT_UNIT for _e, role in fixed)
                for n, e in enumerate(leads):
                    first = n == 0 and not has_president
                    fixed.append((e, Role.PRESIDENT_UNIT if first else Role.VICE_PRESIDENT_UNIT))
            fixed = list({e.pk: (e, role) for e, role in reversed(fixed)}.values())[::-1]
            taken = {e.pk for e, _role in fixed}
            candidates = [e for e in self.enterprises if e.pk not in taken and matches(rule, e)]
            room = max(rule.target - len(fixed), 0)
            chosen = candidates if len(candidates) <= room else rng.sample(candidates, room)
            chosen.sort(key=weight)
            total = len(fixed) + len(chosen)
            vice = max(2, total // 10) - sum(r == Role.VICE_PRESIDENT_UNIT for _e, r in fixed)
            council = max(3, total // 6)
            rows = list(fixed)
            if not any(role == Role.PRESIDENT_UNIT for _e, role in fixed) and chosen:
                rows.append((chosen.pop(0), Role.PRESIDENT_UNIT))
            for n, e in enumerate(chosen):
                if n < vice:
                    role = Role.VICE_PRESIDENT_UNIT
                elif n < vice + council:
                    role = Role.COUNCIL_UNIT
                else:
                    role = Role.MEMBER_UNIT
                rows.append((e, role))
            founded = spec.founded_on or self.today
            plan = []
            for e, role in rows:
                start = max(e.joined_on, founded)
                lag = 0 if role == Role.PRESIDENT_UNIT else rng.randint(0, 150)
                plan.append((e, role, min(start + lag * DAY, self.today)))
            plans[spec.slug] = plan
        return plans


# --- Writing it ----------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Add the demo federation's structure to the members demo: working groups, associations, "
        "chambers and their members, friendly federations, leaders with demo accounts and two "
        "years of the rotating chair's roster. Run seed_members first. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="Do not print the leaders' demo logins."
        )

    def handle(self, *args, quiet=False, verbosity=1, **options):
        refuse_real_data()
        enterprises = list(
            Enterprise.objects.filter(status=Enterprise.Status.MEMBER)
            .select_related("township")
            .order_by("credit_code")
        )
        staff = User.objects.filter(email__iexact=f"staff@{DOMAIN}").first()
        if not enterprises or staff is None:
            raise CommandError(
                "No demo member enterprises or demo staff account: run `manage.py seed_members` "
                "first (or `manage.py seed_demo`, which runs both)."
            )
        representatives = list(
            RepresentativePerson.objects.filter(enterprise__status=Enterprise.Status.MEMBER)
            .select_related("enterprise__township")
            .prefetch_related("tags")
            .order_by("enterprise__credit_code", "name")
        )
        self.now = timezone.localtime()
        self.today = self.now.date()
        planner = Planner(enterprises, representatives, self.today)
        leaders = planner.leaders()
        memberships = planner.affiliations(leaders)

        self.staff = staff
        self.created = dict.fromkeys(
            ("organizations", "affiliations", "posts", "evaluations", "users", "months", "swaps"),
            0,
        )
        with transaction.atomic(), clock.past_notices():
            orgs = self.organizations()
            terms = self.terms(orgs)
            users = self.leaders(leaders, terms)
            self.affiliations(orgs, memberships)
            self.evaluations(orgs)
            self.roster(users, enterprises)

        if verbosity:
            self.report(leaders, quiet)

    # Accounts ----------------------------------------------------------------------------

    def user(self, email: str, real_name: str, mobile: str, enterprise=None) -> User:
        user, made = accounts.account(
            email=email, real_name=real_name, mobile=mobile, enterprise=enterprise
        )
        self.created["users"] += made
        return user

    # Structure -----------------------------------------------------------------------------

    def organizations(self) -> dict[str, Organization]:
        """Each organisation as staff entered it, once its dated facts were known."""
        townships = {
            t.code[6:]: t for t in Township.objects.filter(district_code=members_data.DISTRICT_CODE)
        }
        orgs: dict[str, Organization] = {}
        for spec in data.ORGANIZATIONS:
            existing = (
                Organization.objects.filter(slug=spec.slug).first()
                or Organization.objects.filter(name=spec.name).first()
            )
            if existing is not None:
                orgs[spec.slug] = existing
                continue
            known = [spec.founded_on, spec.tie_signed_on, spec.group_member_since]
            with clock.at(self.moment(*known)):
                orgs[spec.slug] = create_organisation(
                    actor=self.staff,
                    slug=spec.slug,
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    parent=orgs[data.FEDERATION_SLUG] if spec.under_federation else None,
                    township=townships.get(spec.township) if spec.township else None,
                    home_region=spec.home_region,
                    founded_on=spec.founded_on,
                    tie_signed_on=spec.tie_signed_on,
                    group_member_since=spec.group_member_since,
                    description=spec.description,
                )
            self.created["organizations"] += 1
        return orgs

    def moment(self, *days: datetime.date | None) -> datetime.datetime:
        """Nine in the morning of the latest of `days` (the clock never passes now)."""
        return aware(max((day for day in days if day), default=self.today), 9)

    def terms(self, orgs) -> dict[tuple[str, int], Term]:
        """Each term started on its first day, the earlier ones first."""
        wanted = [(data.FEDERATION_SLUG, n, s, e) for n, s, e in data.FEDERATION_TERMS]
        wanted += [(spec.slug, *spec.term, None) for spec in data.ORGANIZATIONS if spec.term]
        terms = {}
        for slug, number, starts, ends in wanted:
            org = orgs[slug]
            term = org.terms.filter(number=number).first()
            if term is None:
                with clock.at(self.moment(starts, org.founded_on, org.group_member_since)):
                    term = start_term(
                        organization=org, number=number, starts_on=starts, ends_on=ends,
                        actor=self.staff,
                    )  # fmt: skip
            terms[slug, number] = term
        return terms

    def leaders(self, leaders: list[LeaderSpec], terms) -> dict[str, User]:
        """The leaders' accounts, and their posts, each appointed on its first day."""
        users = {}
        for spec in leaders:
            person = spec.person
            user = self.user(spec.email, person.name, person.mobile, person.enterprise)
            users[spec.email] = user
            for post in spec.posts:
                term = terms[post.slug, post.term]
                if Post.objects.filter(term=term, holder=user, position=post.position).exists():
                    continue
                with clock.at(self.moment(post.started_on, term.starts_on)):
                    appoint(
                        term=term,
                        holder=user,
                        enterprise=person.enterprise,
                        position=post.position,
                        full_time=post.full_time,
                        started_on=post.started_on,
                        ended_on=post.ended_on,
                        actor=self.staff,
                    )
                self.created["posts"] += 1
        return users

    def affiliations(self, orgs, memberships):
        """Each member enterprise added to its organisations by staff on the day it joined."""
        for slug, rows in memberships.items():
            org = orgs[slug]
            if org.affiliations.exists():
                continue  # this organisation's members are kept by staff now
            for enterprise, role, joined in rows:
                with clock.at(aware(joined, 9)):
                    add_affiliation(
                        organization=org, enterprise=enterprise, role=role, joined_on=joined,
                        actor=self.staff,
                    )  # fmt: skip
                self.created["affiliations"] += 1

    def evaluations(self, orgs):
        """Each evaluation recorded by staff when its year's results came out, in December
        (or by now, for this year's)."""
        for slug, year, level, ratings, awarded, notes in data.EVALUATIONS:
            organization = orgs[slug]
            if year > self.today.year:
                continue  # not evaluated yet on the day the demo is loaded
            if organization.evaluations.filter(year=year, level=level).exists():
                continue
            political, team, service, discipline = ratings
            with clock.at(aware(datetime.date(year, 12, 15), 10)):
                record_evaluation(
                    organization=organization,
                    actor=self.staff,
                    year=year,
                    level=level,
                    political_guidance=political,
                    team_building=team,
                    service=service,
                    self_discipline=discipline,
                    awarded=awarded,
                    notes=notes,
                )
            self.created["evaluations"] += 1

    # The roster ----------------------------------------------------------------------------

    def roster(self, users: dict[str, User], enterprises: list[Enterprise]):
        if DutyMonth.objects.exists():
            return  # a demo roster is kept by staff and the scheduled jobs from then on
        this = month_start(self.today)
        past = [add_months(this, -n) for n in range(data.PAST_MONTHS, 0, -1)]
        coming = [add_months(this, n) for n in range(1, data.COMING_MONTHS + 1)]
        existing = set(
            DutyMonth.objects.filter(month__gte=past[0], month__lte=coming[-1]).values_list(
                "month", flat=True
            )
        )
        self.companies = [e for e in enterprises if e.legal_form != "individual"]
        served = [m for m in [*past, this] if m not in existing]
        if not served and all(month in existing for month in coming):
            return
        chair = users[f"chair@{DOMAIN}"]
        pool = sorted(
            (post.holder for post in eligible_posts(past[0]).values()), key=lambda u: u.email
        )
        if len(pool) < 3:
            raise CommandError("Fewer than three demo leaders take turns as chair; check posts.")
        # The year that ended: the chair opened it, the others followed in an order drawn once,
        # and the vice-chair of the printed logins serves now.
        rng = random.Random(f"{data.SEED}:roster")
        serving = users[f"vicechair@{DOMAIN}"]
        others = [u for u in pool if u not in (chair, serving)]
        rng.shuffle(others)
        order = [chair, *others] if chair in pool else others
        serving = serving if serving in pool else order.pop()
        chairs = [order[n % len(order)] for n in range(len(past))] + [serving]
        for month, user in zip([*past, this], chairs, strict=True):
            if month in served:
                self.served_month(month, user)

        if all(month in existing for month in coming):
            return
        # The coming year: declared absences, then the planner, as staff would run it.
        absent = sorted(others, key=lambda u: u.email)
        for place, ahead, reason in data.UNAVAILABLE:
            set_unavailable(
                user=absent[place % len(absent)], month=add_months(this, ahead), reason=reason
            )
        planned = generate_roster(first=coming[0], last=coming[-1], actor=self.staff)
        ids = [dm.pk for dm in planned if dm.month not in existing]
        self.created["months"] += len(ids)
        for duty_month in planned[: data.CONFIRMED_MONTHS]:
            if duty_month.status == DutyMonth.Status.PLANNED and duty_month.pk in ids:
                duty_month.status = DutyMonth.Status.CONFIRMED
                save_month(
                    duty_month, actor=self.staff, reason=DutyChange.CONFIRMED, fields=["status"]
                )
                rng = random.Random(f"{data.SEED}:{duty_month.key}")
                self.secondments(duty_month, rng, count=1)
        self.swap(planned[data.CONFIRMED_MONTHS :], chair)

    def served_month(self, month: datetime.date, chair: User):
        """A month served, through the roster's services at their moments: confirmed by staff
        in the month before, begun and (when over) ended by the hourly scan, logged day by day,
        summed up by its chair on its last day."""
        rng = random.Random(f"{data.SEED}:{month:%Y-%m}")
        serving = month == month_start(self.today)
        with clock.at(aware(add_months(month, -1).replace(day=20), 10)):
            duty_month = DutyMonth(
                month=month,
                chair=chair,
                post=eligible_posts(month).get(chair.pk),
                status=DutyMonth.Status.CONFIRMED,
            )
            save_month(duty_month, actor=self.staff, reason=DutyChange.CONFIRMED, fields=[])
        with clock.at(aware(month, 0, 5)):
            advance_duty_months(month)
        duty_month.refresh_from_db()
        self.created["months"] += 1
        # The month now serving and the one before it each have a seconded demo account.
        account = None
        if serving:
            account = "secondee"
        elif month == add_months(month_start(self.today), -1):
            account = "secondee2"
        secondments = self.secondments(duty_month, rng, count=rng.randint(1, 2), account=account)
        secondee = next((s.user for s in secondments if s.user), None)
        last_day = self.today if serving else None
        counts = self.log(duty_month, rng, secondee, last_day)
        if not serving:
            with clock.at(aware(month_end(month), 17, 30)):
                write_summary(
                    duty_month=duty_month,
                    actor=chair,
                    summary=self.summary(duty_month, rng, counts, secondments),
                )
            with clock.at(aware(month_end(month) + DAY, 0, 5)):
                advance_duty_months(month_end(month) + DAY)

    def secondments(self, duty_month, rng, *, count: int, account: str | None = None):
        enterprise = duty_month.post.enterprise if duty_month.post else None
        enterprise = enterprise or duty_month.chair.enterprise
        if enterprise is None:
            return []
        days = workdays(duty_month.month)
        roles = rng.sample(data.SECONDMENT_ROLES, count)
        made = []
        for n, role in enumerate(roles):
            name = data.person_name(rng, female=rng.random() < 0.5)
            if n == 0:
                starts, ends = days[0], days[-1]  # the whole month
            else:
                first = rng.randrange(0, max(len(days) - 10, 1))
                starts, ends = days[first], days[min(first + 9, len(days) - 1)]
            user = None
            if account and n == 0:
                n_account = 9201 if account == "secondee" else 9202
                user = self.user(f"{account}@{DOMAIN}", name, accounts.mobile(n_account))
                name = user.real_name
            # Recorded by staff once the enterprise named the person, before the month began.
            with clock.at(aware(add_months(duty_month.month, -1).replace(day=25), 10)):
                secondment = add_secondment(
                    duty_month=duty_month, actor=self.staff, person_name=name, user=user,
                    enterprise=enterprise, role=role, starts_on=starts, ends_on=ends,
                )  # fmt: skip
            made.append(secondment)
        return made

    def log(self, duty_month, rng, secondee, last_day) -> dict:
        """3 to 6 entries of what the chair and the seconded staff did; the month's figures."""
        kinds = [DutyLogEntry.Kind.VISIT, DutyLogEntry.Kind.EVENT, DutyLogEntry.Kind.PROBLEM]
        if rng.random() < 0.7:
            kinds.insert(0, DutyLogEntry.Kind.OFFICE_DAY)
        if rng.random() < 0.75:
            kinds.append(DutyLogEntry.Kind.RECRUITMENT)
        if rng.random() < 0.25:
            kinds.append(DutyLogEntry.Kind.VISIT)
        # The month under way has what was done so far: at least the first day's handover in
        # the office, on a holiday too when the month began on one.
        days = workdays(duty_month.month, last_day) or [duty_month.month]
        if last_day is not None:
            kinds = [DutyLogEntry.Kind.OFFICE_DAY, DutyLogEntry.Kind.VISIT, kinds[-1]]
        kinds = kinds[: len(days)]
        dates = sorted(rng.sample(days, len(kinds)))
        rng.shuffle(kinds)
        if DutyLogEntry.Kind.OFFICE_DAY in kinds:  # the month starts with a day in the office
            kinds.remove(DutyLogEntry.Kind.OFFICE_DAY)
            kinds.insert(0, DutyLogEntry.Kind.OFFICE_DAY)
        counts = {"office": 0, "visits": 0, "recruited": 0, "problems": 0, "event": 0}
        for i, (day, kind) in enumerate(zip(dates, kinds, strict=True)):
            enterprise = rng.choice(self.companies)
            n = rng.randint(2, 6)
            recruited = 0
            author = duty_month.chair
            if kind == DutyLogEntry.Kind.OFFICE_DAY:
                template = rng.choice(data.OFFICE_TEXTS)
                counts["office"] += 1
                author = secondee or author
            elif kind == DutyLogEntry.Kind.VISIT:
                template = rng.choice(data.VISIT_TEXTS)
                n = rng.randint(3, 8)
                counts["visits"] += n
            elif kind == DutyLogEntry.Kind.RECRUITMENT:
                template = rng.choice(data.RECRUITMENT_TEXTS)
                recruited = n = rng.randint(1, 4)
                counts["recruited"] += n
                author = secondee or author
            elif kind == DutyLogEntry.Kind.PROBLEM:
                template = rng.choice(data.PROBLEM_TEXTS)
                counts["problems"] += 1
            else:
                template = data.MONTH_THEMES[duty_month.month.month][0]
                n = rng.randint(12, 45)
                counts["event"] = n
            with clock.at(aware(day, 17, 10 + i)):  # logged that evening (or by now)
                add_log_entry(
                    duty_month=duty_month,
                    author=author,
                    day=day,
                    kind=kind,
                    text=template.format(
                        enterprise=enterprise.name, township=enterprise.township, n=n
                    ),
                    members_recruited=recruited,
                )
        return counts

    @staticmethod
    def summary(duty_month, rng, counts, secondments) -> str:
        month = duty_month.month
        figures = [
            f"坐班{max(counts['office'], rng.randint(4, 8))}天",
            f"走访会员企业{counts['visits']}家",
        ]
        if counts["recruited"]:
            figures.append(f"发展新会员{counts['recruited']}家")
        figures.append(f"协调解决企业诉求{counts['problems']}件")
        parts = [
            f"{month.year}年{month.month}月轮值期间，{'，'.join(figures)}。",
            data.MONTH_THEMES[month.month][1],
        ]
        if secondments:
            names = "、".join(s.person_name for s in secondments)
            parts.append(
                f"{secondments[0].enterprise.name}选派{names}到会挂职，协助做好会员服务工作。"
            )
        parts.append(f"交接事项：{rng.choice(data.FOLLOW_UPS)}。")
        return "".join(parts)

    def swap(self, months: list[DutyMonth], chair: User):
        """A planned month's chair asks the next month's chair (the chair, if possible) to swap."""
        horizon = self.today
        months = [
            dm
            for dm in months
            if dm.status == DutyMonth.Status.PLANNED and dm.chair_id and dm.month > horizon
        ]
        pairs = [
            (a, b)
            for a, b in itertools.pairwise(months)
            if a.chair_id != b.chair_id and add_months(a.month, 1) == b.month
        ]
        if not pairs:
            return
        give, take = next(((a, b) for a, b in pairs if b.chair_id == chair.pk), pairs[0])
        if SwapRequest.objects.filter(month=give, status__in=SwapRequest.OPEN).exists():
            return
        request_swap(
            month=give,
            counterpart=take.chair,
            other_month=take,
            actor=give.chair,
            reason=data.SWAP_REASON,
        )
        self.created["swaps"] += 1

    # Output ------------------------------------------------------------------------------

    def report(self, leaders: list[LeaderSpec], quiet: bool):
        c = self.created
        months = DutyMonth.objects.all()
        status = {s: months.filter(status=s).count() for s in DutyMonth.Status.values}
        organizations = Organization.objects.count()
        waiting = SwapRequest.objects.filter(status=SwapRequest.Status.REQUESTED).count()
        self.stdout.write(
            f"商会演示数据 / chambers demo: 组织 {organizations} 个（本次新建 "
            f"{c['organizations']}），会员单位 {Affiliation.objects.count()} 条（本次新建 "
            f"{c['affiliations']}），领导职务 {Post.objects.count()} 个（本次新建 {c['posts']}），"
            f"四好商会评价 {FourGoodEvaluation.objects.count()} 条（本次新建 {c['evaluations']}），"
            f"轮值月份 {months.count()} 个（已完成 {status['completed']}、当月 "
            f"{status['serving']}、已确认 {status['confirmed']}、计划 {status['planned']}；"
            f"本次新建 {c['months']}），待回复的调换申请 {waiting} 个，新建账号 {c['users']} 个。"
        )
        if quiet:
            return
        by_email = {spec.email: spec for spec in leaders}
        secondee = User.objects.filter(email=f"secondee@{DOMAIN}").first()
        lines = [
            "",
            f"轮值主席演示账号 / roster logins — 密码 / password: {members_data.DEMO_PASSWORD}",
        ]
        serving = DutyMonth.objects.filter(
            month=month_start(self.today), chair__email=f"vicechair@{DOMAIN}"
        ).exists()
        for email, label in [
            (f"chair@{DOMAIN}", "主席 chair"),
            (
                f"vicechair@{DOMAIN}",
                "副主席、本月执行主席 vice-chair serving this month"
                if serving
                else "副主席 vice-chair",
            ),
        ]:
            lines.append(f"  {email:<26} {label}  {by_email[email].person.name}")
        if not serving:
            # A roster loaded in an earlier month is staff's from then on (see roster()).
            lines.append(
                "  演示排班保留了首次载入时的安排；要让演示按今天重新生成，请删除 .data/ 后再运行 "
                "make run。 / The demo roster is kept as first loaded; to date the demo from "
                "today again, delete .data/ and run make run."
            )
        if secondee is not None and serving:
            lines.append(
                f"  {secondee.email:<26} 本月挂职人员 seconded staff  {secondee.real_name}"
            )
        numbered = sorted(e for e in by_email if e.startswith("leader"))
        if numbered:
            lines.append(f"  {numbered[0]} … {numbered[-1]}  其他领导 other leaders")
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
