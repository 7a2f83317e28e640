"""`manage.py seed_announcements` (part of seed_demo, after seed_policies): the announcements
(通知公告) the secretariat sent in the last months, dated from the day the demo is loaded.

Seven sent — public ones on the news list and the home page (a policy briefing, the service
campaign, the holiday duty notice, a briefing for manufacturers), a chamber's meeting notice to
its members, a note to the leaders — one scheduled for three days ahead and one draft. Each is
written, scheduled and sent through the announcements' services with the clock held at its
moment, so its receipts and inbox notices are dated then (not e-mailed now); about two in three
recipients have opened it, the demo member among the readers of the public ones. A second run
adds none.
"""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from chambers.models import Organization
from demo import accounts, clock
from demo.data import members as members_data
from demo.guard import refuse_real_data
from members.models import User
from policies.announcements import services
from policies.announcements.models import Announcement, Receipt

SEED = 110119 + 7
DAY = datetime.timedelta(days=1)
READ_SHARE = 0.65


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


def specs(year: int, chamber: str) -> list[dict]:
    """What each announcement says, whom it is for, and how many days ago it was sent (a
    negative number: scheduled that many days ahead; None: a draft)."""
    return [
        {
            "days_ago": 80, "kind": "briefing", "public": True, "criteria": {"all_members": True},
            "title": f"关于举办{year}年惠企政策集中宣讲会的通知",
            "body": paragraphs(
                "各会员企业：",
                "为帮助企业用足用好各项惠企政策，区工商联联合区发展改革委、区财政局、区税务局等部门举办惠企政策集中宣讲会。",
                "<strong>内容</strong>：税费优惠、融资支持、稳岗就业、科技创新等政策解读及现场答疑。",
                "请有意参加的企业通过门户“活动”栏目报名，名额有限，报满为止。",
            ),
        },
        {
            "days_ago": 45, "kind": "meeting", "public": False, "criteria": {"chambers": "chamber"},
            "title": f"关于召开{chamber}年度会员大会的通知",
            "body": paragraphs(
                "各会员单位：",
                f"{chamber}定于下月上旬召开年度会员大会，审议年度工作报告和财务报告，增补理事。",
                "请各会员单位主要负责人准时参加，因故不能参会的请提前向商会秘书处请假。",
            ),
        },
        {
            "days_ago": 30, "kind": "other", "public": True, "criteria": {"all_members": True},
            "title": "关于开展“送政策上门”服务企业活动的公告",
            "body": paragraphs(
                "为进一步优化营商环境，区工商联将组织执行主席、挂职副主席和机关干部走访会员企业，送政策、解难题。",
                "企业如有政策、融资、用工、法律等方面的需求，可在门户“诉求”栏目提交，工作人员将在规定时限内答复。",
            ),
        },
        {
            "days_ago": 14, "kind": "holiday", "public": True, "criteria": {"all_members": True},
            "title": "关于做好节假日期间安全生产和值班值守工作的通知",
            "body": paragraphs(
                "各会员企业：",
                "节假日将至，请各企业落实安全生产主体责任，开展隐患排查，做好值班值守和应急处置准备。",
                "<ul><li>严格执行领导带班和24小时值班制度；</li><li>加强用火用电和消防安全检查；</li><li>按时足额支付职工工资。</li></ul>",
            ),
        },
        {
            # Read by now (the demo's notices older than a week are), so a leader's home page
            # shows what waits for them first.
            "days_ago": 9, "kind": "other", "public": False, "criteria": {"leaders": True},
            "title": "关于执行主席轮值工作安排的提示",
            "body": paragraphs(
                "各位主席、副主席：",
                "执行主席轮值工作已排定，请在门户“轮值”栏目查看本人月份、挂职人员安排，并及时填写轮值工作日志。",
            ),
        },
        {
            "days_ago": 2, "kind": "briefing", "public": True, "criteria": {"industries": ["C"]},
            "title": "制造业企业技术改造和数字化转型政策解读会通知",
            "body": paragraphs(
                "各制造业会员企业：",
                "区工商联联合区经济和信息化局举办技术改造和数字化转型政策解读会，介绍设备更新补贴、智能工厂奖励的申报条件和流程。",
                "相关政策可在门户“惠企政策”栏目查看，符合条件的企业可在“为我推荐”中看到匹配理由。",
            ),
        },
        {
            "days_ago": 1, "kind": "meeting", "public": True, "criteria": {"all_members": True},
            "title": f"关于征集{year}年度优秀民营企业家推荐人选的通知",
            "body": paragraphs(
                "各会员企业、各商会：",
                "为弘扬企业家精神，现开展年度优秀民营企业家推荐工作，请于本月底前将推荐材料报送区工商联秘书处。",
            ),
        },
        {
            "days_ago": -3, "kind": "meeting", "public": True, "criteria": {"all_members": True},
            "title": "关于召开民营企业发展座谈会的通知",
            "body": paragraphs(
                "区委、区政府主要领导将与民营企业代表座谈，听取企业意见建议，请各企业做好准备。"
            ),
        },
        {
            "days_ago": None, "kind": "other", "public": False, "criteria": {"all_members": True},
            "title": "关于征集企业用工需求的通知（草稿）",
            "body": paragraphs("各会员企业：请于下周五前填报本年度用工需求。"),
        },
    ]  # fmt: skip


class Command(BaseCommand):
    help = "The demo's announcements, sent through the services relative to today."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet=False, **options):
        refuse_real_data()
        domain = members_data.DEMO_DOMAIN
        staff = User.objects.filter(email__iexact=f"staff@{domain}").first()
        member = User.objects.filter(email__iexact=f"member@{domain}").first()
        if staff is None:
            self.stderr.write("No demo staff: run seed_members first.")
            return
        if Announcement.objects.exists():
            if not quiet:
                self.stdout.write(
                    "通知公告演示数据已存在，本次未新增。 / Demo announcements exist already."
                )
            return
        chamber = (
            Organization.objects.active()
            .chambers()
            .annotate(
                reached=Count(
                    "affiliations",
                    filter=Q(
                        affiliations__left_on__isnull=True,
                        affiliations__enterprise__users__isnull=False,
                    ),
                )
            )
            .order_by("-reached", "pk")
            .first()
        )
        rng = random.Random(SEED)
        now = timezone.localtime().replace(microsecond=0)
        sent = 0
        with transaction.atomic(), clock.past_notices():
            for spec in specs(now.year, chamber.name if chamber else ""):
                criteria = dict(spec["criteria"])
                if criteria.get("chambers") == "chamber":
                    if chamber is None:
                        continue
                    criteria["chambers"] = [chamber.pk]
                days_ago = spec["days_ago"]
                written = (
                    now - 2 * DAY
                    if days_ago is None or days_ago < 0
                    else accounts.aware((now - days_ago * DAY).date(), 9, 30)
                )
                with clock.at(written):
                    announcement = services.save_draft(
                        actor=staff, criteria=criteria, kind=spec["kind"], title=spec["title"],
                        body=spec["body"], is_public=spec["public"],
                    )  # fmt: skip
                if days_ago is None:
                    continue
                if days_ago < 0:
                    with clock.at(written):
                        services.schedule(
                            actor=staff, announcement=announcement, send_at=now - days_ago * DAY
                        )
                    continue
                with clock.at(written):
                    services.schedule(actor=staff, announcement=announcement)
                    services.deliver(announcement.pk)
                sent += 1
                self.read(rng, announcement, written, now, member)
        if not quiet:
            self.stdout.write(
                f"通知公告演示数据：已发送 {sent} 条。 / {sent} demo announcements sent."
            )

    def read(self, rng, announcement, sent_at, now, member):
        """About two in three recipients open it within days; the demo member opens the
        public ones."""
        receipts = Receipt.objects.filter(announcement=announcement).select_related("recipient")
        for receipt in receipts.order_by("pk"):
            reader = receipt.recipient
            if not (rng.random() < READ_SHARE or (reader == member and announcement.is_public)):
                continue
            moment = min(sent_at + datetime.timedelta(hours=rng.randint(1, 72)), now)
            with clock.at(moment):
                services.mark_read(announcement=announcement, user=reader)
