"""`manage.py seed_policies` (part of seed_demo, after seed_petitions and seed_services): the
departments' policies, the enterprises' qualifications and subscriptions, and how far the
enterprises have followed the policies through (申兑).

Sixty policies (demo/data/policies.py) dated relative to the day the demo is loaded: a third
with their application window open today (some closing within the week), others coming,
closed, open all year, expired, two withdrawn and four drafts. Staff put each on the portal in
the days after the document is dated, and published it the same day. Some member enterprises
hold verified qualifications (高新技术企业, 专精特新, 小型微利企业…; a few expired, a few
declared and waiting for staff), the enterprises with accounts follow topics and
departments, and their users have read the policies they match and marked some (will apply,
applied, granted with the amount, refused, not applicable). The demo member's enterprise
matches several open policies, has read six and marked five.

Each step is one small function below that calls the service the pages call (policies.services,
push, follow; members.services); each runs with the clock held at its moment (demo.clock), and
the notices of that past are not e-mailed. Every choice comes from
a fixed seed; once policies exist, a second run adds none.
"""

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from demo import accounts, clock
from demo.data import members as members_data
from demo.data import policies as data
from demo.guard import refuse_real_data
from members import services as member_services
from members.choices import Qualification
from members.models import Enterprise, EnterpriseQualification, Township, User
from petitions.models import Department
from policies import eligibility, follow, push
from policies import services as policy_services
from policies.models import FollowUp, Policy, Subscription, Topic

SEED = 110119 + 6
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
State = FollowUp.State

# kind: (how many member enterprises hold it, industries they are drawn from, years valid)
QUALIFICATIONS = {
    Qualification.HIGH_TECH: (24, "CIM", 3),
    Qualification.TECH_SME: (30, "CIM", 1),
    Qualification.INNOVATIVE_SME: (15, "CFIM", 3),
    Qualification.SPECIALISED: (10, "CI", 3),
    Qualification.LITTLE_GIANT: (2, "C", 3),
    Qualification.SMALL_LOW_PROFIT: (80, "", 1),
    Qualification.TIME_HONOURED: (3, "CFH", None),
    Qualification.TECH_CENTRE: (3, "C", 3),
}
EXPIRED_QUALIFICATIONS = 3  # high-tech certificates not renewed
WAITING_QUALIFICATIONS = 4  # declared by an enterprise's user, not yet verified by staff
AMOUNTS = [4800, 8000, 12000, 18600, 20000, 30000, 50000, 80000, 100000, 150000, 200000, 300000]
# The demo member's own marks: policy key -> (state, amount)
MEMBER_MARKS = {
    "whlyj-consumption-season": (State.WILL_APPLY, None),
    "nyncj-leisure-agriculture": (State.APPLIED, None),
    "swj-small-low-profit": (State.GRANTED, Decimal("18600")),
    "rsj-stable-jobs": (State.GRANTED, Decimal("12480")),
    "swj-vat-refund": (State.NONE, None),
    "czj-procurement-sme": (State.NOT_APPLICABLE, None),
}
MEMBER_SUBSCRIPTIONS = {"topics": ["culture_tourism", "finance"], "departments": ["whlyj"]}
# What a reader has done by now, by the policy's timing: (state, weight).
OUTCOMES = {
    "upcoming": [(State.NONE, 6), (State.WILL_APPLY, 3), (State.NOT_APPLICABLE, 1)],
    "open": [
        (State.NONE, 4), (State.WILL_APPLY, 3), (State.APPLIED, 3), (State.NOT_APPLICABLE, 1),
    ],
    "closing": [(State.NONE, 3), (State.WILL_APPLY, 2), (State.APPLIED, 4)],
    "closed": [
        (State.NONE, 2), (State.APPLIED, 2), (State.GRANTED, 4), (State.REFUSED, 1),
        (State.NOT_APPLICABLE, 1),
    ],
    "rolling": [(State.NONE, 3), (State.APPLIED, 2), (State.GRANTED, 3), (State.NOT_APPLICABLE, 1)],
    "expired": [(State.NONE, 2), (State.GRANTED, 4), (State.REFUSED, 1), (State.NOT_APPLICABLE, 2)],
}  # fmt: skip
READ_SHARE = 0.6  # of the matched enterprises with an account


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


# The steps, each standing in for its service -----------------------------------------------


def create_policy(*, actor, fields: dict, departments, topics, townships) -> Policy:
    """A draft written by staff."""
    return policy_services.create_policy(
        actor=actor, departments=departments, topics=topics, townships=townships, **fields
    )


def publish(*, actor, policy: Policy) -> Policy:
    """The draft made public, its matched and subscribed enterprises' users told."""
    push.publish_policy(policy=policy, actor=actor)
    policy.refresh_from_db()
    return policy


def withdraw(*, actor, policy: Policy, reason: str) -> Policy:
    return policy_services.withdraw_policy(policy=policy, actor=actor, reason=reason)


def declare_qualification(*, actor, enterprise, kind, certificate_number, valid_until):
    """Declared on the enterprise's profile (or entered by staff from a department's list)."""
    return member_services.declare_qualification(
        enterprise=enterprise,
        actor=actor,
        kind=kind,
        certificate_number=certificate_number,
        valid_until=valid_until,
    )


def verify_qualification(*, actor, qualification):
    return member_services.verify_qualification(
        qualification=qualification, actor=actor, seen=qualification.declared_at
    )


def subscribe(*, actor, enterprise, topic=None, department=None) -> None:
    """The enterprise follows one more topic or department."""
    held = Subscription.objects.filter(enterprise=enterprise)
    topics = [s.topic for s in held if s.topic_id] + ([topic] if topic else [])
    departments = [s.department for s in held if s.department_id] + (
        [department] if department else []
    )
    policy_services.set_subscriptions(
        enterprise=enterprise, actor=actor, topics=topics, departments=departments
    )


def mark_read(*, actor, policy, enterprise) -> FollowUp:
    """The enterprise's user opened the policy: the first time is kept."""
    return follow.record_read(policy=policy, user=actor)


def mark(*, actor, policy, enterprise, state, amount=None) -> FollowUp:
    """The enterprise's user marks how far it has followed the policy through."""
    return follow.mark_policy(policy=policy, actor=actor, state=state, amount=amount)


class Command(BaseCommand):
    help = (
        "Demo policies of the district's departments, enterprises' qualifications and "
        "subscriptions, and the policies' follow-through. Run after seed_services. Safe to run "
        "again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet=False, **options):
        refuse_real_data()
        domain = members_data.DEMO_DOMAIN
        self.staff = User.objects.filter(email__iexact=f"staff@{domain}").first()
        self.departments = {d.code: d for d in Department.objects.all()}
        missing = {c for spec in data.POLICIES for c in spec.departments} - set(self.departments)
        if self.staff is None or missing:
            self.stderr.write("No demo staff or departments: run seed_members and seed_petitions.")
            return
        if Policy.objects.exists():
            if not quiet:
                self.stdout.write(
                    "政策演示数据已存在，本次未新增。 / Demo policies exist already: none added."
                )
            return
        self.handlers = [
            self.staff,
            *User.objects.filter(
                email__istartswith="handler", email__iendswith=f"@{domain}", is_staff=True
            ).order_by("email"),
        ]
        self.member = User.objects.filter(email__iexact=f"member@{domain}").first()
        self.now = timezone.localtime().replace(microsecond=0)
        self.today = self.now.date()
        rng = random.Random(SEED)
        with transaction.atomic(), clock.past_notices():
            qualifications = self.qualifications(rng)
            policies = self.policies(rng)
            subscriptions = self.subscriptions(rng)
            follow_ups = self.follow_through(rng, policies)
        if not quiet:
            self.stdout.write(
                f"政策演示数据 / policies demo: 政策 {len(policies)} 项，企业资质 {qualifications} "
                f"项，订阅 {subscriptions} 个，申兑记录 {follow_ups} 条。 / {len(policies)} "
                f"policies, {qualifications} qualifications, {subscriptions} subscriptions, "
                f"{follow_ups} follow-ups."
            )

    # Qualifications --------------------------------------------------------------------------

    def users_of(self) -> dict[int, User]:
        """Each enterprise with an active account: its first user."""
        result = {}
        for user in User.objects.filter(
            is_active=True, enterprise__status=Enterprise.Status.MEMBER
        ).order_by("id"):
            result.setdefault(user.enterprise_id, user)
        return result

    def qualifications(self, rng) -> int:
        members = list(Enterprise.objects.filter(status=Enterprise.Status.MEMBER).order_by("id"))
        users = self.users_of()
        own = self.member.enterprise if self.member else None
        held: dict[str, list[Enterprise]] = {}
        made = 0
        for kind, (count, sections, years) in QUALIFICATIONS.items():
            if kind == Qualification.SMALL_LOW_PROFIT:
                pool = [e for e in members if e.size in ("small", "micro")]
            elif kind == Qualification.SPECIALISED:
                pool = held[Qualification.HIGH_TECH] + held[Qualification.TECH_SME]
            elif kind == Qualification.LITTLE_GIANT:
                pool = [e for e in held[Qualification.SPECIALISED] if e.industry in sections]
            elif kind == Qualification.TECH_CENTRE:
                pool = [e for e in held[Qualification.HIGH_TECH] if e.industry in sections]
            else:
                pool = [e for e in members if e.industry in sections and e != own]
            chosen = rng.sample(sorted(set(pool), key=lambda e: e.pk), min(count, len(set(pool))))
            if kind == Qualification.SMALL_LOW_PROFIT and own is not None and own not in chosen:
                chosen[0] = own
            held[kind] = chosen
            for n, enterprise in enumerate(chosen):
                expired = kind == Qualification.HIGH_TECH and n < EXPIRED_QUALIFICATIONS
                self.qualify(rng, enterprise, kind, years, users.get(enterprise.pk), expired)
                made += 1
        # A few declared lately by an enterprise's user, waiting for staff to check.
        waiting = [e for e in users if users[e].enterprise != own][:WAITING_QUALIFICATIONS]
        waiting = [users[e] for e in waiting]
        if own is not None:
            waiting.append(self.member)
        for user in waiting:
            enterprise = user.enterprise
            kind = Qualification.INNOVATIVE_SME
            if EnterpriseQualification.objects.filter(enterprise=enterprise, kind=kind).exists():
                continue
            with clock.at(accounts.aware(self.today - rng.randint(1, 6) * DAY, 15)):
                declare_qualification(
                    actor=user,
                    enterprise=enterprise,
                    kind=kind,
                    certificate_number=f"CX{self.today.year}1101{rng.randrange(10**4):04d}",
                    valid_until=datetime.date(self.today.year + 3, 12, 31),
                )
            made += 1
        return made

    def qualify(self, rng, enterprise, kind, years, user, expired):
        """Certified on a day in the past, declared soon after, checked by staff within days."""
        if expired:
            certified = self.today - rng.randint(3 * 365 + 20, 3 * 365 + 200) * DAY
        elif years == 1:
            certified = self.today - rng.randint(30, 300) * DAY
        else:
            certified = self.today - rng.randint(30, 2 * 365) * DAY
        if years is None:
            valid_until = None
        elif years == 1:  # a yearly recognition: to the end of the year after it
            valid_until = datetime.date(certified.year + 1, 12, 31)
        else:
            valid_until = certified.replace(day=1) + datetime.timedelta(days=365 * years)
        number = {
            Qualification.HIGH_TECH: f"GR{certified.year}11{rng.randrange(10**6):06d}",
            Qualification.TECH_SME: f"{certified.year}110119A{rng.randrange(10**5):05d}",
        }.get(kind, f"{certified.year}-{rng.randrange(10**4):04d}")
        declared = certified + rng.randint(2, 20) * DAY
        with clock.at(accounts.aware(declared, rng.randint(9, 17))):
            qualification = declare_qualification(
                actor=user or self.staff,
                enterprise=enterprise,
                kind=kind,
                certificate_number=number,
                valid_until=valid_until,
            )
        with clock.at(accounts.aware(declared + rng.randint(1, 4) * DAY, rng.randint(9, 17))):
            verify_qualification(actor=rng.choice(self.handlers), qualification=qualification)

    # Policies --------------------------------------------------------------------------------

    def policies(self, rng) -> list[tuple[data.PolicySpec, Policy]]:
        topics = {t.code: t for t in Topic.objects.all()}
        townships = {t.code[-3:]: t for t in Township.objects.filter(district_code="110119")}
        seen: dict[str, int] = {}
        serials: dict[tuple[str, int], int] = {}
        made = []
        for spec in data.POLICIES:
            n = seen[spec.timing] = seen.get(spec.timing, -1) + 1
            when = data.dates(spec.timing, self.today, n)
            number = ""
            if spec.timing != "draft":
                year_key = (spec.issuer, when.issued_on.year)
                serials[year_key] = serials.get(year_key, rng.randint(1, 12)) + rng.randint(1, 9)
                number = spec.document_number(when.issued_on, serials[year_key])
            author = rng.choice(self.handlers)
            # Staff put the document on the portal in the days after it is dated.
            days = 0 if spec.timing == "draft" else rng.randint(0, 2)
            written = accounts.aware(when.issued_on + days * DAY, rng.randint(8, 11))
            with clock.at(written):
                policy = create_policy(
                    actor=author,
                    fields=self.fields(spec, when, number),
                    departments=[self.departments[c] for c in spec.departments],
                    topics=[topics[c] for c in spec.topics if c in topics],
                    townships=[townships[s] for s in spec.townships],
                )
            if spec.timing != "draft":
                with clock.at(written + rng.randint(2, 6) * HOUR):
                    policy = publish(actor=self.staff, policy=policy)
            if spec.timing == "withdrawn":
                with clock.at(accounts.aware(when.withdrawn_on, 16)):
                    policy = withdraw(actor=self.staff, policy=policy, reason=spec.interpretation)
            made.append((spec, policy))
        return made

    def fields(self, spec: data.PolicySpec, when: data.Dates, number: str) -> dict:
        return {
            "title": spec.title,
            "document_number": number,
            "issued_on": when.issued_on,
            "valid_from": when.valid_from,
            "valid_until": when.valid_until,
            "window_opens": when.window_opens,
            "window_closes": when.window_closes,
            "summary": spec.summary,
            "body": spec.body,
            "interpretation": spec.interpretation,
            "beneficiaries": spec.beneficiaries,
            "conditions": spec.conditions,
            "benefit": spec.benefit,
            "time_to_payment": spec.time_to_payment,
            "where_to_apply": spec.where_to_apply,
            "contact": spec.contact,
            "industries": list(spec.industries),
            "sizes": list(spec.sizes),
            "min_years_founded": spec.min_years,
            "max_years_founded": spec.max_years,
            "members_only": spec.members_only,
            "qualifications": list(spec.qualifications),
            "unchecked_conditions": "\n".join(spec.unchecked),
        }

    # Subscriptions ---------------------------------------------------------------------------

    def subscriptions(self, rng) -> int:
        topics = list(Topic.objects.order_by("order", "code"))
        made = 0
        for enterprise_id, user in self.users_of().items():
            enterprise = user.enterprise
            if user == self.member:
                chosen = [("topic", t) for t in topics if t.code in MEMBER_SUBSCRIPTIONS["topics"]]
                chosen += [
                    ("department", self.departments[c]) for c in MEMBER_SUBSCRIPTIONS["departments"]
                ]
            else:
                chosen = [("topic", t) for t in rng.sample(topics, rng.randint(0, 2))]
                if rng.random() < 0.3:
                    department = self.departments[rng.choice(sorted(self.departments))]
                    chosen.append(("department", department))
            for n, (what, target) in enumerate(chosen):
                moment = accounts.aware(self.today - (40 + 9 * n + enterprise_id % 30) * DAY, 20)
                with clock.at(moment):
                    subscribe(actor=user, enterprise=enterprise, **{what: target})
                made += 1
        return made

    # Follow-through --------------------------------------------------------------------------

    def follow_through(self, rng, policies) -> int:
        """The enterprises with an account read some of the policies they matched when
        published, and mark some; the demo member its own six."""
        users = self.users_of()
        made = 0
        for spec, policy in policies:
            if policy.status != Policy.Status.PUBLISHED:
                continue
            issued = policy.issued_on
            matched = eligibility.enterprises_for(policy, issued).filter(pk__in=users)
            for enterprise_id in matched.order_by("pk").values_list("pk", flat=True):
                user = users[enterprise_id]
                if user == self.member:
                    continue
                if rng.random() >= READ_SHARE:
                    continue
                state = weighted(rng, OUTCOMES[spec.timing])
                self.follow(rng, spec, policy, user, state)
                made += 1
        if self.member is not None:
            made += self.member_marks(rng, policies)
        return made

    def follow(self, rng, spec, policy, user, state, amount=None):
        """Read some days after publication; marked later; granted or refused once the window
        (or, without one, some weeks) has passed. Nothing after now."""
        published = timezone.localtime(policy.published_at)
        read_at = min(published + rng.randint(1, 14) * DAY + rng.randint(0, 8) * HOUR, self.now)
        with clock.at(read_at):
            mark_read(actor=user, policy=policy, enterprise=user.enterprise)
        if state == State.NONE:
            return
        earliest = read_at + rng.randint(1, 10) * DAY
        if state in (State.GRANTED, State.REFUSED):
            if policy.window_closes:
                decided = accounts.aware(policy.window_closes + rng.randint(10, 30) * DAY, 11)
            else:
                decided = read_at + rng.randint(20, 40) * DAY
            earliest = max(earliest, decided)
            if state == State.GRANTED and amount is None:
                amount = Decimal(rng.choice(AMOUNTS))
        if earliest > self.now:
            if state in (State.GRANTED, State.REFUSED):  # not decided yet: applied so far
                state, amount = State.APPLIED, None
            earliest = read_at + (self.now - read_at) / 2
        marked_at = earliest
        with clock.at(marked_at):
            mark(actor=user, policy=policy, enterprise=user.enterprise, state=state, amount=amount)

    def member_marks(self, rng, policies) -> int:
        enterprise = self.member.enterprise
        facts = eligibility.facts_of(enterprise, self.today)
        made = 0
        for spec, policy in policies:
            if spec.key not in MEMBER_MARKS or policy.status != Policy.Status.PUBLISHED:
                continue
            if eligibility.match(policy, facts, self.today) is None:
                continue  # the enterprise's profile no longer fits this one
            state, amount = MEMBER_MARKS[spec.key]
            self.follow(rng, spec, policy, self.member, state, amount)
            made += 1
        return made
