"""`manage.py seed_petitions` (after seed_members, seed_chambers and seed_events).

Builds the year of petitions up to the moment the demo is loaded: the district
government's departments, three handlers of the secretariat, about 300 petitions across every
category and status with realistic timelines (first responses mostly within the day, replies
mostly within the limit, some overdue, some reopened after an unsatisfied rating), the problems
raised at the demo breakfast meetings and appeal forums turned into petitions, and a year of
suggestions and social-condition reports with their adoption chain (of 22
forwarded to the national federation, 17 adopted).

Timelines are written directly (no notices go out for a past that never happened); the summary
fields and the tallies are derived from them exactly as the services would. Each timeline is in
order and ends by now. Every choice comes from a fixed seed; once demo petitions exist, a second
run changes nothing.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from demo.data import members as members_data
from demo.guard import refuse_real_data
from members.models import Enterprise
from petitions import deadlines, metrics
from petitions.models import (
    Category,
    Channel,
    Department,
    Petition,
    PetitionEvent,
    Rating,
    Suggestion,
    TrackingCounter,
    Urgency,
)
from petitions.services import channel_for_event
from petitions.states import FIRST_RESPONSE_ACTIONS, Action, Status

User = get_user_model()
TZ = ZoneInfo("Asia/Shanghai")
SEED = 110119 + 4
PETITIONS = 300

DEPARTMENTS = [
    ("fgw", "区发展改革委"),
    ("czj", "区财政局"),
    ("rsj", "区人力社保局"),
    ("ghzrzy", "区规划自然资源分局"),
    ("scjg", "区市场监管局"),
    ("swj", "区税务局"),
    ("zjw", "区住房城乡建设委"),
    ("nyncj", "区农业农村局"),
    ("whlyj", "区文化和旅游局"),
    ("jxj", "区经济和信息化局"),
    ("zwfw", "区政务服务局"),
    ("jrb", "区金融办"),
    ("sfj", "区司法局"),
    ("sswj", "区水务局"),
    ("csglw", "区城市管理委"),
]
# Which departments a category usually goes to.
ROUTES = {
    "policy": ["fgw", "jxj"],
    "financing": ["jrb", "czj"],
    "legal": ["sfj"],
    "talent": ["rsj"],
    "land": ["ghzrzy", "zjw"],
    "approvals": ["zwfw", "scjg"],
    "market_access": ["scjg", "zwfw"],
    "arrears": ["czj", "jxj"],
    "tax": ["swj"],
    "utilities": ["sswj", "csglw"],
    "other": ["fgw", "whlyj", "nyncj"],
}
PROBLEMS = {
    "policy": [
        (
            "申请中关村延庆园政策支持",
            "企业符合高新技术企业条件，希望了解区级配套奖励政策的申报流程。",
        )
    ],
    "financing": [
        ("流动资金贷款续贷困难", "银行要求追加抵押，企业订单增长但流动资金紧张，希望协调续贷。"),
        ("申请创业担保贷款", "小微企业希望申请创业担保贷款及贴息。"),
    ],
    "legal": [("合同纠纷需要法律咨询", "与外地客户发生买卖合同纠纷，希望获得法律服务。")],
    "talent": [
        ("冬奥场馆运营人才招聘难", "冰雪运营岗位缺少熟练人员，希望对接人社部门招聘会。"),
        ("员工子女入学咨询", "外地骨干员工子女在延庆入学需要协调。"),
    ],
    "land": [("民宿改造用地规划咨询", "利用闲置农宅改造民宿，需要明确规划和用地手续。")],
    "approvals": [("食品生产许可证办理进度慢", "许可证变更申请已提交一个多月，希望加快审批。")],
    "market_access": [("葡萄酒进入商超渠道受阻", "希望协调区内商超设立本地葡萄酒专柜。")],
    "arrears": [("工程款被拖欠", "为区内某单位施工的工程款尚有部分未支付，已超过合同约定期限。")],
    "tax": [("增值税留抵退税咨询", "希望了解留抵退税的办理条件和流程。")],
    "utilities": [
        ("厂区供电容量不足", "新增生产线后用电负荷不足，需要增容。"),
        ("冬季供暖不热", "园区厂房供暖温度不达标。"),
    ],
    "other": [("园区道路照明不足", "园区夜间照明不足，员工下班存在安全隐患。")],
}
REPLIES = [
    "经协调，相关部门已于近日办理完毕，请企业留意通知。",
    "已会同主管部门现场调研，提出解决方案并与企业沟通确认。",
    "已转交责任部门办理，部门答复：将在本月内完成。",
    "已组织银企对接，合作银行同意按原条件续贷。",
]
# Final statuses: mostly closed; recent ones still in handling.
OLD_STATUSES = [
    ("closed", 70),
    ("rated", 6),
    ("declined", 4),
    ("merged", 3),
    ("replied", 3),
    ("reopened", 2),
    ("in_progress", 4),
    ("waiting", 2),
    ("dispatched", 2),
]
RECENT_STATUSES = [
    ("submitted", 12),
    ("accepted", 12),
    ("dispatched", 18),
    ("in_progress", 22),
    ("waiting", 8),
    ("replied", 14),
    ("rated", 6),
    ("closed", 8),
]


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class Timeline:
    """A petition's events in order and the summary fields they imply."""

    def __init__(self, petition, rng, now):
        self.p, self.rng, self.now = petition, rng, now
        self.events: list[PetitionEvent] = []
        self.at = petition.created_at
        self.status = Status.SUBMITTED

    def step(self, action, hours, *, actor, note="", visible=True, to=None, **details):
        self.at = min(self.at + datetime.timedelta(hours=hours), self.now)
        to = to or self.status
        self.events.append(
            PetitionEvent(
                petition=self.p,
                actor=actor,
                at=self.at,
                action=action,
                from_status=self.status,
                to_status=to,
                note=note,
                visible_to_enterprise=visible,
                details=details,
            )
        )
        p = self.p
        if action in FIRST_RESPONSE_ACTIONS and p.responded_at is None:
            p.responded_at, p.responded_in_time = self.at, self.at <= p.first_response_due
        if action == Action.REPLY:
            p.first_replied_at = p.first_replied_at or self.at
            p.replied_at, p.replied_late = self.at, self.at > p.reply_due
        if action in (Action.RATE, Action.REOPEN):
            p.rating, p.rated_at = details["rating"], self.at
            p.reopen_count += action == Action.REOPEN
        if action == Action.CLOSE:
            p.closed_at = self.at
        self.status = to
        p.status = to


class Command(BaseCommand):
    help = "Demo petitions, departments and suggestions for a year (after seed_events)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet=False, **options):
        refuse_real_data()
        if Petition.objects.exists():
            if not quiet:
                self.stdout.write("Demo petitions exist already: nothing to do.")
            return
        enterprises = list(
            Enterprise.objects.filter(status=Enterprise.Status.MEMBER).order_by("id")
        )
        if not enterprises:
            self.stderr.write("No demo member enterprises: run seed_members first.")
            return
        rng = random.Random(SEED)
        self.now = timezone.localtime().replace(microsecond=0)
        with transaction.atomic():
            departments = self.departments()
            handlers = self.handlers()
            petitions = self.petitions(rng, enterprises, departments, handlers)
            from_meetings = self.meeting_problems(rng, departments, handlers)
            suggestions = self.suggestions(rng, handlers[0], enterprises)
            metrics.rebuild_tallies()
        if not quiet:
            self.stdout.write(
                f"Seeded {len(departments)} departments, {petitions} petitions "
                f"({from_meetings} from meetings) and {suggestions} suggestions."
            )

    def departments(self) -> dict[str, Department]:
        result = {}
        for code, name in DEPARTMENTS:
            result[code], _ = Department.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "contact_name": "联络员",
                    "contact_phone": "010-6919" + f"{len(result):04d}",
                },
            )
        return result

    def handlers(self) -> list:
        password = make_password(members_data.DEMO_PASSWORD)
        people = []
        for i, name in enumerate(["秘书处张晓", "秘书处王磊", "秘书处李婷"], start=1):
            user, _ = User.objects.get_or_create(
                email=f"handler{i}@{members_data.DEMO_DOMAIN}",
                defaults={"real_name": name, "is_staff": True, "password": password},
            )
            people.append(user)
        return people

    def new_petition(
        self, rng, *, enterprise, filed_at, category, channel, filer, calendar, number, **extra
    ) -> Petition:
        urgency = weighted(
            rng, [(Urgency.NORMAL, 85), (Urgency.URGENT, 12), (Urgency.EMERGENCY, 3)]
        )
        limits = deadlines.limits_for(category, urgency)
        title, text = rng.choice(PROBLEMS[category])
        return Petition(
            tracking_number=number,
            enterprise=enterprise,
            filed_by=filer,
            channel=channel,
            category=category,
            urgency=urgency,
            title=title,
            description=text,
            anonymous_sharing=rng.random() < 0.6,
            created_at=filed_at,
            first_response_due=deadlines.first_response_due(filed_at, limits),
            reply_due=deadlines.reply_due(filed_at, limits, is_complex=False, calendar=calendar),
            **extra,
        )

    def play(self, rng, petition, final, *, departments, handlers, earlier) -> Timeline:
        """Walk the petition from submitted towards `final`, as staff would have."""
        t = Timeline(petition, rng, self.now)
        staff = rng.choice(handlers)
        if final == Status.SUBMITTED:
            return t
        first = rng.uniform(0.5, 6) if rng.random() < 0.95 else rng.uniform(26, 60)
        if final == Status.DECLINED:
            reason = "该事项属于民事纠纷，建议通过司法途径解决，已告知法律援助渠道。"
            petition.decline_reason = reason
            t.step(Action.DECLINE, first, actor=staff, note=reason, to=Status.DECLINED)
            return t
        if final == Status.MERGED and earlier:
            target = earlier[-1]
            petition.merged_into = target
            t.step(
                Action.MERGE,
                first,
                actor=staff,
                to=Status.MERGED,
                note=f"与{target.tracking_number}为同一事项，合并办理。",
                into=target.tracking_number,
            )
            return t
        t.step(Action.ACCEPT, first, actor=staff, note="已受理，将尽快办理。", to=Status.ACCEPTED)
        if final == Status.ACCEPTED:
            return t
        petition.handler = staff
        t.step(
            Action.DISPATCH,
            rng.uniform(1, 8),
            actor=staff,
            visible=False,
            to=Status.DISPATCHED,
            handler=staff.real_name,
        )
        department = departments[rng.choice(ROUTES[petition.category])]
        petition.department = department
        petition.department_reference = f"YQ{petition.created_at:%y%m}-{rng.randint(100, 999)}"
        t.step(
            Action.FORWARD,
            rng.uniform(1, 20),
            actor=staff,
            to=Status.DISPATCHED,
            note=f"已转{department.name}办理。",
            department=department.name,
            reference=petition.department_reference,
        )
        if final == Status.DISPATCHED:
            return t
        t.step(Action.START, rng.uniform(4, 30), actor=staff, visible=False, to=Status.IN_PROGRESS)
        if rng.random() < 0.15:
            t.step(
                Action.EXTEND,
                rng.uniform(24, 60),
                actor=staff,
                note="需多部门会商，申请延期。",
                working_days=5,
            )
            petition.reply_due = deadlines.extended(petition.reply_due, 5, calendar=self.calendar)
            petition.extensions += 1
        if final == Status.WAITING:
            t.step(
                Action.REQUEST_INFO,
                rng.uniform(4, 40),
                actor=staff,
                to=Status.WAITING,
                note="请补充相关合同及证明材料。",
            )
            petition.paused_at = t.at
            return t
        if final == Status.IN_PROGRESS:
            t.step(Action.UPDATE, rng.uniform(4, 40), actor=staff, note="部门正在现场核实。")
            if rng.random() < 0.3:
                t.step(
                    Action.ESCALATE,
                    rng.uniform(24, 80),
                    actor=staff,
                    visible=False,
                    note="逾期未办结，提请督办。",
                )
                petition.escalated_at = t.at
            return t
        reopen_first = final == Status.REOPENED or (final == Status.CLOSED and rng.random() < 0.12)
        t.step(
            Action.REPLY,
            rng.uniform(24, 120),
            actor=staff,
            to=Status.REPLIED,
            note=rng.choice(REPLIES),
        )
        if reopen_first:
            t.step(
                Action.REOPEN,
                rng.uniform(2, 48),
                actor=petition.filed_by,
                to=Status.REOPENED,
                note="问题尚未实际解决。",
                rating=Rating.UNSATISFIED,
            )
            petition.rating_comment = "问题尚未实际解决。"
            if final == Status.REOPENED:
                return t
            t.step(
                Action.START, rng.uniform(4, 24), actor=staff, visible=False, to=Status.IN_PROGRESS
            )
            t.step(
                Action.REPLY,
                rng.uniform(24, 96),
                actor=staff,
                to=Status.REPLIED,
                note="经再次协调，问题已实际解决。",
            )
        if final == Status.REPLIED:
            return t
        # An unsatisfied rating reopens the petition: those are the reopen cycles above.
        rating = weighted(rng, [(Rating.SATISFIED, 90), (Rating.BASICALLY, 10)])
        petition.rating_comment = {
            "satisfied": "感谢工商联的帮助！",
            "basically": "基本解决，希望持续跟进。",
        }.get(rating, "")
        t.step(
            Action.RATE,
            rng.uniform(2, 72),
            actor=petition.filed_by,
            to=Status.RATED,
            note=petition.rating_comment,
            rating=rating,
        )
        if final == Status.CLOSED:
            t.step(Action.CLOSE, rng.uniform(2, 48), actor=staff, to=Status.CLOSED, note="办结。")
        return t

    @staticmethod
    def save(timelines):
        """The petitions in a few statements, each with its history and its timeline."""
        petitions = [t.p for t in timelines]
        # Those merged into another petition after it: a merged petition needs its target.
        for merged in (False, True):
            Petition.objects.bulk_create(
                [p for p in petitions if (p.merged_into is not None) == merged], batch_size=500
            )
        Petition.history.bulk_history_create(petitions, batch_size=500)
        PetitionEvent.objects.bulk_create([e for t in timelines for e in t.events], batch_size=1000)

    def petitions(self, rng, enterprises, departments, handlers) -> int:
        self.calendar = deadlines.current_calendar()
        users = dict(
            User.objects.filter(enterprise__in=enterprises)
            .order_by("id")
            .values_list("enterprise_id", "id")
        )
        filers = {u.pk: u for u in User.objects.filter(pk__in=users.values())}
        now = self.now
        start = now - datetime.timedelta(days=365)
        month_began = now.replace(day=1, hour=0, minute=0, second=0)
        # The demo member's enterprise has a petition in handling and one waiting for its rating.
        member = User.objects.filter(email__iexact=f"member@{members_data.DEMO_DOMAIN}").first()
        own = {}
        if member is not None and member.enterprise in enterprises:
            own = {
                PETITIONS - 4: (member.enterprise, Status.IN_PROGRESS),
                PETITIONS - 5: (member.enterprise, Status.REPLIED),
            }
        counters: dict[int, int] = {}
        timelines, earlier = [], []
        for i in range(PETITIONS):
            filed_at = start + datetime.timedelta(seconds=rng.uniform(0, 365 * 86400 - 3600))
            filed_at = filed_at.astimezone(TZ).replace(hour=rng.randint(8, 17), microsecond=0)
            if i >= PETITIONS - 60:  # the last weeks: still being handled
                filed_at = now - datetime.timedelta(hours=rng.uniform(1, 24 * 20))
            filed_at = min(filed_at, now - datetime.timedelta(hours=1))
            if i >= PETITIONS - 3:  # filed since the month began: the executive chair sees them
                filed_at = month_began + (now - month_began) * rng.uniform(0.1, 0.9)
            filed_at = filed_at.replace(microsecond=0)
            enterprise = rng.choice(enterprises)
            enterprise, final = own.get(i, (enterprise, None))
            filer = filers.get(users.get(enterprise.pk)) or handlers[0]
            year = filed_at.year
            counters[year] = counters.get(year, 0) + 1
            category = weighted(
                rng,
                [
                    (c, 3 if c in ("financing", "talent", "approvals") else 2)
                    for c in Category.values
                ],
            )
            channel = (
                Channel.ONLINE
                if filer.enterprise_id
                else rng.choice([Channel.SURVEY_VISIT, Channel.PHONE, Channel.LETTER])
            )
            petition = self.new_petition(
                rng,
                enterprise=enterprise,
                filed_at=filed_at,
                category=category,
                channel=channel,
                filer=filer,
                calendar=self.calendar,
                number=f"YQ-{year}-{counters[year]:06d}",
            )
            recent = self.now - filed_at < datetime.timedelta(days=20)
            final = final or weighted(rng, RECENT_STATUSES if recent else OLD_STATUSES)
            timeline = self.play(
                rng, petition, final, departments=departments, handlers=handlers, earlier=earlier
            )
            timeline.events.insert(
                0,
                PetitionEvent(
                    petition=petition,
                    actor=filer,
                    at=filed_at,
                    action=Action.FILE,
                    to_status=Status.SUBMITTED,
                    visible_to_enterprise=True,
                    details={"channel": channel},
                ),
            )
            timelines.append(timeline)
            if petition.status in (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS):
                earlier.append(petition)
        self.save(timelines)
        for year, last in counters.items():
            TrackingCounter.objects.update_or_create(year=year, defaults={"last": last})
        self.counters = counters
        return len(timelines)

    def meeting_problems(self, rng, departments, handlers) -> int:
        """Problems raised at the demo breakfast meetings and appeal forums, as petitions."""
        from events.models import RaisedProblem

        problems = (
            RaisedProblem.objects.filter(enterprise__isnull=False, petition__isnull=True)
            .select_related("event", "enterprise")
            .order_by("event__starts_at", "id")
        )
        timelines = []
        for problem in problems:
            event = problem.event
            filed_at = min(event.ends_at, self.now)
            year = filed_at.year
            self.counters[year] = self.counters.get(year, 0) + 1
            channel = channel_for_event(event)
            category = rng.choice(Category.values)
            petition = self.new_petition(
                rng,
                enterprise=problem.enterprise,
                filed_at=filed_at,
                category=category,
                channel=channel,
                filer=problem.recorded_by or handlers[0],
                calendar=self.calendar,
                number=f"YQ-{year}-{self.counters[year]:06d}",
                source_event=event,
                raised_problem=problem,
            )
            petition.title = problem.text[:50].split("。")[0] or petition.title
            petition.description = problem.text
            recent = self.now - filed_at < datetime.timedelta(days=20)
            final = weighted(rng, RECENT_STATUSES if recent else OLD_STATUSES)
            if final in (Status.MERGED, Status.DECLINED):
                final = Status.CLOSED
            timeline = self.play(
                rng, petition, final, departments=departments, handlers=handlers, earlier=[]
            )
            timeline.events.insert(
                0,
                PetitionEvent(
                    petition=petition,
                    actor=petition.filed_by,
                    at=filed_at,
                    action=Action.FILE,
                    to_status=Status.SUBMITTED,
                    visible_to_enterprise=True,
                    details={"channel": channel, "event": event.title},
                ),
            )
            timelines.append(timeline)
        self.save(timelines)
        for year, last in self.counters.items():
            TrackingCounter.objects.update_or_create(year=year, defaults={"last": last})
        return len(timelines)

    def suggestions(self, rng, author, enterprises) -> int:
        """About 110 in the demo year: 22 forwarded to the national federation, 17 adopted there."""
        topics = [
            "关于进一步优化延庆区营商环境的建议",
            "关于支持冰雪产业民营企业发展的建议",
            "关于缓解小微企业融资难的建议",
            "关于加强民宿产业规范发展的社情民意",
            "关于清理拖欠民营企业账款的建议",
            "关于完善园区公共交通的社情民意",
            "关于支持葡萄酒产业品牌建设的建议",
            "关于加强企业用工保障的建议",
        ]
        rows = []
        for i in range(110):
            # Within the last year, early enough that sending, forwarding, adoption and the
            # leader's instruction (two months at most) all lie before today.
            created = self.now - datetime.timedelta(days=65 + rng.uniform(0, 290))
            s = Suggestion(
                kind=Suggestion.Kind.REPORT if i % 3 else Suggestion.Kind.SUGGESTION,
                title=f"{rng.choice(topics)}（{i + 1}）",
                text="建议内容（演示数据）。",
                author=author,
                enterprise=rng.choice(enterprises) if i % 4 == 0 else None,
                created_at=created,
            )
            if i < 104:
                s.sent_to = (
                    Suggestion.SentTo.MUNICIPAL_FEDERATION
                    if i % 2
                    else rng.choice(
                        [
                            Suggestion.SentTo.DISTRICT_COMMITTEE,
                            Suggestion.SentTo.DISTRICT_GOVERNMENT,
                        ]
                    )
                )
                s.sent_on = (created + datetime.timedelta(days=rng.randint(1, 10))).date()
            if i < 22:
                s.sent_to = Suggestion.SentTo.MUNICIPAL_FEDERATION
                s.forwarded_to = Suggestion.ForwardedTo.NATIONAL_FEDERATION
                s.forwarded_on = s.sent_on + datetime.timedelta(days=rng.randint(5, 20))
            if i < 17:
                s.adopted_level, s.adopted_by = Suggestion.Level.NATIONAL, "全国工商联"
                s.adopted_on = s.forwarded_on + datetime.timedelta(days=rng.randint(10, 30))
            elif 22 <= i < 30:
                s.adopted_level, s.adopted_by = Suggestion.Level.DISTRICT, "区委办公室"
                s.adopted_on = s.sent_on + datetime.timedelta(days=rng.randint(5, 30))
                if i < 25:
                    s.instruction, s.instruction_by = "请相关部门研究落实。", "区委主要领导"
                    s.instruction_on = s.adopted_on + datetime.timedelta(days=3)
            rows.append(s)
        Suggestion.objects.bulk_create(rows)
        return len(rows)
