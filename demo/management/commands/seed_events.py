"""`manage.py seed_events` (part of seed_demo): eighteen months of the federation's events.

Builds on `seed_members` and `seed_chambers`. Everything is dated from the moment the demo is
loaded: past events are over, with invitations answered, people checked in, problems raised and
minutes (the latest breakfast meeting weeks ago at most); the two coming events lie days ahead,
registered for and invited to before now. Every record is left by the events services (staff
creating, inviting, checking in and recording; enterprises registering and answering), each
step run at its moment (demo.clock.at); their notices are the past's, not e-mailed
(demo.clock.past_notices). Choices come from fixed seeds. Once events exist, a
second run creates nothing: it finishes the events that have ended since, as the hourly scan
does (events.services.finish_ended_events).
"""

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from chambers.models import Organization
from core.months import add_months, month_range, month_start
from demo import clock
from demo.accounts import aware
from demo.data import events as data
from demo.data import members as members_data
from demo.guard import refuse_real_data
from events import services
from events.models import Donation, Event, Registration
from events.services import (
    add_walk_in,
    check_in,
    finish_ended_events,
    publish_event,
    record_donation,
    record_problem,
    register_for_event,
    respond_to_invitation,
    save_event,
    save_minutes,
    send_due_invitations,
)
from members.models import Enterprise, User

DAY, HOUR = datetime.timedelta(days=1), datetime.timedelta(hours=1)
Kind, Audience, Status = Event.Kind, Event.Audience, Event.Status


def weekday_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + ((weekday - day.weekday()) % 7) * DAY


def months_before(today: datetime.date, when: tuple[int, int]) -> datetime.date:
    """(months before today's month, day of that month) as a date."""
    ago, day = when
    return add_months(month_start(today), -ago).replace(day=day)


def latest_before(day: datetime.date, when: tuple[int, int]) -> datetime.date:
    """The latest (month, day) of a year that falls before `day`: a seasonal event's date."""
    month, day_of_month = when
    date = datetime.date(day.year, month, day_of_month)
    return date if date < day else date.replace(year=day.year - 1)


class Command(BaseCommand):
    help = (
        "Add eighteen months of demo events to the demo federation: breakfast meetings, "
        "education events, financing fairs, a recruitment month, a flood-relief campaign and "
        "two coming events. Run seed_members and seed_chambers first. Safe to run again."
    )

    def handle(self, *args, verbosity=1, **options):
        refuse_real_data()
        domain = members_data.DEMO_DOMAIN
        self.staff = User.objects.filter(email__iexact=f"staff@{domain}").first()
        self.companies = list(
            Enterprise.objects.filter(status=Enterprise.Status.MEMBER)
            .exclude(legal_form__in=["individual", "cooperative"])
            .order_by("credit_code")
        )
        if self.staff is None or not self.companies:
            raise CommandError("No demo staff or enterprises: run `manage.py seed_members` first.")
        self.chambers = list(Organization.objects.chambers().order_by("slug"))
        self.member = User.objects.filter(email__iexact=f"member@{domain}").first()
        self.now = timezone.localtime().replace(microsecond=0)
        self.today = self.now.date()
        self.first_month = add_months(month_start(self.today), -data.HISTORY_MONTHS)
        self.created = {"events": 0, "registrations": 0, "invitations": 0, "finished": 0}
        if Event.objects.exists():
            # Loaded before: the events are staff's now. The coming ones that have ended since
            # are finished as the hourly scan finishes any event; nothing is added (no second
            # breakfast meeting in a month that had one coming).
            self.created["finished"] = finish_ended_events(timezone.now())
            if verbosity:
                self.report()
            return
        self.existing = set()
        # The account each enterprise's invitations go to and that registers it
        # (events.services.enterprise_contact: its first active user).
        self.contacts = {}
        for user in User.objects.filter(is_active=True, enterprise__in=self.companies).order_by(
            "-date_joined", "-pk"
        ):
            self.contacts[user.enterprise_id] = user
        with transaction.atomic(), clock.past_notices():
            self.breakfasts()
            self.education()
            self.fairs()
            self.others()
            self.flood_campaign()
            self.coming()
        if verbosity:
            self.report()

    # Building blocks -----------------------------------------------------------------------
    #
    # Each step is the service staff or an enterprise would call, run with the clock held at
    # the step's moment (demo.clock.at): staff create and publish the event weeks ahead and
    # invite; the invitations go out at their planned time; invitees answer through their
    # link; enterprises with an account register themselves; at the door staff check people
    # in, and those without an account (most demo enterprises) are recorded as walk-ins; after
    # the meeting staff record problems and minutes; the hourly scan finishes the event.

    def event(self, *, title, kind, starts_at, hours, venue, audience, invite=(), **fields):
        """The event, created and published by staff, or None when one of this title exists.

        `invite` lists the enterprises staff invite when they create it; `fields["guests"]`
        the officials (name, title) invited with them.
        """
        if title in self.existing:
            return None
        self.existing.add(title)
        guests = fields.pop("guests", ())
        planned = [starts_at - 30 * DAY]
        planned += [
            fields[f] for f in ("invitations_send_at", "registration_opens_at") if f in fields
        ]
        event = Event(
            title=title, kind=kind, starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=hours), venue=venue, audience=audience,
            status=Status.DRAFT, **fields,
        )  # fmt: skip
        with clock.at(min(planned) - DAY):
            save_event(event=event, actor=self.staff)
            publish_event(event=event, actor=self.staff)
            if invite or guests:
                made = services.invite(
                    event=event, actor=self.staff, enterprises=invite,
                    guests=[{"name": name, "title": post} for name, post in guests],
                )  # fmt: skip
                self.created["invitations"] += len(made)
        if event.invitations_send_at is not None:
            with clock.at(event.invitations_send_at):
                send_due_invitations(timezone.now(), event=event)
        self.created["events"] += 1
        return event

    def finish(self, event, *, minutes=""):
        """The hourly scan finishes the event once it has ended; staff write the minutes."""
        with clock.at(event.ends_at):
            finish_ended_events(timezone.now())
        if minutes:
            with clock.at(event.ends_at + 2 * HOUR):
                save_minutes(event=event, actor=self.staff, minutes=minutes)

    def at_door(self, registration, moment):
        with clock.at(moment):
            check_in(registration=registration, actor=self.staff)

    def attend(self, event, enterprises, rng, *, show_rate=0.92, seats=(1, 1), checked=True):
        """Each enterprise with an account registers days before; most people come.

        An enterprise without an account cannot register ahead (no service does that for it):
        when its people come they are recorded at the door as walk-ins; when they do not, the
        demo has nothing to record.
        """
        made = 0
        for n, enterprise in enumerate(enterprises):
            registered = event.starts_at - datetime.timedelta(days=rng.randint(2, 12), minutes=n)
            came = checked and rng.random() < show_rate
            party = rng.randint(*seats)
            arrived = (
                event.starts_at - datetime.timedelta(minutes=rng.randint(1, 25)) if came else None
            )
            user = self.contacts.get(enterprise.pk)
            if user is not None:
                with clock.at(registered):
                    registration = register_for_event(
                        event=event, actor=user, person_name=enterprise.contact_name
                    )
                made += 1
                if came:
                    self.at_door(registration, arrived)
            elif came:
                with clock.at(arrived):
                    add_walk_in(
                        event=event, actor=self.staff, person_name=enterprise.contact_name,
                        enterprise=enterprise, mobile=enterprise.contact_mobile, seats=party,
                    )  # fmt: skip
                made += 1
        self.created["registrations"] += made

    def answer(self, event, accepted, declined=(), *, at, show_rate=0.95, checked=True, rng):
        """Invitees answer through their invitation's link; those who accepted come (most)."""
        invitations = {(i.enterprise_id, i.guest_name): i for i in event.invitations.order_by("pk")}
        answers = [(key, True) for key in accepted] + [(key, False) for key in declined]
        for n, (key, accept) in enumerate(answers):
            with clock.at(at + datetime.timedelta(minutes=7 * n)):
                respond_to_invitation(invitation=invitations[key], accept=accept)
        registrations = Registration.objects.filter(event=event).order_by("pk")
        self.created["registrations"] += len(registrations)
        if checked:
            for registration in registrations:
                if rng.random() < show_rate:
                    minutes = rng.randint(1, 25)
                    self.at_door(
                        registration, event.starts_at - datetime.timedelta(minutes=minutes)
                    )

    def problems(self, event, enterprises, rng, count):
        texts = rng.sample(data.PROBLEMS, count)
        with clock.at(event.ends_at):
            for e, t in zip(rng.sample(enterprises, count), texts, strict=True):
                record_problem(
                    event=event, actor=self.staff, text=t, enterprise=e,
                    raised_by=e.legal_representative,
                )  # fmt: skip

    # The plan ------------------------------------------------------------------------------

    def breakfasts(self):
        """One a month, 7:30 on the second Wednesday, invitation only, officials as guests."""
        for n, month in enumerate(month_range(self.first_month, self.today)):
            rng = random.Random(f"{data.SEED}:breakfast:{month:%Y-%m}")
            day = weekday_on_or_after(month + 7 * DAY, 2)
            if aware(day, 9) > self.now:  # this month's is still to come
                continue
            theme = data.BREAKFAST_THEMES[n % len(data.BREAKFAST_THEMES)]
            venue = rng.choice(data.BREAKFAST_VENUES)
            invited = rng.sample(self.companies, 10)
            officials = rng.sample(data.OFFICIALS, 2)
            event = self.event(
                title=f"企业家早餐会（{month.year}年{month.month}月·{theme}）",
                kind=Kind.BREAKFAST, starts_at=aware(day, 7, 30), hours=1.5,
                venue=venue, audience=Audience.INVITATION,
                capacity=30, invitations_send_at=aware(day - 10 * DAY, 9),
                description=f"本期主题：{theme}。区领导与企业家共进早餐，现场听取企业诉求。",
                invite=invited, guests=officials,
            )  # fmt: skip
            if event is None:
                continue
            accepted = invited[:8]
            self.answer(
                event,
                [(e.pk, "") for e in accepted] + [(None, name) for name, _ in officials],
                [(e.pk, "") for e in invited[8:]],
                at=event.invitations_send_at + 2 * DAY, rng=rng,
            )  # fmt: skip
            self.problems(event, accepted, rng, rng.randint(2, 4))
            self.finish(event, minutes=(
                f"{day.year}年{day.month}月{day.day}日，{officials[0][1]}{officials[0][0]}、"
                f"{officials[1][1]}{officials[1][0]}与{len(accepted)}位企业家围绕“{theme}”座谈。"
                "企业反映的问题已逐条登记，由区工商联转有关部门办理并跟踪反馈。"
            ))  # fmt: skip

    def education(self):
        """Education events and lectures: over a thousand enterprise attendances in all."""
        count = len(data.EDUCATION)
        span = (self.today - self.first_month).days - 20
        for n, (kind, title, venue, reach) in enumerate(data.EDUCATION):
            rng = random.Random(f"{data.SEED}:education:{n}")
            day = weekday_on_or_after(self.first_month + (span * n // count + 10) * DAY, 3)
            event = self.event(
                title=title, kind=kind, starts_at=aware(day, 9 if kind != "study_visit" else 8),
                hours=3 if kind != "training" else 7, venue=venue, audience=Audience.MEMBERS,
                capacity=reach + 20, registration_closes_at=aware(day - 2 * DAY, 17),
            )  # fmt: skip
            if event is not None:
                self.attend(event, rng.sample(self.companies, reach), rng, show_rate=0.96)
                self.finish(event, minutes=f"{reach}家会员企业报名参加，活动按计划完成。")

    def fairs(self):
        for n, (title, venue, bank, about) in enumerate(data.FINANCING):
            rng = random.Random(f"{data.SEED}:financing:{n}")
            day = weekday_on_or_after(months_before(self.today, about), 1)
            event = self.event(
                title=title, kind=Kind.FINANCING_FAIR, starts_at=aware(day, 14), hours=3,
                venue=venue, audience=Audience.MEMBERS, capacity=60,
                description=f"{bank}等金融机构现场介绍信贷产品，一对一对接融资需求。",
            )  # fmt: skip
            if event is not None:
                self.attend(event, rng.sample(self.companies, rng.randint(30, 48)), rng)
                self.finish(event)
        # The recruitment month's last fair is over.
        recruitment = latest_before(self.today - 30 * DAY, data.RECRUITMENT_MONTH)
        for n, (title, venue) in enumerate(data.RECRUITMENT):
            rng = random.Random(f"{data.SEED}:recruitment:{n}")
            day = weekday_on_or_after(recruitment + 7 * n * DAY, 5)
            event = self.event(
                title=title, kind=Kind.RECRUITMENT_FAIR, starts_at=aware(day, 9), hours=4,
                venue=venue, audience=Audience.PUBLIC,
                description="区工商联与区人力资源和社会保障局联合举办，民营企业现场招聘。",
            )  # fmt: skip
            if event is not None:
                self.attend(event, rng.sample(self.companies, rng.randint(15, 25)), rng,
                            seats=(1, 3))  # fmt: skip
                self.finish(event)

    def others(self):
        for n, (kind, title, venue, when, reach) in enumerate(data.OTHERS):
            rng = random.Random(f"{data.SEED}:other:{n}")
            day = months_before(self.today, when)
            enterprises = rng.sample(self.companies, reach)
            by_invitation = kind == "symposium"
            event = self.event(
                title=title, kind=kind, starts_at=aware(day, 9, 30), hours=3, venue=venue,
                audience=Audience.INVITATION if by_invitation else Audience.MEMBERS,
                organizer=self.chambers[n % len(self.chambers)]
                if kind == "village_tour" and self.chambers else None,
                **({"invitations_send_at": aware(day - 10 * DAY, 9), "invite": enterprises}
                   if by_invitation else {}),
            )  # fmt: skip
            if event is None:
                continue
            if by_invitation:
                self.answer(
                    event, [(e.pk, "") for e in enterprises],
                    at=event.invitations_send_at + DAY, show_rate=0.92, rng=rng,
                )  # fmt: skip
            else:
                self.attend(event, enterprises, rng)
            if kind in Event.PROBLEM_KINDS:
                self.problems(event, enterprises, rng, rng.randint(3, 5))
            self.finish(event)

    def flood_campaign(self):
        title, starts, days = data.FLOOD_CAMPAIGN
        first = latest_before(self.today - (days + 1) * DAY, starts)  # the campaign is over
        last = first + days * DAY
        rng = random.Random(f"{data.SEED}:flood")
        event = self.event(
            title=title, kind=Kind.CHARITY, starts_at=aware(first, 9),
            hours=(last - first).days * 24 + 8, venue="延庆区工商联", audience=Audience.PUBLIC,
            description="汛情发生后，区工商联发出倡议，各商会和会员企业踊跃捐款捐物。",
        )  # fmt: skip
        if event is None:
            return
        gifts = [
            {"organization": chamber, "cash_yuan": cash, "goods_value_yuan": Decimal("0"),
             "received_on": first + rng.randint(1, 10) * DAY, "description": "商会会员集体捐款"}
            for chamber, cash in zip(self.chambers, data.FLOOD_CHAMBER_CASH, strict=False)
        ]  # fmt: skip
        firms = rng.sample(self.companies, data.FLOOD_FIRMS)
        # Two firms in three give money, two in three goods: everyone gives something.
        cash_by = [n for n in range(len(firms)) if n % 3 != 2]
        goods_by = [n for n in range(len(firms)) if n % 3 != 0]
        cash = dict(
            zip(cash_by, self.split(data.FLOOD_FIRM_CASH_TOTAL, len(cash_by), rng), strict=True)
        )
        goods = dict(
            zip(goods_by, self.split(data.FLOOD_FIRM_GOODS_TOTAL, len(goods_by), rng), strict=True)
        )
        for n, firm in enumerate(firms):
            given = goods.get(n, Decimal("0"))
            gifts.append({
                "enterprise": firm, "cash_yuan": cash.get(n, Decimal("0")),
                "goods_value_yuan": given,
                "description": rng.choice(data.FLOOD_GOODS) if given else "",
                "received_on": first + rng.randint(1, 20) * DAY,
            })  # fmt: skip
        # Staff record each gift the day it comes in.
        for gift in sorted(gifts, key=lambda g: g["received_on"]):
            with clock.at(aware(gift["received_on"], 16)):
                record_donation(event=event, actor=self.staff, **gift)
        self.finish(event)

    @staticmethod
    def split(total: Decimal, parts: int, rng) -> list[Decimal]:
        weights = [rng.randint(1, 10) for _ in range(parts)]
        shares = [(total * w / sum(weights)).quantize(Decimal("100")) for w in weights]
        shares[-1] += total - sum(shares)
        return shares

    def coming(self):
        base = self.today
        title, venue, ahead, capacity, registered = data.OPEN_EVENT
        day = base + ahead * DAY
        opens = aware(base - 10 * DAY, 9)
        event = self.event(
            title=title, kind=Kind.LECTURE, starts_at=aware(day, 14), hours=2.5, venue=venue,
            audience=Audience.MEMBERS, capacity=capacity,
            registration_opens_at=opens, registration_closes_at=aware(day - 2 * DAY, 17),
            description="邀请会计师事务所专家讲解企业数据资产入表的路径、估值与风险。名额有限，先到先得。",
        )  # fmt: skip
        if event is not None:
            # Only an enterprise with an account can sign up ahead: those sign up, spread over
            # the days since registration opened.
            signed = sorted(self.contacts.items())[:registered]
            for n, (_, user) in enumerate(signed):
                with clock.at(opens + (self.now - opens) * (n + 1) / (len(signed) + 1)):
                    register_for_event(event=event, actor=user)
            self.created["registrations"] += len(signed)
        title, venue, ahead, invited_count = data.PENDING_MEETING
        rng = random.Random(f"{data.SEED}:pending")
        day = base + ahead * DAY
        invited = rng.sample(self.companies, invited_count)
        if self.member is not None and self.member.enterprise not in invited:
            invited[-1] = self.member.enterprise  # the demo member has an answer to give
        event = self.event(
            title=title, kind=Kind.BREAKFAST, starts_at=aware(day, 7, 30), hours=1.5,
            venue=venue, audience=Audience.INVITATION, capacity=30,
            invitations_send_at=aware(base - 2 * DAY, 9),
            description="年终回顾惠企政策落实情况，听取企业对明年工作的意见建议。",
            invite=invited, guests=data.OFFICIALS[:1],
        )  # fmt: skip
        if event is None:
            return
        # Four accept and one declines the day after; the others have not answered yet.
        self.answer(
            event, [(e.pk, "") for e in invited[:4]], [(invited[4].pk, "")],
            at=event.invitations_send_at + DAY, checked=False, rng=rng,
        )  # fmt: skip

    # Output --------------------------------------------------------------------------------

    def report(self):
        events = Event.objects.all()
        reached = Registration.objects.filter(
            event__in=events.filter(kind__in={row[0] for row in data.EDUCATION}),
            checked_in_at__isnull=False,
        ).count()
        donations = Donation.objects.totals()
        c = self.created
        self.stdout.write(
            f"活动演示数据 / events demo: 活动 {events.count()} 个（本次新建 {c['events']}），"
            f"教育类活动到场企业 {reached} 家次，报名 {c['registrations']} 条、邀请 "
            f"{c['invitations']} 份（本次新建），已结束 {c['finished']} 个（本次），"
            f"防汛捐赠现金 {donations['cash']:,.0f} 元、"
            f"物资 {donations['goods']:,.0f} 元。"
        )
