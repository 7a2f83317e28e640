"""`manage.py seed_petitions` (after seed_members, seed_chambers and seed_events).

Builds the year of petitions up to the moment the demo is loaded: the district
government's departments, three handlers of the secretariat, about 300 petitions across every
category and status with realistic timelines (first responses mostly within the day, replies
mostly within the limit, some overdue, some reopened after an unsatisfied rating), the problems
raised at the demo breakfast meetings and appeal forums turned into petitions, and a year of
suggestions and social-condition reports with their adoption chain (of 22
forwarded to the national federation, 17 adopted).

The departments are entered, and every petition is filed and handled, through
petitions.services, each step with the clock held at its moment (demo.clock): the tracking
numbers, deadlines, timelines, history, summary fields, tallies and notices are the services'
own. Each timeline is in order and ends by now; the
notices of that past are not e-mailed. Every choice comes from a fixed seed; once petitions
exist, a second run changes nothing.
"""

import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo import accounts, clock
from demo.data import members as members_data
from demo.guard import refuse_real_data
from members.models import Enterprise
from petitions import metrics, services
from petitions.forms import SuggestionRoutingForm
from petitions.models import Category, Channel, Department, Petition, Rating, Suggestion, Urgency
from petitions.states import Status

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


@dataclass
class Planned:
    """One petition to play: who files it, when, about what, and where it ends today."""

    filed_at: datetime.datetime
    enterprise: Enterprise
    filer: User
    category: str
    urgency: str
    channel: str
    title: str
    text: str
    anonymous_sharing: bool
    final: str
    problem: object = None  # a problem raised at a meeting


class Player:
    """Walks a petition through the services, step by step, the clock moving forward."""

    def __init__(self, petition, now):
        self.p, self.now = petition, now
        self.at = petition.created_at

    def step(self, service, hours, **kwargs):
        self.at = min(self.at + datetime.timedelta(hours=hours), self.now)
        with clock.at(self.at):
            self.p = service(petition=self.p, expected_version=self.p.version, **kwargs)


class Command(BaseCommand):
    help = "Demo petitions, departments and suggestions for a year (after seed_events)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet=False, **options):
        refuse_real_data()
        if Petition.objects.exists():
            if not quiet:
                self.stdout.write(
                    "诉求演示数据已存在，本次未新增。 / Demo petitions exist already: none added."
                )
            return
        enterprises = list(
            Enterprise.objects.filter(status=Enterprise.Status.MEMBER).order_by("id")
        )
        if not enterprises:
            self.stderr.write("No demo member enterprises: run seed_members first.")
            return
        rng = random.Random(SEED)
        self.now = timezone.localtime().replace(microsecond=0)
        with transaction.atomic(), clock.past_notices():
            handlers = self.handlers()
            planned = self.plan(rng, enterprises, handlers)
            planned += self.meeting_problems(rng, handlers)
            departments = self.departments(before=min(p.filed_at for p in planned))
            self.play_all(rng, planned, departments, handlers)
            suggestions = self.suggestions(rng, handlers[0])
            # The services refresh the tallies as each step commits; here the steps commit
            # together, so the tallies are rebuilt once, from the same timelines.
            metrics.rebuild_tallies()
        if not quiet:
            from_meetings = sum(1 for p in planned if p.problem is not None)
            self.stdout.write(
                f"诉求演示数据 / petitions demo: 部门 {len(departments)} 个，诉求 {len(planned)} 件"
                f"（其中会上提出 {from_meetings} 件），建言和社情民意 {suggestions} 篇，"
                f"均经业务流程办理。 / {len(departments)} departments, {len(planned)} petitions "
                f"({from_meetings} from meetings) and {suggestions} suggestions, each handled "
                "through the services."
            )

    def departments(self, before: datetime.datetime) -> dict[str, Department]:
        """The departments, entered by the demo staff account through petitions.services the
        week before the first petition was filed."""
        staff = User.objects.filter(email__iexact=f"staff@{members_data.DEMO_DOMAIN}").first()
        if staff is None:
            raise CommandError("No demo staff account: run seed_members first.")
        existing = {d.code: d for d in Department.objects.filter(code__in=dict(DEPARTMENTS))}
        result = {}
        with clock.at(before - datetime.timedelta(days=7)):
            for code, name in DEPARTMENTS:
                result[code] = existing.get(code) or services.add_department(
                    actor=staff,
                    code=code,
                    name=name,
                    contact_name="联络员",
                    contact_phone="010-6919" + f"{len(result):04d}",
                )
        return result

    def handlers(self) -> list:
        return [
            accounts.account(
                email=f"handler{i}@{members_data.DEMO_DOMAIN}", real_name=name, staff=True
            )[0]
            for i, name in enumerate(["秘书处张晓", "秘书处王磊", "秘书处李婷"], start=1)
        ]

    # The plan ----------------------------------------------------------------------------

    def planned(self, rng, *, enterprise, filer, filed_at, category, channel, final, **extra):
        urgency = weighted(
            rng, [(Urgency.NORMAL, 85), (Urgency.URGENT, 12), (Urgency.EMERGENCY, 3)]
        )
        title, text = rng.choice(PROBLEMS[category])
        return Planned(
            filed_at=filed_at,
            enterprise=enterprise,
            filer=filer,
            category=category,
            urgency=urgency,
            channel=channel,
            title=title,
            text=text,
            anonymous_sharing=rng.random() < 0.6,
            final=final,
            **extra,
        )

    def plan(self, rng, enterprises, handlers) -> list[Planned]:
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
        planned = []
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
            # An enterprise without an account told staff in person, by telephone or by letter.
            filer = filers.get(users.get(enterprise.pk))
            category = weighted(
                rng,
                [
                    (c, 3 if c in ("financing", "talent", "approvals") else 2)
                    for c in Category.values
                ],
            )
            channel = (
                Channel.ONLINE
                if filer is not None
                else rng.choice([Channel.SURVEY_VISIT, Channel.PHONE, Channel.LETTER])
            )
            recent = now - filed_at < datetime.timedelta(days=20)
            final = final or weighted(rng, RECENT_STATUSES if recent else OLD_STATUSES)
            planned.append(
                self.planned(
                    rng,
                    enterprise=enterprise,
                    filer=filer or handlers[0],
                    filed_at=filed_at,
                    category=category,
                    channel=channel,
                    final=final,
                )
            )
        return planned

    def meeting_problems(self, rng, handlers) -> list[Planned]:
        """Problems raised at the demo breakfast meetings and appeal forums, as petitions."""
        from events.models import RaisedProblem

        problems = (
            RaisedProblem.objects.filter(enterprise__isnull=False, petition__isnull=True)
            .select_related("event", "enterprise", "recorded_by")
            .order_by("event__starts_at", "id")
        )
        planned = []
        for problem in problems:
            filed_at = min(problem.event.ends_at, self.now)
            recent = self.now - filed_at < datetime.timedelta(days=20)
            final = weighted(rng, RECENT_STATUSES if recent else OLD_STATUSES)
            if final in (Status.MERGED, Status.DECLINED):
                final = Status.CLOSED
            recorder = problem.recorded_by
            planned.append(
                self.planned(
                    rng,
                    enterprise=problem.enterprise,
                    filer=recorder if recorder is not None and recorder.is_staff else handlers[0],
                    filed_at=filed_at,
                    category=rng.choice(Category.values),
                    channel="",
                    final=final,
                    problem=problem,
                )
            )
        return planned

    # Playing it ----------------------------------------------------------------------------

    def play_all(self, rng, planned, departments, handlers):
        """File every petition in the order it came in, then walk it to where it is today."""
        earlier = []  # petitions still open today, which a later duplicate may be merged into
        for spec in sorted(planned, key=lambda p: p.filed_at):
            with clock.at(spec.filed_at):
                if spec.problem is not None:
                    petition, _created = services.petition_from_problem(
                        actor=spec.filer, problem=spec.problem, category=spec.category
                    )
                else:
                    petition = services.file_petition(
                        actor=spec.filer,
                        enterprise=spec.enterprise,
                        category=spec.category,
                        title=spec.title,
                        description=spec.text,
                        urgency=spec.urgency,
                        anonymous_sharing=spec.anonymous_sharing,
                        channel=spec.channel,
                    )
            final = spec.final
            if final == Status.MERGED and not earlier:
                final = Status.CLOSED
            petition = self.play(
                rng, Player(petition, self.now), final, departments, handlers, earlier
            )
            if petition.status in (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS):
                earlier.append(petition)

    def play(self, rng, t: Player, final, departments, handlers, earlier) -> Petition:
        """Walk the petition from submitted towards `final`, as staff and the enterprise would."""
        staff = rng.choice(handlers)
        rater = t.p.filed_by  # the enterprise's user, or staff noting its answer by telephone
        if final == Status.SUBMITTED:
            return t.p
        first = rng.uniform(0.5, 6) if rng.random() < 0.95 else rng.uniform(26, 60)
        if final == Status.DECLINED:
            reason = "该事项属于民事纠纷，建议通过司法途径解决，已告知法律援助渠道。"
            t.step(services.decline_petition, first, actor=staff, reason=reason)
            return t.p
        if final == Status.MERGED:
            target = earlier[-1]
            t.step(
                services.merge_petition,
                first,
                actor=staff,
                into=target,
                note=f"与{target.tracking_number}为同一事项，合并办理。",
            )
            return t.p
        t.step(services.accept_petition, first, actor=staff, note="已受理，将尽快办理。")
        if final == Status.ACCEPTED:
            return t.p
        t.step(services.dispatch_petition, rng.uniform(1, 8), actor=staff, handler=staff)
        department = departments[rng.choice(ROUTES[t.p.category])]
        t.step(
            services.forward_petition,
            rng.uniform(1, 20),
            actor=staff,
            department=department,
            reference=f"YQ{t.p.created_at:%y%m}-{rng.randint(100, 999)}",
            note=f"已转{department.name}办理。",
        )
        if final == Status.DISPATCHED:
            return t.p
        t.step(services.start_progress, rng.uniform(4, 30), actor=staff)
        if rng.random() < 0.15:
            t.step(
                services.extend_deadline,
                rng.uniform(24, 60),
                actor=staff,
                working_days=5,
                reason="需多部门会商，申请延期。",
            )
        if final == Status.WAITING:
            t.step(
                services.request_information,
                rng.uniform(4, 40),
                actor=staff,
                question="请补充相关合同及证明材料。",
            )
            return t.p
        if final == Status.IN_PROGRESS:
            t.step(services.post_update, rng.uniform(4, 40), actor=staff, note="部门正在现场核实。")
            if rng.random() < 0.3:
                t.step(
                    services.escalate_petition,
                    rng.uniform(24, 80),
                    actor=staff,
                    note="逾期未办结，提请督办。",
                )
            return t.p
        reopen_first = final == Status.REOPENED or (final == Status.CLOSED and rng.random() < 0.12)
        t.step(services.reply_petition, rng.uniform(24, 120), actor=staff, text=rng.choice(REPLIES))
        if reopen_first:
            t.step(
                services.rate_petition,
                rng.uniform(2, 48),
                actor=rater,
                rating=Rating.UNSATISFIED,
                comment="问题尚未实际解决。",
            )
            if final == Status.REOPENED:
                return t.p
            t.step(services.start_progress, rng.uniform(4, 24), actor=staff)
            t.step(
                services.reply_petition,
                rng.uniform(24, 96),
                actor=staff,
                text="经再次协调，问题已实际解决。",
            )
        if final == Status.REPLIED:
            return t.p
        # An unsatisfied rating reopens the petition: those are the reopen cycles above.
        rating = weighted(rng, [(Rating.SATISFIED, 90), (Rating.BASICALLY, 10)])
        comment = {"satisfied": "感谢工商联的帮助！", "basically": "基本解决，希望持续跟进。"}
        t.step(
            services.rate_petition,
            rng.uniform(2, 72),
            actor=rater,
            rating=rating,
            comment=comment[rating],
        )
        if final == Status.CLOSED:
            t.step(services.close_petition, rng.uniform(2, 48), actor=staff, note="办结。")
        return t.p

    # Suggestions ---------------------------------------------------------------------------

    def suggestions(self, rng, author) -> int:
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
        members = list(
            User.objects.filter(enterprise__status=Enterprise.Status.MEMBER).order_by("email")
        )
        for i in range(110):
            # Within the last year, early enough that sending, forwarding, adoption and the
            # leader's instruction (two months at most) all lie before today.
            created = self.now - datetime.timedelta(days=65 + rng.uniform(0, 290))
            routing = {}
            if i < 104:
                routing["sent_to"] = (
                    Suggestion.SentTo.MUNICIPAL_FEDERATION
                    if i % 2
                    else rng.choice(
                        [
                            Suggestion.SentTo.DISTRICT_COMMITTEE,
                            Suggestion.SentTo.DISTRICT_GOVERNMENT,
                        ]
                    )
                )
                routing["sent_on"] = (created + datetime.timedelta(days=rng.randint(1, 10))).date()
            if i < 22:
                routing["sent_to"] = Suggestion.SentTo.MUNICIPAL_FEDERATION
                routing["forwarded_to"] = Suggestion.ForwardedTo.NATIONAL_FEDERATION
                routing["forwarded_on"] = routing["sent_on"] + datetime.timedelta(
                    days=rng.randint(5, 20)
                )
            if i < 17:
                routing["adopted_level"] = Suggestion.Level.NATIONAL
                routing["adopted_by"] = "全国工商联"
                routing["adopted_on"] = routing["forwarded_on"] + datetime.timedelta(
                    days=rng.randint(10, 30)
                )
            elif 22 <= i < 30:
                routing["adopted_level"] = Suggestion.Level.DISTRICT
                routing["adopted_by"] = "区委办公室"
                routing["adopted_on"] = routing["sent_on"] + datetime.timedelta(
                    days=rng.randint(5, 30)
                )
                if i < 25:
                    routing["instruction"] = "请相关部门研究落实。"
                    routing["instruction_by"] = "区委主要领导"
                    routing["instruction_on"] = routing["adopted_on"] + datetime.timedelta(days=3)
            # A quarter come from member enterprises' own accounts; the rest the secretariat
            # writes up from visits and meetings.
            actor = members[i % len(members)] if members and i % 4 == 0 else author
            with clock.at(created):
                suggestion = services.submit_suggestion(
                    actor=actor,
                    kind=Suggestion.Kind.REPORT if i % 3 else Suggestion.Kind.SUGGESTION,
                    title=f"{rng.choice(topics)}（{i + 1}）",
                    text="建议内容（演示数据）。",
                )
            if routing:
                form = SuggestionRoutingForm(
                    data={"points": suggestion.points, **routing}, instance=suggestion
                )
                if not form.is_valid():
                    raise CommandError(f"Demo suggestion {i + 1}: {form.errors.as_text()}")
                last = max(day for key, day in routing.items() if key.endswith("_on"))
                with clock.at(aware(last)):
                    services.record_routing(suggestion=suggestion, actor=author, form=form)
        return 110


def aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(16), tzinfo=TZ)
