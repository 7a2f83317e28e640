"""`manage.py seed_services` (part of seed_demo, after seed_petitions): a year of services
given to member enterprises and of visits to them.

About 200 services over the twelve months before the demo is loaded, in the eight fields
(loans and their local banks for finance, hours and the matter for legal advice, people
placed for talent), given by the secretariat's staff, by a chamber (recorded by its president
or secretary-general when they hold the post that day, by staff otherwise) or with a partner
(a bank, a law firm, an agency, a school); the enterprises' users rate a share of them. The
demo member's enterprise received four, two of them waiting for its rating.

Sixty visits over the same year to member enterprises and chambers: most made, a few
cancelled, a few planned for the coming weeks; about a third found problems, some of which
staff filed as petitions (channel "survey visit") and accepted.

Everything goes through services.services and visits.services (and petitions.services for
accepting), each step with the clock held at its moment (demo.clock); the notices of that past
are not e-mailed. Every choice comes from a fixed seed; once services (or visits) exist, a
second run adds none.
"""

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from chambers.models import Organization, Post
from demo import accounts, clock
from demo.data import members as members_data
from demo.guard import refuse_real_data
from members.models import Enterprise, User
from petitions import metrics
from petitions import services as petition_services
from services import services
from services.access import can_record_for
from services.models import Partner, ServiceField, ServiceRecipient, ServiceRecord
from visits import services as visit_services
from visits.models import Visit

SEED = 110119 + 5
DAY = datetime.timedelta(days=1)
SERVICES = {  # field code -> how many in the year (about 200 in all)
    "policy": 34,
    "finance": 32,
    "legal": 30,
    "talent": 24,
    "market": 24,
    "training": 24,
    "rights": 16,
    "other": 16,
}
VISITS, PLANNED_AHEAD, CANCELLED = 60, 4, 4

PARTNERS = [
    ("北京农商银行延庆支行", Partner.Kind.BANK),
    ("中国银行北京延庆支行", Partner.Kind.BANK),
    ("北京银行延庆支行", Partner.Kind.BANK),
    ("中国邮政储蓄银行延庆区支行", Partner.Kind.BANK),
    ("北京市中闻律师事务所延庆分所", Partner.Kind.LAW_FIRM),
    ("北京妫川律师事务所", Partner.Kind.LAW_FIRM),
    ("延庆区人力资源服务中心", Partner.Kind.HUMAN_RESOURCES),
    ("北京农业职业学院", Partner.Kind.SCHOOL),
    ("延庆区税务师事务所", Partner.Kind.ACCOUNTING),
]
# field code -> partner kind that gives services in it with the federation
PARTNER_KIND = {
    "finance": Partner.Kind.BANK,
    "legal": Partner.Kind.LAW_FIRM,
    "talent": Partner.Kind.HUMAN_RESOURCES,
    "training": Partner.Kind.SCHOOL,
    "policy": Partner.Kind.ACCOUNTING,
}
WHAT = {
    "policy": [
        "解读中关村延庆园高新技术企业认定政策",
        "协助申报区级专精特新企业奖励",
        "送政策上门：小微企业减税降费政策宣讲",
        "协助办理稳岗补贴申领",
    ],
    "finance": [
        "组织银企对接，协调流动资金贷款",
        "协助申请创业担保贷款及贴息",
        "协调续贷，免于追加抵押",
        "推荐“冬奥贷”专项信贷产品",
    ],
    "legal": [
        "“法律服务进商会”现场咨询",
        "合同纠纷法律咨询",
        "劳动用工合规体检",
        "协助起草合作协议",
    ],
    "talent": [
        "组织冰雪运营岗位专场招聘",
        "对接高校毕业生实习就业",
        "民宿管家技能人才推荐",
    ],
    "market": [
        "组织参加京津冀农产品展销会",
        "对接区内商超设立本地葡萄酒专柜",
        "推介企业产品进入冬奥场馆采购目录",
        "组织赴张家口考察对接",
    ],
    "training": [
        "民营企业经营管理培训班",
        "安全生产培训",
        "电商直播带货培训",
        "财务税务实务培训",
    ],
    "rights": [
        "协调清理拖欠工程款",
        "协调解决知识产权侵权投诉",
        "代表企业参加行政执法听证",
    ],
    "other": [
        "协调园区道路照明改造",
        "协助办理员工子女入学",
        "协调冬季供暖问题",
    ],
}
MATTERS = ["买卖合同纠纷", "劳动合同", "租赁合同", "股权结构调整", "知识产权保护", "工程款追索"]
OUTCOMES = {
    "policy": "企业已按要求提交申报材料。",
    "market": "达成合作意向，企业反映效果良好。",
    "training": "企业相关人员参加，结业考核合格。",
    "rights": "经协调，问题已得到解决。",
    "other": "已协调相关部门办理完毕。",
}
PURPOSES = [
    "了解企业生产经营情况",
    "走访调研企业融资需求",
    "了解冬奥后冰雪产业企业发展情况",
    "调研民宿企业经营困难",
    "走访商会，了解会员企业诉求",
    "宣讲惠企政策，听取意见建议",
]
MET = ["企业负责人", "企业总经理及财务负责人", "企业董事长", "商会会长、秘书长及部分会员企业负责人"]
FINDINGS = [
    ("银行要求追加抵押，流动资金紧张，希望协调续贷。", "financing"),
    ("新增生产线后用电负荷不足，需要增容。", "utilities"),
    ("冰雪运营岗位招工难，希望对接招聘会。", "talent"),
    ("食品生产许可证变更申请已提交一个多月，尚未办结。", "approvals"),
    ("为区内单位施工的工程款尚有部分未支付。", "arrears"),
    ("利用闲置农宅改造民宿，规划和用地手续不清楚。", "land"),
    ("希望了解增值税留抵退税的办理条件。", "tax"),
]
CANCEL_REASONS = ["企业负责人临时外出，改期走访。", "遇强降雪，道路封闭，改期。"]


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class Command(BaseCommand):
    help = (
        "A year of demo services given to member enterprises (with their ratings) and of "
        "visits to them (with the problems found). Run after seed_petitions. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet=False, **options):
        refuse_real_data()
        domain = members_data.DEMO_DOMAIN
        self.staff = User.objects.filter(email__iexact=f"staff@{domain}").first()
        if self.staff is None:
            self.stderr.write("No demo staff account: run seed_members first.")
            return
        handlers = User.objects.filter(
            email__istartswith="handler", email__iendswith=f"@{domain}", is_staff=True
        ).order_by("email")
        self.handlers = [self.staff, *handlers]
        self.members = list(
            Enterprise.objects.filter(status=Enterprise.Status.MEMBER).order_by("id")
        )
        if not self.members:
            self.stderr.write("No demo member enterprises: run seed_members first.")
            return
        self.member = User.objects.filter(email__iexact=f"member@{domain}").first()
        self.now = timezone.localtime().replace(microsecond=0)
        self.today = self.now.date()
        made = {"services": 0, "visits": 0}
        with transaction.atomic(), clock.past_notices():
            if not ServiceRecord.objects.exists():
                made["services"] = self.services(random.Random(SEED))
            if not Visit.objects.exists():
                made["visits"] = self.visits(random.Random(SEED + 1))
                metrics.rebuild_tallies()
        if not quiet:
            self.stdout.write(
                f"服务与走访演示数据 / services and visits demo: 本次新增服务 {made['services']} "
                f"项、走访 {made['visits']} 次。 / {made['services']} services and "
                f"{made['visits']} visits added."
            )

    # Services ------------------------------------------------------------------------------

    def partners(self) -> dict[str, list[Partner]]:
        """The partners, kept by staff in the admin (there is no page for them)."""
        result = {}
        for name, kind in PARTNERS:
            partner = Partner.objects.filter(name=name).first()
            if partner is None:
                partner = Partner(name=name, kind=kind)
                partner._history_user = self.staff
                partner.save()
            result.setdefault(kind, []).append(partner)
        return result

    def chambers(self) -> list[tuple[Organization, list[Enterprise], list[User]]]:
        """The chambers with current member enterprises: (chamber, members, keepers)."""
        result = []
        organizations = Organization.objects.exclude(
            kind__in=[Organization.Kind.FRIENDLY, Organization.Kind.FEDERATION]
        ).order_by("id")
        for organization in organizations:
            enterprises = list(
                Enterprise.objects.filter(
                    status=Enterprise.Status.MEMBER,
                    affiliations__organization=organization,
                    affiliations__left_on__isnull=True,
                )
                .distinct()
                .order_by("id")
            )
            keepers = list(
                User.objects.filter(
                    pk__in=Post.objects.current()
                    .filter(term__organization=organization, position__in=Post.KEEPER_POSITIONS)
                    .values("holder")
                ).order_by("id")
            )
            if enterprises:
                result.append((organization, enterprises, keepers))
        return result

    def services(self, rng) -> int:
        fields = {f.code: f for f in ServiceField.objects.active()}
        partners = self.partners()
        chambers = self.chambers()
        plan = [code for code, n in SERVICES.items() if code in fields for _ in range(n)]
        rng.shuffle(plan)
        days = sorted(rng.randint(1, 364) for _ in plan)[::-1]  # days ago, oldest first
        own = set()
        if self.member is not None and self.member.enterprise in self.members:
            # The demo member's enterprise: two rated long ago, two recent ones to rate.
            own = {len(plan) // 4, len(plan) // 2, len(plan) - 12, len(plan) - 3}
        made = 0
        for i, (code, ago) in enumerate(zip(plan, days, strict=True)):
            day = self.today - ago * DAY
            field = fields[code]
            givers, enterprises, actor = self.givers(rng, code, partners, chambers, day)
            if i in own:
                enterprises = [self.member.enterprise]
                givers = {"staff_member": actor if actor.is_staff else self.staff}
                actor = givers["staff_member"]
            moment = accounts.aware(day, rng.randint(9, 17))
            with clock.at(moment):
                if not can_record_for(actor, givers.get("organization")):
                    actor = rng.choice(self.handlers)  # the keeper held no post that day
                record = services.record_service(
                    actor=actor,
                    enterprises=enterprises,
                    field=field,
                    what=rng.choice(WHAT[code]),
                    given_on=day,
                    **givers,
                    **self.outcome(rng, field, givers),
                )
            made += 1
            self.rate(rng, record, day, own=i in own, recent=i >= len(plan) - 12)
        return made

    def givers(self, rng, code, partners, chambers, day):
        """({giver fields}, enterprises served, who records it)."""
        staff = rng.choice(self.handlers)
        roll = rng.random()
        if chambers and roll < 0.22:
            organization, enterprises, keepers = rng.choice(chambers)
            served = rng.sample(enterprises, min(len(enterprises), rng.randint(1, 4)))
            actor = rng.choice(keepers) if keepers else staff
            return {"organization": organization}, served, actor
        served = rng.sample(self.members, rng.choice([1, 1, 1, 2, 3]))
        kind = PARTNER_KIND.get(code)
        if kind in partners and roll < 0.65:
            givers = {"partner": rng.choice(partners[kind])}
            if rng.random() < 0.7:
                givers["staff_member"] = staff
            return givers, served, staff
        return {"staff_member": staff}, served, staff

    def outcome(self, rng, field, givers) -> dict:
        terms = field.terms
        if terms == ServiceField.Terms.FINANCE:
            partner = givers.get("partner")
            bank = partner.name if partner else rng.choice([n for n, k in PARTNERS if k == "bank"])
            return {"loan_yuan": Decimal(rng.choice(range(50, 1001, 10)) * 10000), "bank": bank}
        if terms == ServiceField.Terms.LEGAL:
            hours = Decimal(rng.choice(range(2, 17))) / 2
            return {"legal_hours": hours, "legal_matter": rng.choice(MATTERS)}
        if terms == ServiceField.Terms.TALENT:
            return {"people_placed": rng.randint(1, 12)}
        return {"outcome": OUTCOMES.get(field.code, "")}

    def rate(self, rng, record, day, *, own, recent):
        """The served enterprises' users rate it, most within days; the recent ones and some
        others wait. The demo member rates its two older services only."""
        recipients = record.recipients.select_related("enterprise")
        for recipient in recipients:
            rater = (
                User.objects.filter(enterprise=recipient.enterprise, is_active=True)
                .order_by("id")
                .first()
            )
            if rater is None:
                continue
            if own:
                if recent:
                    continue
            elif recent or rng.random() < 0.3:
                continue
            rating = weighted(
                rng,
                [
                    (ServiceRecipient.Rating.SATISFIED, 82),
                    (ServiceRecipient.Rating.BASICALLY, 14),
                    (ServiceRecipient.Rating.NOT_SATISFIED, 4),
                ],
            )
            with clock.at(accounts.aware(day + rng.randint(1, 10) * DAY, rng.randint(9, 20))):
                services.rate_service(actor=rater, recipient=recipient, rating=rating)

    # Visits --------------------------------------------------------------------------------

    def visits(self, rng) -> int:
        chambers = [(o, members) for o, members, _keepers in self.chambers()]
        leaders = list(
            Post.objects.current()
            .filter(term__organization__kind=Organization.Kind.FEDERATION)
            .select_related("holder")
            .order_by("id")
            .values_list("holder__real_name", flat=True)
        )
        done = VISITS - PLANNED_AHEAD - CANCELLED
        days = sorted(rng.randint(2, 360) for _ in range(done + CANCELLED))[::-1]
        cancelled = set(rng.sample(range(len(days)), CANCELLED))
        made = 0
        for i, ago in enumerate(days):
            day = self.today - ago * DAY
            self.visit(rng, day, chambers, leaders, cancel=i in cancelled)
            made += 1
        for _ in range(PLANNED_AHEAD):
            day = self.today + rng.randint(2, 21) * DAY
            planned_at = min(self.now, accounts.aware(self.today - rng.randint(0, 5) * DAY, 10))
            with clock.at(planned_at):
                visit_services.plan_visit(
                    actor=rng.choice(self.handlers),
                    planned_on=day,
                    purpose=rng.choice(PURPOSES),
                    visitors=rng.sample(self.handlers, 2),
                    **self.targets(rng, chambers),
                )
            made += 1
        return made

    def targets(self, rng, chambers) -> dict:
        if chambers and rng.random() < 0.25:
            organization, _members = rng.choice(chambers)
            return {"organizations": [organization]}
        return {"enterprises": rng.sample(self.members, rng.choice([1, 1, 2, 3]))}

    def visit(self, rng, day, chambers, leaders, *, cancel):
        staff = rng.choice(self.handlers)
        targets = self.targets(rng, chambers)
        with clock.at(accounts.aware(day - rng.randint(5, 14) * DAY, 10)):
            visit = visit_services.plan_visit(
                actor=staff,
                planned_on=day,
                purpose=rng.choice(PURPOSES),
                visitors=rng.sample(self.handlers, 2),
                other_visitors="、".join(rng.sample(leaders, min(len(leaders), 1))),
                **targets,
            )
        if cancel:
            with clock.at(accounts.aware(day - DAY, 15)):
                visit_services.cancel_visit(
                    actor=staff, visit=visit, reason=rng.choice(CANCEL_REASONS)
                )
            return
        with clock.at(accounts.aware(day, 17)):
            visit = visit_services.record_visit(
                actor=staff,
                visit=visit,
                done_on=day,
                met=rng.choice(MET),
                found="企业生产经营总体平稳。",
            )
        if rng.random() >= 1 / 3:
            return
        if "organizations" in targets:
            organization = targets["organizations"][0]
            pool = dict(chambers)[organization]
        else:
            pool = targets["enterprises"]
        for enterprise in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
            text, category = rng.choice(FINDINGS)
            with clock.at(accounts.aware(day, 18)):
                finding = visit_services.add_finding(
                    actor=staff, visit=visit, enterprise=enterprise, text=text
                )
            if rng.random() < 0.5:
                continue
            with clock.at(accounts.aware(day + DAY, 10)):
                petition, _created = visit_services.finding_to_petition(
                    actor=staff, finding=finding, category=category
                )
            with clock.at(accounts.aware(day + DAY, 14)):
                petition_services.accept_petition(
                    petition=petition,
                    actor=staff,
                    expected_version=petition.version,
                    note="走访中发现的问题，已受理。",
                )
