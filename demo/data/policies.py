"""The demo's policies (惠企政策): the district departments' service packages as data.

Sixty policies of the fifteen departments the demo's petitions are forwarded to (and a few the
district government issues with several of them), each with its document, interpretation,
application guide and eligibility in the portal's terms. Nothing here is dated: `dates()` places
each policy relative to the day the demo is loaded, by its `timing`:

- "open": its application window includes today (about a third of them);
- "closing": open, and closing within the week (the reminders' days);
- "upcoming": published, its window opening in the coming weeks;
- "closed": published, its window closed weeks ago, the policy still valid;
- "rolling": published, no window (applications all year, or granted without applying);
- "expired": published, past its validity;
- "withdrawn": published, then withdrawn;
- "draft": written by staff, not yet published.

The texts are written for the demo; the departments' names are Yanqing's, the figures invented.
Everything here is data or a pure function; the command (seed_policies) makes the choices.
"""

import datetime
from dataclasses import dataclass, field

from core.months import add_years

DAY = datetime.timedelta(days=1)
NUMERALS = "一二三四五六七八九十"

# Document prefixes (文号) by issuer; "gov" is the district government.
PREFIX = {
    "gov": "延政发",
    "gov_office": "延政办发",
    "fgw": "延发改发",
    "czj": "延财发",
    "rsj": "延人社发",
    "ghzrzy": "延规自发",
    "scjg": "延市监发",
    "swj": "延税发",
    "zjw": "延住建发",
    "nyncj": "延农发",
    "whlyj": "延文旅发",
    "jxj": "延经信发",
    "zwfw": "延政务发",
    "jrb": "延金融发",
    "sfj": "延司发",
    "sswj": "延水务发",
    "csglw": "延城管发",
}
CONTACT_NAMES = {
    "fgw": "区发展改革委产业发展科",
    "czj": "区财政局经济建设科",
    "rsj": "区人力社保局就业促进科",
    "ghzrzy": "区规划自然资源分局用地科",
    "scjg": "区市场监管局质量标准科",
    "swj": "区税务局纳税服务科",
    "zjw": "区住房城乡建设委建筑业管理科",
    "nyncj": "区农业农村局产业发展科",
    "whlyj": "区文化和旅游局产业发展科",
    "jxj": "区经济和信息化局企业服务科",
    "zwfw": "区政务服务局综合窗口",
    "jrb": "区金融办金融服务科",
    "sfj": "区司法局公共法律服务科",
    "sswj": "区水务局节水办",
    "csglw": "区城市管理委能源科",
}
WINDOW = "延庆区政务服务中心综合受理窗口，或北京市政务服务网在线申报"
RURAL = ["103", "104", "105", "106", "107", "108", "109", "110", "200", "201", "202", "203"]
TOWN_CENTRE = ["001", "002", "003", "100"]

TIMINGS = ("open", "closing", "upcoming", "closed", "rolling", "expired", "withdrawn", "draft")


@dataclass(frozen=True)
class PolicySpec:
    key: str  # stable, for the command's idempotence and the tests
    departments: tuple[str, ...]  # department codes (the demo's petitions' departments)
    issuer: str  # PREFIX key of the document number
    title: str
    timing: str
    topics: tuple[str, ...]
    summary: str
    articles: tuple[str, ...]
    interpretation: str
    beneficiaries: str
    conditions: str
    benefit: str
    time_to_payment: str
    where_to_apply: str = WINDOW
    # Eligibility in the portal's terms (policies/eligibility.py).
    industries: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    townships: tuple[str, ...] = ()  # code suffixes of Yanqing's townships ("108")
    min_years: int | None = None
    max_years: int | None = None
    members_only: bool = False
    qualifications: tuple[str, ...] = ()
    unchecked: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def body(self) -> str:
        return "\n".join(
            f"第{numeral(n)}条　{text}" for n, text in enumerate(self.articles, start=1)
        )

    @property
    def contact(self) -> str:
        department = self.departments[0]
        serial = list(CONTACT_NAMES).index(department)
        return f"{CONTACT_NAMES[department]} 010-6919{serial:04d}"

    def document_number(self, issued_on: datetime.date, serial: int) -> str:
        return f"{PREFIX[self.issuer]}〔{issued_on.year}〕{serial}号"


def numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    return "十" + NUMERALS[n - 11]


@dataclass(frozen=True)
class Dates:
    issued_on: datetime.date
    valid_from: datetime.date
    valid_until: datetime.date | None
    window_opens: datetime.date | None
    window_closes: datetime.date | None
    withdrawn_on: datetime.date | None = None


def dates(timing: str, today: datetime.date, n: int) -> Dates:
    """Where the n-th policy of this timing lies, seen from `today`. Every date but a coming
    window and validity is on or before today; a policy is issued before its window opens."""
    k = n % 5  # spreads the policies of one timing over a few weeks
    if timing in ("open", "closing"):
        issued = today - (25 + 9 * k) * DAY
        opens = issued + 5 * DAY
        closes = today + ((2 + k) if timing == "closing" else (14 + 11 * k)) * DAY
        return Dates(issued, issued, add_years(issued, 2), opens, closes)
    if timing == "upcoming":
        issued = today - (3 + 2 * k) * DAY
        opens = today + (8 + 5 * k) * DAY
        return Dates(issued, issued, add_years(issued, 2), opens, opens + 45 * DAY)
    if timing == "closed":
        issued = today - (150 + 25 * k) * DAY
        opens = issued + 10 * DAY
        closes = today - (20 + 12 * k) * DAY
        return Dates(issued, issued, add_years(issued, 3), opens, closes)
    if timing == "rolling":
        issued = today - (60 + 45 * k) * DAY
        return Dates(issued, issued, add_years(issued, 3), None, None)
    if timing == "expired":
        issued = today - (520 + 60 * k) * DAY
        until = today - (15 + 40 * k) * DAY
        return Dates(issued, issued, until, issued + 20 * DAY, issued + 110 * DAY)
    if timing == "withdrawn":
        issued = today - (70 + 20 * k) * DAY
        return Dates(
            issued, issued, add_years(issued, 2), issued + 7 * DAY, today + 30 * DAY,
            withdrawn_on=today - (12 + 3 * k) * DAY,
        )  # fmt: skip
    if timing == "draft":
        # The day staff mean to publish it; the document is dated then.
        issued = today - k * DAY
        return Dates(issued, issued, add_years(issued, 2), today + 10 * DAY, today + 70 * DAY)
    raise ValueError(f"unknown timing {timing!r}")


def P(key, departments, issuer, title, timing, topics, **fields) -> PolicySpec:
    return PolicySpec(
        key=key,
        departments=tuple(departments),
        issuer=issuer,
        title=title,
        timing=timing,
        topics=tuple(topics),
        **{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()},
    )


POLICIES = [
    # --- 区发展改革委 ------------------------------------------------------------------------
    P(
        "fgw-private-investment", ["fgw"], "fgw",
        "延庆区鼓励和吸引民间投资参与重点项目建设的若干措施", "open", ["industry", "finance"],
        summary="向民间资本推介一批重点项目，对民营企业投资额500万元以上的产业项目按固定资产投资额给予补助，"
        "并在用地、审批、融资上提供帮办服务。",
        articles=[
            "为激发民间投资活力，推动民营企业参与我区重点项目建设，结合本区实际，制定本措施。",
            "区发展改革委每半年发布一次向民间资本推介项目清单，涵盖冰雪体育、文化旅游、现代农业、新能源等领域。",
            "民营企业在本区投资建设的产业项目，固定资产投资额500万元以上的，按实际完成投资额的3%给予补助，单个项目最高300万元。",
            "纳入推介清单的项目实行“一项目一专班”帮办代办，审批事项并联办理。",
            "本措施自印发之日起施行，有效期两年，由区发展改革委负责解释。",
        ],
        interpretation="这份措施回答了民营企业最关心的两个问题：有哪些项目能投、投了能得到什么支持。"
        "补助按已完成的固定资产投资计算，须在项目备案后申报，以审计或评估报告为准；同一项目不与区级其他固定资产投资补助重复享受。",
        beneficiaries="在延庆区投资建设产业项目的民营企业",
        conditions="项目已备案且位于本区；固定资产投资额不低于500万元；企业无重大违法失信记录",
        benefit="按实际完成固定资产投资额的3%补助，单个项目最高300万元",
        time_to_payment="受理后60个工作日内拨付",
        unchecked=["项目已在投资项目在线审批监管平台备案", "固定资产投资额不低于500万元"],
    ),
    P(
        "fgw-green-upgrade", ["fgw"], "fgw",
        "延庆区工业企业绿色低碳改造项目资金支持办法", "closed", ["green", "industry"],
        summary="支持工业企业实施节能降碳、清洁生产和能源管理系统改造，按项目投资额给予最高30%的资金支持。",
        articles=[
            "本办法所称绿色低碳改造项目，包括节能技术改造、余热余压利用、清洁生产审核后的技改项目和能源管理中心建设。",
            "项目年节能量不低于100吨标准煤，或经清洁生产审核确定的中高费方案已实施完毕。",
            "按项目实际投资额的20%给予支持；列入市级绿色工厂名单的企业提高至30%，单个项目最高200万元。",
            "项目验收由区发展改革委会同区经济和信息化局组织第三方机构开展。",
        ],
        interpretation="本年度集中申报已于窗口期内完成。支持比例取决于企业是否列入绿色工厂名单；"
        "节能量须由第三方机构出具节能量审核报告确认，企业自行测算的数据不作为依据。",
        beneficiaries="在本区注册并从事生产的工业企业",
        conditions="项目已建成并稳定运行3个月以上；年节能量不低于100吨标准煤",
        benefit="项目投资额的20%，绿色工厂30%，单个项目最高200万元",
        time_to_payment="验收合格后90日内拨付",
        industries=["C", "D"],
        unchecked=["项目年节能量不低于100吨标准煤（以第三方审核报告为准）"],
    ),
    P(
        "fgw-ice-snow-industry", ["fgw", "whlyj"], "fgw",
        "延庆区冰雪产业发展专项资金管理办法", "open", ["culture_tourism", "industry"],
        summary="延续冬奥遗产，支持冰雪装备制造、冰雪场地运营、冰雪培训和器材租赁企业发展，分类给予项目补助和运营奖励。",
        articles=[
            "设立冰雪产业发展专项资金，用于支持冰雪装备研发制造、冰雪场地设施运营、青少年冰雪培训和冰雪赛事活动。",
            "冰雪装备制造企业新产品首年销售额超过200万元的，按销售额的5%给予奖励，最高100万元。",
            "滑雪场等冰雪场地雪季接待人次同比增长10%以上的，给予运营奖励30万元至80万元。",
            "面向本区中小学生开展冰雪培训的企业，按实际培训人次每人次50元给予补助。",
        ],
        interpretation="冬奥会后，延庆区把冰雪产业作为重点发展的特色产业。本办法按企业类型分为四项支持，"
        "企业可同时申报多项，但同一事项不得重复享受市、区两级资金。",
        beneficiaries="从事冰雪装备制造、冰雪场地运营、冰雪培训和器材租赁的企业",
        conditions="在本区注册纳税；相关业务已实际开展一个雪季以上",
        benefit="新产品销售奖励最高100万元；运营奖励30万至80万元；培训每人次50元",
        time_to_payment="雪季结束后统一审核，次年5月底前拨付",
        industries=["R89", "C35", "L71", "P83"],
        unchecked=["相关冰雪业务已实际开展一个雪季以上"],
    ),
    P(
        "fgw-service-package", ["fgw", "jxj"], "gov_office",
        "延庆区民营企业服务包工作方案（征求意见稿）", "draft", ["industry"],
        summary="为重点民营企业配备服务管家，每年梳理一次企业诉求清单，实行“接诉、转办、反馈、回访”闭环管理。",
        articles=[
            "区发展改革委、区经济和信息化局会同区工商联，每年确定一批重点民营企业纳入服务包。",
            "每家纳入服务包的企业配备一名服务管家，由行业主管部门干部担任。",
            "企业诉求经服务管家登记后，一般事项5个工作日内答复，复杂事项15个工作日内答复。",
        ],
        interpretation="本方案尚在征求意见，正式印发后将公布服务包企业名单和服务管家联系方式。",
        beneficiaries="纳入服务包的重点民营企业",
        conditions="由行业主管部门推荐，区工商联会员企业优先",
        benefit="专属服务管家、诉求闭环办理",
        time_to_payment="不涉及资金",
        members_only=True,
    ),
    # --- 区财政局 ----------------------------------------------------------------------------
    P(
        "czj-procurement-sme", ["czj"], "czj",
        "延庆区政府采购促进中小企业发展实施办法", "rolling", ["market"],
        summary="政府采购项目预留份额专门面向中小企业，对小微企业报价给予价格扣除，合同预付款比例不低于30%。",
        articles=[
            "采购限额标准以上、200万元以下的货物和服务采购项目，400万元以下的工程采购项目，适宜由中小企业提供的，原则上全部预留给中小企业。",
            "未预留份额的项目，对小微企业报价给予10%至20%的价格扣除，用扣除后的价格参加评审。",
            "面向中小企业采购的合同，预付款比例原则上不低于合同金额的30%。",
            "采购人应在合同约定时间内及时支付款项，不得以机构变动、人员更替、政策调整等为由延迟付款。",
        ],
        interpretation="中小企业参加政府采购时，只需按规定格式出具《中小企业声明函》，无需提供其他证明材料。"
        "企业规模按所属行业的划型标准自行判断，如实声明。",
        beneficiaries="参加本区政府采购活动的中小微企业",
        conditions="提供的货物由中小企业制造，或服务、工程由中小企业承接",
        benefit="预留份额；小微企业价格扣除10%至20%；预付款不低于30%",
        time_to_payment="按采购合同约定付款",
        where_to_apply="北京市政府采购电子交易平台",
        sizes=["medium", "small", "micro"],
    ),
    P(
        "czj-loan-interest", ["czj", "jrb"], "czj",
        "延庆区中小微企业流动资金贷款贴息办法", "open", ["finance"],
        summary="对中小微企业在本区合作银行取得的一年期以内流动资金贷款，按贷款市场报价利率的50%给予贴息，每户每年最高50万元。",
        articles=[
            "本办法支持的贷款为企业在本区合作银行新发放的一年期以内（含一年）流动资金贷款。",
            "按实际支付利息的50%给予贴息，贴息利率不超过同期贷款市场报价利率的50%。",
            "每户企业每年贴息金额不超过50万元。",
            "贷款用于购买理财产品、股权投资或房地产开发的，不予贴息；已享受的，予以追回。",
        ],
        interpretation="贴息按“先付息、后补贴”的方式兑付：企业正常还本付息后，凭银行出具的付息凭证申报。"
        "合作银行名单在区金融办网站公布，目前共12家。",
        beneficiaries="在本区合作银行取得流动资金贷款的中小微企业",
        conditions="贷款已按期付息；无逾期和不良记录；贷款资金用于生产经营",
        benefit="实际付息额的50%，每户每年最高50万元",
        time_to_payment="每季度集中审核一次，审核后30日内拨付",
        sizes=["medium", "small", "micro"],
        unchecked=["贷款资金用于企业生产经营", "申报期内无逾期和不良贷款记录"],
    ),
    P(
        "czj-first-set-insurance", ["czj", "jxj"], "czj",
        "延庆区首台（套）重大技术装备保险补偿实施细则", "closed", ["technology", "industry"],
        summary="企业生产的首台（套）重大技术装备投保综合险的，按实际保费的80%给予补偿，单个产品最高150万元。",
        articles=[
            "首台（套）重大技术装备，是指列入国家或北京市首台（套）重大技术装备推广应用指导目录、在本区生产的装备产品。",
            "企业为首台（套）装备投保质量、责任综合险的，按年度实际保费的80%给予补偿。",
            "同一装备补偿期限不超过三年，单个产品年度补偿金额不超过150万元。",
        ],
        interpretation="本年度申报已截止，下一批次预计在明年二季度开放。企业应在投保后及时留存保险合同和保费发票。",
        beneficiaries="在本区生产首台（套）重大技术装备的制造企业",
        conditions="产品列入国家或北京市首台（套）推广应用指导目录；已投保综合险",
        benefit="实际保费的80%，单个产品每年最高150万元",
        time_to_payment="审核通过后60日内拨付",
        industries=["C34", "C35", "C38", "C39", "C40"],
        unchecked=["产品列入国家或北京市首台（套）重大技术装备推广应用指导目录"],
    ),
    P(
        "czj-expo-subsidy", ["czj", "scjg"], "czj",
        "延庆区支持企业参加国内外重点展会补贴办法", "expired", ["market"],
        summary="企业参加区政府组织或推荐的重点展会，按展位费的70%给予补贴，每户每年最高20万元。",
        articles=[
            "区商务、文旅、农业等主管部门每年初公布重点展会目录。",
            "企业参加目录内展会的，按实际展位费的70%给予补贴；境外展会另补贴一名参展人员的往返交通费。",
            "每户企业每年补贴总额不超过20万元。",
        ],
        interpretation="本办法已到期，新的展会支持政策并入《延庆区支持民营经济高质量发展若干措施》。",
        beneficiaries="参加重点展会的本区企业",
        conditions="参加目录内展会；展位以本企业名义租用",
        benefit="展位费的70%，每户每年最高20万元",
        time_to_payment="展会结束后集中审核，90日内拨付",
    ),
    # --- 区人力社保局 ------------------------------------------------------------------------
    P(
        "rsj-stable-jobs", ["rsj"], "rsj",
        "延庆区失业保险稳岗返还“免申即享”实施方案", "rolling", ["employment"],
        summary="参保企业上年度未裁员或裁员率不高于规定比例的，由系统比对数据后直接返还部分失业保险费，无需企业申请。",
        articles=[
            "稳岗返还实行“免申即享”，由人力社保部门依据参保和缴费数据筛选符合条件的企业，经公示后直接拨付至企业账户。",
            "中小微企业按上年度实际缴纳失业保险费的60%返还，大型企业按30%返还。",
            "上年度未裁员或裁员率不高于城镇调查失业率控制目标；参保职工30人以下的企业，裁员率不高于参保职工总数的20%。",
            "企业对筛选结果有异议的，可在公示期内向区人力社保局提出。",
        ],
        interpretation="企业不需要提交任何材料。拨付前会在区政府网站公示名单，请企业核对对公账户信息是否有效。"
        "裁员率由系统按参保人数变化计算，企业也可自行比对。",
        beneficiaries="在本区依法参加失业保险并足额缴费的企业",
        conditions="上年度足额缴纳失业保险费；裁员率不高于规定比例",
        benefit="中小微企业返还上年度失业保险费的60%，大型企业30%",
        time_to_payment="公示结束后15个工作日内直接拨付",
        where_to_apply="无需申请，系统比对后直接拨付",
        unchecked=["上年度足额缴纳失业保险费12个月以上", "上年度裁员率不高于规定比例"],
    ),
    P(
        "rsj-graduate-hiring", ["rsj"], "rsj",
        "延庆区小微企业吸纳高校毕业生就业社会保险补贴", "closing", ["employment", "talent"],
        summary="小微企业招用毕业年度或离校两年内未就业的高校毕业生，签订一年以上劳动合同并缴纳社保的，给予最长一年的社会保险补贴。",
        articles=[
            "小微企业新招用毕业年度或离校两年内未就业的高校毕业生，签订一年以上劳动合同并按规定缴纳社会保险费的，可申请社会保险补贴。",
            "补贴标准为单位实际缴纳的基本养老、基本医疗和失业保险费，不含个人缴纳部分。",
            "补贴期限最长不超过一年，每季度申报一次。",
        ],
        interpretation="本季度申报即将截止，请已招用毕业生的企业抓紧提交劳动合同和缴费明细。"
        "毕业生须为首次在本区就业，曾在其他单位参保的不属于补贴范围。",
        beneficiaries="招用高校毕业生的小微企业",
        conditions="签订一年以上劳动合同；按月足额缴纳社会保险费",
        benefit="单位缴纳的养老、医疗、失业保险费，最长一年",
        time_to_payment="每季度审核一次，审核后20个工作日内拨付",
        sizes=["small", "micro"],
        unchecked=["招用的毕业生为毕业年度或离校两年内未就业人员", "已签订一年以上劳动合同"],
    ),
    P(
        "rsj-skills-training", ["rsj"], "rsj",
        "延庆区企业职工职业技能提升培训补贴办法", "rolling", ["employment", "talent"],
        summary="企业组织职工参加职业技能培训并取得职业资格证书或技能等级证书的，按证书等级给予每人800元至3000元补贴。",
        articles=[
            "企业自主组织或委托培训机构开展的职业技能培训，培训后职工取得职业资格证书、职业技能等级证书或专项职业能力证书的，给予补贴。",
            "补贴标准：初级工每人800元，中级工1500元，高级工2000元，技师及以上3000元。",
            "冰雪运营、民宿管家、葡萄酒酿造等本区紧缺工种，补贴标准上浮20%。",
            "同一职工同一年度只能享受一次培训补贴。",
        ],
        interpretation="培训补贴常年受理，企业在职工取得证书后三个月内申报即可。紧缺工种目录每年初更新。",
        beneficiaries="在本区参保的企业及其职工",
        conditions="职工在本企业参保；已取得相应证书",
        benefit="每人800元至3000元，紧缺工种上浮20%",
        time_to_payment="受理后30个工作日内拨付",
    ),
    P(
        "rsj-talent-housing", ["rsj", "zjw"], "rsj",
        "延庆区重点企业人才引进和住房保障办法", "upcoming", ["talent"],
        summary="高新技术企业和专精特新企业引进的紧缺人才，可申请人才公寓或每月最高3000元租房补贴，连续享受三年。",
        articles=[
            "本办法所称重点企业，是指有效期内的高新技术企业和专精特新中小企业。",
            "重点企业引进的具有硕士以上学位或高级职称的人才，可申请入住人才公寓，租金按市场价的50%收取。",
            "未入住人才公寓的，给予每月最高3000元的租房补贴，连续享受不超过三年。",
            "每家企业每年申请名额不超过10个。",
        ],
        interpretation="首批申报窗口即将开放。企业资质以本平台中经工作人员核验、在有效期内的资质为准，请提前在企业信息中申报资质。",
        beneficiaries="高新技术企业、专精特新中小企业引进的人才",
        conditions="人才与企业签订三年以上劳动合同；在本区无自有住房",
        benefit="人才公寓租金减半，或每月最高3000元租房补贴",
        time_to_payment="按季度发放",
        industries=["C", "I", "M"],
        qualifications=["high_tech", "specialised"],
        unchecked=["引进人才具有硕士以上学位或高级职称", "人才在本区无自有住房"],
    ),
    P(
        "rsj-rural-jobs", ["rsj", "nyncj"], "rsj",
        "延庆区吸纳农村劳动力就业岗位补贴办法", "expired", ["employment", "agriculture"],
        summary="山区乡镇企业吸纳本区农村劳动力就业并缴纳社保的，按每人每月500元给予岗位补贴。",
        articles=[
            "在本区山区乡镇注册经营的企业，新招用本区农村劳动力并签订一年以上劳动合同的，给予岗位补贴。",
            "补贴标准为每人每月500元，期限最长三年。",
            "享受补贴期间劳动关系解除的，自解除次月起停止发放。",
        ],
        interpretation="本办法已到期，相关支持已纳入新一轮就业促进政策。",
        beneficiaries="山区乡镇的企业",
        conditions="招用本区农业户籍劳动力；签订一年以上劳动合同",
        benefit="每人每月500元，最长三年",
        time_to_payment="按季度发放",
        industries=["A", "H", "R"],
        townships=RURAL,
    ),
    # --- 区规划自然资源分局 ------------------------------------------------------------------
    P(
        "ghzrzy-flexible-land", ["ghzrzy"], "ghzrzy",
        "延庆区工业用地弹性年期出让和先租后让实施办法", "rolling", ["land"],
        summary="新供工业用地出让年期一般不超过20年，可采取先租后让方式供应，降低制造企业初期用地成本。",
        articles=[
            "新供应的工业用地实行弹性年期出让，出让年期一般不超过20年，最长不超过50年。",
            "对符合产业方向的项目，可先以租赁方式供地，租期不超过5年；项目按约定投产、达产的，转为出让。",
            "租赁期间的租金可抵减转为出让时应缴的土地出让价款。",
            "项目未按约定投产的，租赁期满收回土地。",
        ],
        interpretation="弹性年期和先租后让都是为了让企业“少花钱先拿地”，用地成本按年期折算。"
        "企业在项目洽谈阶段即可向规划自然资源分局咨询供地方式。",
        beneficiaries="在本区新建项目的制造企业",
        conditions="项目符合本区产业准入目录；签订投资监管协议",
        benefit="出让价款按年期折算；先租后让租金可抵减出让价款",
        time_to_payment="不涉及资金拨付",
        where_to_apply="区规划自然资源分局用地科",
        industries=["C"],
        unchecked=["项目符合本区产业准入目录"],
    ),
    P(
        "ghzrzy-homestay", ["ghzrzy", "whlyj"], "ghzrzy",
        "延庆区利用闲置农宅发展精品民宿规划用地指引", "open", ["land", "culture_tourism"],
        summary="明确利用农村闲置宅院发展民宿的规划条件、建筑风貌和办理流程，对列入试点村的项目实行规划手续并联办理。",
        articles=[
            "利用闲置农宅发展民宿，应在村庄规划确定的建设用地范围内进行，不得新增宅基地。",
            "改造后的建筑高度不超过两层，风貌与村庄整体风貌协调。",
            "列入民宿试点村的项目，规划意见、消防、卫生等手续并联办理，办理时限不超过20个工作日。",
        ],
        interpretation="本年度试点村申报正在进行。民宿经营企业与村集体或农户签订租赁合同后，可由村集体统一申报。",
        beneficiaries="在山区乡镇利用闲置农宅经营民宿的企业",
        conditions="项目位于村庄规划建设用地范围内；已与农户或村集体签订租赁合同",
        benefit="规划手续并联办理，20个工作日内办结",
        time_to_payment="不涉及资金",
        industries=["H61"],
        townships=RURAL,
        unchecked=["项目所在村已列入民宿试点村"],
    ),
    P(
        "ghzrzy-land-efficiency", ["ghzrzy", "jxj"], "ghzrzy",
        "延庆区存量工业用地提容增效实施细则", "closed", ["land", "industry"],
        summary="企业在自有工业用地上新建、扩建厂房提高容积率的，不再增收土地价款，并对亩均税收增长的企业给予奖励。",
        articles=[
            "企业在自有工业用地上提高容积率的，经批准后不再增收土地价款。",
            "改造完成后两年内亩均税收增长30%以上的，按新增建筑面积每平方米100元给予奖励。",
            "申请企业须取得土地使用权满三年。",
        ],
        interpretation="本批次申报已结束。奖励以改造完成后两年的税收数据核算，企业可在申报前咨询区税务局确认亩均税收口径。",
        beneficiaries="拥有自有工业用地的制造企业",
        conditions="取得土地使用权满三年；改造方案经规划审批",
        benefit="不增收土地价款；新增建筑面积每平方米100元奖励",
        time_to_payment="验收和税收核算后拨付",
        industries=["C"],
        min_years=3,
    ),
    P(
        "ghzrzy-temporary-land", ["ghzrzy"], "ghzrzy",
        "关于进一步规范临时用地管理的通知", "withdrawn", ["land"],
        summary="规范建设项目临时用地的审批、使用期限和复垦要求。",
        articles=[
            "临时用地使用期限一般不超过两年，不得修建永久性建筑物。",
            "临时用地期满后一年内完成土地复垦。",
        ],
        interpretation="本通知因上位规定调整已撤回，以市级新规定为准。",
        beneficiaries="使用临时用地的建设单位",
        conditions="按规定办理临时用地审批",
        benefit="不涉及资金",
        time_to_payment="不涉及资金",
        industries=["E"],
    ),
    # --- 区市场监管局 ------------------------------------------------------------------------
    P(
        "scjg-standards", ["scjg"], "scjg",
        "延庆区实施标准化战略资助办法", "closed", ["technology"],
        summary="企业主导或参与制定国际标准、国家标准、行业标准和团体标准的，按标准级别给予5万元至50万元资助。",
        articles=[
            "企业主导制定国际标准的，每项资助50万元；国家标准每项30万元；行业标准和地方标准每项15万元；团体标准每项5万元。",
            "企业参与制定（排名前三）的，按主导制定标准的50%资助。",
            "同一标准只资助排名最靠前的一家本区企业。",
        ],
        interpretation="本年度申报已截止，明年申报时以标准正式发布日期在上一年度内为准。",
        beneficiaries="主导或参与制定标准的本区企业",
        conditions="标准已正式发布；企业为主导或前三名参与单位",
        benefit="5万元至50万元",
        time_to_payment="审核通过后60日内拨付",
        industries=["C", "I", "M"],
        unchecked=["标准已于上一年度正式发布"],
    ),
    P(
        "scjg-geographical-mark", ["scjg", "nyncj"], "scjg",
        "延庆区商标品牌和地理标志培育扶持措施", "closing", ["market", "agriculture"],
        summary="支持企业使用“延庆葡萄”“延庆国光苹果”等地理标志，对新获准使用地理标志专用标志的企业一次性奖励3万元。",
        articles=[
            "企业新获准使用地理标志专用标志的，一次性奖励3万元。",
            "企业商标新认定为驰名商标的，一次性奖励50万元。",
            "在境外注册商标的，按实际注册费用的50%补贴，每件最高1万元。",
        ],
        interpretation="本年度申报将于近日截止。地理标志使用须先经市场监管部门核准，已核准的企业凭核准文件申报。",
        beneficiaries="从事农产品种植、加工的企业和合作社",
        conditions="已获准使用地理标志专用标志，或商标已被认定",
        benefit="地理标志3万元；驰名商标50万元；境外注册费用50%",
        time_to_payment="审核通过后30个工作日内拨付",
        industries=["A01", "C13", "C15"],
    ),
    P(
        "scjg-time-honoured", ["scjg", "jxj"], "scjg",
        "延庆区老字号传承创新发展支持办法", "open", ["market", "culture_tourism"],
        summary="支持老字号企业开展技艺传承、门店改造和品牌推广，按项目投入给予最高50万元支持。",
        articles=[
            "本办法支持的企业为被认定为中华老字号或北京老字号的本区企业。",
            "老字号企业开展传统技艺传承人培养、门店升级改造、品牌数字化推广的，按项目实际投入的30%给予支持，最高50万元。",
            "老字号企业参加区内文旅消费活动的，优先安排展位。",
        ],
        interpretation="老字号资质须在本平台的企业资质中申报并经工作人员核验。门店改造项目须在申报前开工。",
        beneficiaries="本区老字号企业",
        conditions="持有有效的老字号认定；项目已实施",
        benefit="项目投入的30%，最高50万元",
        time_to_payment="审核通过后60日内拨付",
        qualifications=["time_honoured"],
    ),
    P(
        "scjg-food-workshop", ["scjg"], "scjg",
        "延庆区食品生产小作坊规范提升补助办法", "expired", ["industry"],
        summary="对完成规范提升改造并取得登记证的食品生产小作坊，一次性补助2万元。",
        articles=[
            "食品生产小作坊按照规范要求完成场所改造、设备更新的，一次性补助2万元。",
            "补助须在取得小作坊登记证后六个月内申请。",
        ],
        interpretation="本办法已到期。",
        beneficiaries="食品生产小作坊",
        conditions="取得小作坊登记证",
        benefit="一次性补助2万元",
        time_to_payment="审核后30日内拨付",
        industries=["C13", "C14"],
        sizes=["micro"],
    ),
    # --- 区税务局 ----------------------------------------------------------------------------
    P(
        "swj-small-low-profit", ["swj"], "swj",
        "小型微利企业所得税优惠政策（延庆区“免申即享”办理指引）", "rolling", ["tax"],
        summary="小型微利企业年应纳税所得额不超过300万元的部分，减按25%计入应纳税所得额，按20%的税率缴纳企业所得税；申报纳税时系统自动享受。",
        articles=[
            "小型微利企业是指从事国家非限制和禁止行业，年度应纳税所得额不超过300万元、从业人数不超过300人、资产总额不超过5000万元的企业。",
            "企业在预缴和汇算清缴时，通过填写纳税申报表即可享受优惠，无需另行备案。",
            "区税务局依据申报数据对符合条件但未享受的企业逐户提醒。",
        ],
        interpretation="优惠由电子税务局在申报时自动判断，企业只需如实填报从业人数和资产总额。"
        "本平台中的“小型微利企业”资质以企业上年度汇算清缴结果为准，由工作人员核验。",
        beneficiaries="小型微利企业",
        conditions="年应纳税所得额不超过300万元；从业人数不超过300人；资产总额不超过5000万元",
        benefit="实际税负5%",
        time_to_payment="申报纳税时直接减免",
        where_to_apply="电子税务局申报时自动享受",
        qualifications=["small_low_profit"],
    ),
    P(
        "swj-rd-deduction", ["swj", "jxj"], "swj",
        "研发费用税前加计扣除政策（延庆区办理指引）", "rolling", ["tax", "technology"],
        summary="企业开展研发活动实际发生的研发费用，在按规定据实扣除的基础上，再按实际发生额的100%在税前加计扣除。",
        articles=[
            "企业开展研发活动中实际发生的研发费用，未形成无形资产计入当期损益的，在据实扣除的基础上再按实际发生额的100%加计扣除。",
            "形成无形资产的，按无形资产成本的200%在税前摊销。",
            "企业可在10月份预缴申报时选择就前三季度研发费用享受加计扣除。",
        ],
        interpretation="关键是研发费用的单独归集：企业应设置研发支出辅助账，区税务局可提供辅导。",
        beneficiaries="开展研发活动的企业（烟草、住宿餐饮、批发零售、房地产、租赁商务服务、娱乐业除外）",
        conditions="会计核算健全；研发费用单独归集",
        benefit="研发费用100%加计扣除",
        time_to_payment="汇算清缴时享受",
        where_to_apply="电子税务局申报时享受",
        industries=["C", "I", "M"],
        unchecked=["设置研发支出辅助账，研发费用单独归集"],
    ),
    P(
        "swj-vat-refund", ["swj", "czj"], "swj",
        "增值税期末留抵退税政策（延庆区办理指引）", "open", ["tax", "finance"],
        summary="符合条件的企业可申请退还增量留抵税额，制造业等行业可按月申请全额退还存量和增量留抵税额。",
        articles=[
            "纳税信用等级为A级或B级，申请退税前36个月未发生骗取留抵退税、出口退税或虚开增值税专用发票情形的企业，可申请退还留抵税额。",
            "制造业、科学研究和技术服务业、软件和信息技术服务业等行业企业，可按月申请全额退还增量留抵税额。",
            "区税务局对退税申请实行快速审核，资料齐全的10个工作日内办结。",
        ],
        interpretation="本期集中辅导正在进行，区税务局为有留抵税额的企业提供一对一测算。纳税信用等级可在电子税务局查询。",
        beneficiaries="有留抵税额的增值税一般纳税人",
        conditions="纳税信用A级或B级；36个月内无骗税、虚开情形",
        benefit="退还增量或存量留抵税额",
        time_to_payment="资料齐全的10个工作日内退还",
        where_to_apply="电子税务局或区税务局办税服务厅",
        unchecked=["纳税信用等级为A级或B级", "申请前36个月内无骗取退税、虚开发票情形"],
    ),
    P(
        "swj-six-taxes", ["swj"], "swj",
        "小微企业“六税两费”减征政策（延庆区办理指引）", "expired", ["tax"],
        summary="小型微利企业和个体工商户的资源税、城市维护建设税、房产税、城镇土地使用税、印花税、耕地占用税和教育费附加、地方教育附加减半征收。",
        articles=[
            "对小型微利企业、个体工商户减半征收“六税两费”。",
            "纳税人申报时自行判断是否符合条件，符合的在申报表中勾选即可享受。",
        ],
        interpretation="本指引对应的政策执行期已结束，后续政策以国家最新规定为准。",
        beneficiaries="小型微利企业和个体工商户",
        conditions="符合小型微利企业条件",
        benefit="“六税两费”减半征收",
        time_to_payment="申报时直接减免",
        where_to_apply="电子税务局",
        sizes=["small", "micro"],
    ),
    # --- 区住房城乡建设委 --------------------------------------------------------------------
    P(
        "zjw-prefab", ["zjw"], "zjw",
        "延庆区装配式建筑和绿色施工奖励办法", "closed", ["industry", "green"],
        summary="建筑业企业承建的项目装配率达到50%以上的，按建筑面积每平方米80元给予奖励，单个项目最高200万元。",
        articles=[
            "在本区承建的房屋建筑项目，装配率达到50%以上的，按建筑面积每平方米80元给予奖励。",
            "装配率达到70%以上或采用超低能耗建筑技术的，奖励标准提高至每平方米120元。",
            "单个项目奖励最高200万元，奖励资金由施工总承包企业申请。",
        ],
        interpretation="本年度申报已结束。装配率以施工图审查和竣工验收时的装配率计算书为准。",
        beneficiaries="在本区承建房屋建筑项目的建筑业企业",
        conditions="项目已竣工验收；装配率达到50%以上",
        benefit="每平方米80元至120元，单个项目最高200万元",
        time_to_payment="竣工验收后90日内拨付",
        industries=["E47", "E48"],
        unchecked=["项目装配率达到50%以上"],
    ),
    P(
        "zjw-building-energy", ["zjw", "fgw"], "zjw",
        "延庆区既有公共建筑节能绿色化改造补助办法", "closed", ["green"],
        summary="对实施外墙保温、供热计量、光伏一体化等节能改造的既有公共建筑，按改造面积给予每平方米最高100元补助。",
        articles=[
            "改造后综合节能率达到15%以上的既有公共建筑，按改造面积每平方米50元给予补助。",
            "综合节能率达到25%以上的，补助提高至每平方米100元。",
            "补助资金由建筑产权单位申请，施工企业协助提供资料。",
        ],
        interpretation="本批次申报已截止。节能率以第三方机构出具的节能量审核报告为准。",
        beneficiaries="既有公共建筑的产权单位及承担改造的建筑企业",
        conditions="改造后综合节能率15%以上",
        benefit="每平方米50元至100元",
        time_to_payment="验收后90日内拨付",
        industries=["E"],
    ),
    P(
        "zjw-wage-guarantee", ["zjw", "rsj"], "zjw",
        "延庆区农民工工资保证金差异化缴存办法", "rolling", ["finance"],
        summary="施工企业连续三年未发生拖欠农民工工资的，工资保证金缴存比例降低50%；可用银行保函替代现金缴存。",
        articles=[
            "施工总承包企业在本区承建工程，应按合同额的一定比例存储农民工工资保证金。",
            "在本区连续三年未发生拖欠农民工工资情形的企业，保证金缴存比例降低50%；连续五年的，免于缴存。",
            "企业可以银行保函替代现金缴存。",
        ],
        interpretation="差异化缴存由主管部门依据欠薪记录自动核定，企业申请开工时即可享受。",
        beneficiaries="在本区承建工程的施工企业",
        conditions="成立满三年；三年内无拖欠农民工工资记录",
        benefit="保证金缴存比例降低50%或免于缴存",
        time_to_payment="不涉及资金拨付",
        where_to_apply="区住房城乡建设委建筑业管理科",
        industries=["E"],
        min_years=3,
        unchecked=["在本区连续三年未发生拖欠农民工工资情形"],
    ),
    P(
        "zjw-talent-rental", ["zjw"], "zjw",
        "延庆区人才租赁住房配租办法（草案）", "draft", ["talent", "land"],
        summary="面向区内重点企业人才筹集租赁住房，按市场租金的70%配租。",
        articles=[
            "区住房城乡建设委会同区人力社保局筹集人才租赁住房。",
            "重点企业可为引进人才申请配租，租金为市场租金的70%。",
        ],
        interpretation="草案尚未印发。",
        beneficiaries="重点企业引进的人才",
        conditions="由企业统一申请",
        benefit="市场租金的70%",
        time_to_payment="不涉及资金",
    ),
    # --- 区农业农村局 ------------------------------------------------------------------------
    P(
        "nyncj-facility-agriculture", ["nyncj"], "nyncj",
        "延庆区设施农业提升改造项目资金支持办法", "open", ["agriculture"],
        summary="支持农业企业和合作社改造老旧温室大棚、建设智能温室和水肥一体化设施，按投资额给予30%至50%补助。",
        articles=[
            "老旧日光温室、塑料大棚提升改造的，按实际投资额的50%补助，每亩最高3万元。",
            "新建智能温室的，按实际投资额的30%补助，单个项目最高200万元。",
            "建设水肥一体化、环境监测等智能化设施的，按投资额的40%补助。",
            "项目建成后须持续从事农业生产五年以上。",
        ],
        interpretation="补助对象包括农业企业和农民专业合作社。项目须符合设施农业用地管理规定，申报时附乡镇出具的用地意见。",
        beneficiaries="从事设施种植的农业企业和农民专业合作社",
        conditions="项目符合设施农业用地规定；建成后持续生产五年以上",
        benefit="投资额的30%至50%，单个项目最高200万元",
        time_to_payment="验收合格后60日内拨付",
        industries=["A01"],
        unchecked=["项目已取得乡镇出具的设施农业用地意见"],
    ),
    P(
        "nyncj-leisure-agriculture", ["nyncj", "whlyj"], "nyncj",
        "延庆区休闲农业和乡村旅游精品线路扶持办法", "open", ["agriculture", "culture_tourism"],
        summary="对山区乡镇开展采摘、农事体验、乡村旅游的经营主体，按年度接待人次和新建设施给予奖励，单个主体最高30万元。",
        articles=[
            "在山区乡镇经营采摘园、休闲农庄、乡村旅游项目的企业和合作社，年接待游客1万人次以上的，奖励5万元；5万人次以上的，奖励15万元。",
            "新建游客服务中心、停车场、公共卫生间等配套设施的，按投资额的30%补助，最高15万元。",
            "纳入区级乡村旅游精品线路的经营主体，由区文化和旅游局统一宣传推广。",
        ],
        interpretation="接待人次以景区票务系统或乡镇核实的台账为准。企业和合作社均可申报，同一经营场所只能由一个主体申报。",
        beneficiaries="山区乡镇的休闲农业和乡村旅游经营主体",
        conditions="在山区乡镇实际经营；年接待游客1万人次以上",
        benefit="接待奖励5万至15万元；设施补助最高15万元",
        time_to_payment="审核通过后60日内拨付",
        industries=["A", "H", "R90"],
        townships=RURAL,
        unchecked=["年接待游客1万人次以上"],
    ),
    P(
        "nyncj-cooperative", ["nyncj"], "nyncj",
        "延庆区农民专业合作社示范社奖励办法", "closed", ["agriculture"],
        summary="新评为国家级、市级、区级示范社的农民专业合作社，分别一次性奖励20万元、10万元、5万元。",
        articles=[
            "对新评定为国家级示范社的农民专业合作社，一次性奖励20万元；市级10万元；区级5万元。",
            "奖励资金用于合作社生产设施建设、品牌建设和社员培训。",
            "同一合作社按最高级别奖励，不重复享受。",
        ],
        interpretation="本年度申报已截止，示范社名单以当年公布的评定文件为准。",
        beneficiaries="农民专业合作社",
        conditions="当年新评为区级以上示范社",
        benefit="5万元至20万元",
        time_to_payment="审核后30个工作日内拨付",
        industries=["A"],
        unchecked=["当年新评为区级以上示范社"],
    ),
    P(
        "nyncj-grape-wine", ["nyncj", "jxj"], "nyncj",
        "延庆区葡萄及葡萄酒产业高质量发展扶持措施", "upcoming", ["agriculture", "industry"],
        summary="支持张山营、旧县、永宁等葡萄产区的种植基地和酒庄建设，对新建标准化葡萄园和酒庄技改给予补助。",
        articles=[
            "新建标准化酿酒葡萄园50亩以上的，每亩补助2000元。",
            "酒庄实施发酵、灌装等设备技术改造的，按投资额的30%补助，最高100万元。",
            "酒庄获得国际葡萄酒大赛金奖的，每个奖项奖励5万元。",
        ],
        interpretation="申报窗口将于近期开放。葡萄园面积以乡镇核实的种植面积为准。",
        beneficiaries="葡萄产区的种植企业、合作社和酒庄",
        conditions="基地或酒庄位于张山营镇、旧县镇、永宁镇或香营乡",
        benefit="每亩2000元；技改最高100万元；获奖每项5万元",
        time_to_payment="验收后60日内拨付",
        industries=["A01", "C15"],
        townships=["103", "104", "105", "202"],
    ),
    P(
        "nyncj-agri-insurance", ["nyncj", "czj"], "nyncj",
        "延庆区政策性农业保险保费补贴实施方案", "expired", ["agriculture", "finance"],
        summary="对种植业、养殖业政策性农业保险给予保费补贴，农户和农业经营主体自缴比例不超过20%。",
        articles=[
            "政策性农业保险保费由市、区两级财政补贴80%，投保主体自缴20%。",
            "果树、设施农业等特色险种，区级财政再补贴10%。",
        ],
        interpretation="本方案执行期已结束，新一轮方案由市级统一印发。",
        beneficiaries="农户和农业经营主体",
        conditions="在本区从事农业生产",
        benefit="保费补贴80%至90%",
        time_to_payment="投保时直接抵扣",
        industries=["A"],
    ),
    # --- 区文化和旅游局 ----------------------------------------------------------------------
    P(
        "whlyj-homestay", ["whlyj"], "whlyj",
        "延庆区精品民宿评定和奖励办法", "open", ["culture_tourism"],
        summary="新评定为市级或区级精品民宿的，分别一次性奖励10万元、5万元；民宿集群建设公共服务设施的，给予补助。",
        articles=[
            "经评定为北京市等级民宿的，甲级奖励10万元，乙级奖励5万元。",
            "同一村5家以上精品民宿形成集群的，对建设公共接待、停车等设施的，按投资额的40%补助，最高50万元。",
            "民宿经营者参加区级管家培训的，培训费用全额补贴。",
        ],
        interpretation="本年度精品民宿评定正在受理。评定由区文化和旅游局组织专家现场检查，申报前须已取得营业执照和特种行业许可证。",
        beneficiaries="民宿经营企业",
        conditions="证照齐全；正常经营一年以上",
        benefit="甲级10万元，乙级5万元；集群设施最高50万元",
        time_to_payment="评定结果公布后60日内拨付",
        industries=["H61"],
        min_years=1,
        unchecked=["已取得特种行业许可证"],
    ),
    P(
        "whlyj-consumption-season", ["whlyj", "jxj"], "whlyj",
        "延庆区冰雪文旅消费季合作商户招募和补贴办法", "closing", ["culture_tourism", "market"],
        summary="招募滑雪场、景区、酒店民宿、餐饮和零售商户参加冰雪文旅消费季，对核销的消费券按面额给予商户补贴。",
        articles=[
            "消费季期间发放的文旅消费券，可在合作商户核销，每张核销券按面额的100%由区财政与商户结算。",
            "合作商户须承诺在消费季期间不提高商品和服务价格。",
            "中小微商户参加消费季的，免收平台服务费。",
        ],
        interpretation="合作商户招募即将截止，逾期报名的商户将纳入下一期。报名后由区文化和旅游局统一为商户开通核销账号。",
        beneficiaries="文旅、住宿餐饮和零售中小微商户",
        conditions="在本区经营；承诺消费季期间不涨价",
        benefit="核销消费券按面额结算；免收平台服务费",
        time_to_payment="每半月结算一次",
        industries=["H", "R", "F52"],
        sizes=["small", "micro"],
    ),
    P(
        "whlyj-great-wall", ["whlyj"], "whlyj",
        "延庆区长城文化带文创产品开发扶持办法", "closed", ["culture_tourism"],
        summary="支持企业以八达岭长城、岔道古城等文化资源开发文创产品，对获奖和销售业绩突出的产品给予奖励。",
        articles=[
            "以本区长城文化资源为主题开发的文创产品，年销售额超过50万元的，奖励5万元；超过200万元的，奖励20万元。",
            "文创产品在市级以上设计大赛获奖的，每件奖励3万元。",
            "文创企业入驻区文创园区的，三年内房租减半。",
        ],
        interpretation="本年度申报已截止。产品主题须与长城文化相关，由专家评审认定。",
        beneficiaries="文化创意企业",
        conditions="产品以长城文化为主题；已上市销售",
        benefit="销售奖励5万至20万元；获奖每件3万元；房租减半",
        time_to_payment="评审后60日内拨付",
        industries=["R", "C41"],
    ),
    P(
        "whlyj-travel-agency", ["whlyj"], "whlyj",
        "延庆区旅行社引客入延奖励办法", "closed", ["culture_tourism"],
        summary="旅行社组织外地游客到延庆住宿过夜的，按过夜游客人次给予奖励。",
        articles=[
            "旅行社组织区外游客在本区住宿一晚以上的，每人次奖励30元。",
            "单家旅行社年度奖励最高50万元。",
        ],
        interpretation="本年度申报已截止。人次以住宿单位登记信息为准。",
        beneficiaries="旅行社",
        conditions="组织区外游客在本区住宿过夜",
        benefit="每人次30元，最高50万元",
        time_to_payment="年度审核后拨付",
        industries=["L72"],
    ),
    P(
        "whlyj-performances", ["whlyj"], "whlyj",
        "延庆区营业性演出活动补贴办法", "withdrawn", ["culture_tourism"],
        summary="对在本区举办的营业性演出给予场租补贴。",
        articles=["在本区举办营业性演出的，按场租的30%给予补贴。"],
        interpretation="本办法已撤回，将与文旅消费政策整合后重新发布。",
        beneficiaries="演出经营企业",
        conditions="演出已报批",
        benefit="场租的30%",
        time_to_payment="演出后60日内拨付",
        industries=["R"],
    ),
    # --- 区经济和信息化局 --------------------------------------------------------------------
    P(
        "jxj-specialised", ["jxj"], "jxj",
        "延庆区促进专精特新中小企业高质量发展奖励办法", "open", ["industry", "technology"],
        summary="对新认定的国家级专精特新“小巨人”企业和北京市专精特新中小企业分别奖励50万元和20万元，并给予研发投入补助。",
        articles=[
            "新认定为国家级专精特新“小巨人”企业的，一次性奖励50万元；新认定为北京市专精特新中小企业的，一次性奖励20万元。",
            "专精特新企业年度研发投入同比增长20%以上的，按增量部分的10%给予补助，最高100万元。",
            "专精特新企业优先推荐纳入区级服务包，享受融资、人才和用地服务。",
        ],
        interpretation="奖励按认定文件发布年度申报。资质以本平台中经核验、在有效期内的专精特新或“小巨人”资质为准；研发投入以税务申报的研发费用为准。",
        beneficiaries="专精特新中小企业和专精特新“小巨人”企业",
        conditions="资质在有效期内；在本区注册纳税",
        benefit="小巨人50万元，专精特新20万元；研发增量补助最高100万元",
        time_to_payment="审核通过后60日内拨付",
        qualifications=["specialised", "little_giant"],
    ),
    P(
        "jxj-digital", ["jxj"], "jxj",
        "延庆区中小企业数字化转型补贴办法", "open", ["technology", "industry"],
        summary="中小企业采购数字化服务商的云服务、工业软件和智能化改造服务的，按合同金额的40%给予补贴，最高50万元。",
        articles=[
            "中小企业向入库数字化服务商采购云服务、工业软件、数字化诊断和改造服务的，按合同实付金额的40%给予补贴。",
            "单个企业补贴最高50万元，首次开展数字化诊断的另给予1万元诊断补贴。",
            "数字化服务商资源池名单由区经济和信息化局公布。",
        ],
        interpretation="先诊断、后改造：企业可先免费申请一次数字化诊断，根据诊断报告选择改造项目。补贴按合同实付金额计算。",
        beneficiaries="制造、商贸、物流和信息服务领域的中小企业",
        conditions="与资源池内服务商签订合同；项目已实施并付款",
        benefit="合同实付金额的40%，最高50万元",
        time_to_payment="审核通过后60日内拨付",
        industries=["C", "F", "G", "I"],
        sizes=["medium", "small", "micro"],
        unchecked=["服务商在区级数字化服务商资源池内"],
    ),
    P(
        "jxj-high-tech", ["jxj", "fgw"], "jxj",
        "延庆区高新技术企业认定和培育奖励办法", "closing", ["technology"],
        summary="首次认定为高新技术企业的奖励30万元，重新认定的奖励10万元；迁入本区的高新技术企业奖励50万元。",
        articles=[
            "首次通过高新技术企业认定的，一次性奖励30万元；重新认定的，奖励10万元。",
            "有效期内的高新技术企业整体迁入本区的，奖励50万元。",
            "纳入培育库的科技型中小企业，给予认定辅导和申报费用补贴。",
        ],
        interpretation="本年度申报即将截止。企业须在本平台中申报高新技术企业资质，经工作人员核验证书后才能显示为符合条件。",
        beneficiaries="高新技术企业",
        conditions="高新技术企业证书在有效期内；在本区注册纳税",
        benefit="首次认定30万元，重新认定10万元，迁入50万元",
        time_to_payment="审核通过后60日内拨付",
        qualifications=["high_tech"],
    ),
    P(
        "jxj-tech-centre", ["jxj"], "jxj",
        "延庆区企业技术中心建设支持办法", "closed", ["technology"],
        summary="对新认定的国家级、市级企业技术中心分别奖励100万元、50万元。",
        articles=[
            "新认定为国家级企业技术中心的，一次性奖励100万元；市级企业技术中心，奖励50万元。",
            "企业技术中心年度评价优秀的，给予20万元奖励。",
        ],
        interpretation="本年度申报已截止。",
        beneficiaries="拥有企业技术中心的企业",
        conditions="技术中心认定在有效期内",
        benefit="国家级100万元，市级50万元",
        time_to_payment="审核后60日内拨付",
        qualifications=["tech_centre"],
    ),
    P(
        "jxj-new-energy", ["jxj", "fgw"], "jxj",
        "延庆区新能源和储能产业发展支持措施", "upcoming", ["industry", "green"],
        summary="支持储能装备制造和分布式光伏、风电项目建设，对新建产业化项目按设备投资额给予最高20%补助。",
        articles=[
            "储能电池、储能系统集成产业化项目，按设备投资额的20%给予补助，最高1000万元。",
            "企业利用自有屋顶建设分布式光伏的，按装机容量每千瓦300元补助。",
            "新能源企业研发的产品首次在本区示范应用的，按合同额的10%给予奖励。",
        ],
        interpretation="申报窗口将于近期开放，请企业提前准备项目备案和设备采购合同。",
        beneficiaries="新能源和储能企业",
        conditions="项目已备案；设备已采购",
        benefit="设备投资额的20%，最高1000万元；光伏每千瓦300元",
        time_to_payment="验收后90日内拨付",
        industries=["C38", "D44"],
    ),
    P(
        "jxj-drone", ["jxj"], "jxj",
        "延庆区无人机产业发展若干措施（送审稿）", "draft", ["industry", "technology"],
        summary="依托无人机测试飞行空域，支持无人机整机和核心部件企业落地发展。",
        articles=[
            "无人机企业在本区开展测试飞行的，免收测试场地费。",
            "无人机整机企业新落地的，给予三年房租补贴。",
        ],
        interpretation="送审稿，尚未印发。",
        beneficiaries="无人机企业",
        conditions="在本区注册",
        benefit="测试场地费全免；房租补贴三年",
        time_to_payment="按年拨付",
        industries=["C39", "I65"],
    ),
    # --- 区政务服务局 ------------------------------------------------------------------------
    P(
        "zwfw-start-up", ["zwfw", "scjg"], "zwfw",
        "延庆区企业开办“一日办结”和免费服务事项清单", "rolling", ["startup"],
        summary="新开办企业营业执照、印章、发票、社保登记一日办结，免费刻制一套印章，免费邮寄执照。",
        articles=[
            "企业开办全程网上办理，营业执照、公章刻制、发票申领、社保登记一日办结。",
            "新开办企业免费刻制公章、财务专用章、发票专用章一套。",
            "营业执照和印章可免费邮寄到企业指定地址。",
        ],
        interpretation="成立不满一年的新开办企业，可随时到政务服务中心领取免费服务；已开办企业补刻印章不在免费范围内。",
        beneficiaries="新开办企业",
        conditions="在本区新设立登记",
        benefit="免费刻章一套；免费邮寄",
        time_to_payment="当场办结",
        where_to_apply="延庆区政务服务中心企业开办专区",
        max_years=1,
    ),
    P(
        "zwfw-major-projects", ["zwfw", "fgw"], "zwfw",
        "延庆区重大项目全程帮办代办服务办法", "expired", ["industry"],
        summary="对固定资产投资额1亿元以上的重大项目，由帮办员全程代办审批手续。",
        articles=[
            "固定资产投资额1亿元以上的项目，可申请全程帮办代办服务。",
            "帮办员负责协调审批部门，跟踪审批进度，帮办服务全程免费。",
        ],
        interpretation="本办法已到期，帮办代办服务已纳入常态化政务服务。",
        beneficiaries="重大项目建设单位",
        conditions="固定资产投资额1亿元以上",
        benefit="全程免费帮办代办",
        time_to_payment="不涉及资金",
        sizes=["large", "medium"],
    ),
    # --- 区金融办 ----------------------------------------------------------------------------
    P(
        "jrb-listing", ["jrb"], "jrb",
        "延庆区支持企业上市挂牌奖励办法", "closed", ["finance"],
        summary="企业在境内外证券交易所上市的，分阶段奖励最高500万元；在新三板挂牌的，奖励100万元。",
        articles=[
            "企业向北京证监局报送辅导备案的，奖励100万元；向证券交易所提交上市申请并获受理的，奖励200万元；成功上市的，奖励200万元。",
            "在全国中小企业股份转让系统挂牌的，奖励100万元。",
            "企业上市后募集资金在本区投资的，优先保障项目用地。",
        ],
        interpretation="本批次申报已结束。奖励按上市进程分阶段兑付，企业可在取得相应阶段文件后下一批次申报。",
        beneficiaries="拟上市和已挂牌企业",
        conditions="成立满两年；已取得相应阶段的受理或备案文件",
        benefit="分阶段奖励最高500万元；新三板挂牌100万元",
        time_to_payment="审核通过后60日内拨付",
        sizes=["large", "medium", "small"],
        min_years=2,
        unchecked=["已取得辅导备案、上市受理或挂牌文件"],
    ),
    P(
        "jrb-guarantee-fee", ["jrb", "czj"], "jrb",
        "延庆区小微企业融资担保费补贴办法", "closing", ["finance"],
        summary="小微企业通过政府性融资担保机构取得贷款的，担保费率超过1%的部分由区财政全额补贴。",
        articles=[
            "小微企业通过政府性融资担保机构担保取得贷款的，担保费率不超过1%，超出部分由区财政补贴。",
            "首次获得担保贷款的小微企业，担保费全额补贴。",
            "每户企业年度担保贷款额不超过1000万元。",
        ],
        interpretation="本期申报即将截止。企业在与担保机构签订合同时即可按1%的费率缴费，补贴部分由担保机构向区财政申请，企业无需另行申报。",
        beneficiaries="小微企业",
        conditions="通过政府性融资担保机构取得贷款",
        benefit="担保费率降至1%以内，首贷全额补贴",
        time_to_payment="由担保机构按季度结算",
        where_to_apply="北京市中小企业融资再担保公司延庆业务部，或合作担保机构",
        sizes=["small", "micro"],
    ),
    P(
        "jrb-startup-loan", ["jrb", "rsj"], "jrb",
        "延庆区创业担保贷款及贴息实施办法", "open", ["startup", "finance"],
        summary="成立三年以内的小微企业可申请最高300万元创业担保贷款，贷款利率在贷款市场报价利率基础上加点部分由财政贴息。",
        articles=[
            "成立三年以内、吸纳就业人数达到规定比例的小微企业，可申请创业担保贷款，额度最高300万元，期限不超过三年。",
            "贷款利率不超过贷款市场报价利率加50个基点，财政按贷款实际利率的50%贴息。",
            "个人创业者可申请最高50万元创业担保贷款。",
        ],
        interpretation="创业担保贷款由区人力社保局审核创业主体资格，合作银行审核贷款。吸纳就业比例指当年新招用符合条件人员达到现有在职职工的15%（超过100人的企业达到8%）。",
        beneficiaries="初创期小微企业",
        conditions="成立三年以内；当年新招用人员达到规定比例",
        benefit="最高300万元贷款，财政贴息50%",
        time_to_payment="按季度贴息",
        sizes=["small", "micro"],
        max_years=3,
        unchecked=["当年新招用符合条件人员达到现有在职职工的15%"],
    ),
    P(
        "jrb-first-loan", ["jrb"], "jrb",
        "延庆区小微企业首贷贴息办法", "expired", ["finance"],
        summary="首次获得银行贷款的小微企业，按贷款额的1%给予一次性贴息。",
        articles=[
            "小微企业首次从银行获得贷款的，按贷款额的1%给予一次性贴息，最高10万元。",
            "首贷以人民银行征信系统记录为准。",
        ],
        interpretation="本办法已到期。",
        beneficiaries="首次获得贷款的小微企业",
        conditions="首次获得银行贷款",
        benefit="贷款额的1%，最高10万元",
        time_to_payment="审核后30日内拨付",
        sizes=["small", "micro"],
    ),
    P(
        "jrb-ip-pledge", ["jrb", "scjg"], "jrb",
        "延庆区科技型企业知识产权质押融资支持办法", "open", ["finance", "technology"],
        summary="科技型企业以专利、商标等知识产权质押取得贷款的，给予贷款利息50%和评估费用全额的补贴。",
        articles=[
            "高新技术企业、科技型中小企业和创新型中小企业以知识产权质押取得银行贷款的，按实际付息额的50%给予贴息。",
            "知识产权评估费、质押登记费等费用全额补贴，每户每年最高5万元。",
            "每户企业年度贴息最高50万元。",
        ],
        interpretation="资质以本平台中经核验、有效期内的资质为准，三种资质有其一即可。质押登记须在国家知识产权局完成。",
        beneficiaries="科技型企业",
        conditions="以知识产权质押取得贷款；贷款已付息",
        benefit="贴息50%，每户每年最高50万元；评估费全额补贴",
        time_to_payment="每季度审核一次",
        qualifications=["high_tech", "tech_sme", "innovative_sme"],
    ),
    # --- 区司法局 ----------------------------------------------------------------------------
    P(
        "sfj-legal-checkup", ["sfj"], "sfj",
        "延庆区民营企业“法治体检”公益服务方案", "rolling", ["industry"],
        summary="区司法局会同区工商联组织律师为会员企业免费开展法治体检，提供合同、用工、知识产权等方面的合规建议。",
        articles=[
            "区司法局组织律师事务所与区工商联会员企业结对，每年为每家企业免费开展一次法治体检。",
            "法治体检内容包括合同管理、劳动用工、知识产权、安全生产和税务合规。",
            "体检后出具书面报告，对发现的问题提出整改建议，企业可申请跟踪服务。",
        ],
        interpretation="法治体检面向区工商联会员企业，常年可约。企业可通过本平台或商会秘书处预约，律师上门服务。",
        beneficiaries="区工商联会员企业",
        conditions="区工商联会员企业",
        benefit="每年一次免费法治体检和书面报告",
        time_to_payment="不涉及资金",
        where_to_apply="区工商联秘书处或所在商会秘书处",
        members_only=True,
    ),
    P(
        "sfj-mediation", ["sfj"], "sfj",
        "延庆区商事纠纷调解服务办法", "expired", ["industry"],
        summary="设立商事调解中心，为会员企业提供免费商事纠纷调解。",
        articles=[
            "区商事调解中心为会员企业提供免费调解服务。",
            "调解达成的协议可申请司法确认。",
        ],
        interpretation="本办法已到期，商事调解服务继续提供，按新办法执行。",
        beneficiaries="区工商联会员企业",
        conditions="纠纷双方同意调解",
        benefit="免费调解",
        time_to_payment="不涉及资金",
        members_only=True,
    ),
    # --- 区水务局 ----------------------------------------------------------------------------
    P(
        "sswj-water-saving", ["sswj"], "sswj",
        "延庆区节水型企业创建奖励办法", "upcoming", ["green"],
        summary="新创建为市级节水型企业的，一次性奖励10万元；实施节水改造的，按投资额的30%补助。",
        articles=[
            "新评为北京市节水型企业的，一次性奖励10万元。",
            "实施中水回用、冷却水循环等节水改造，年节水量1万立方米以上的，按投资额的30%补助，最高50万元。",
        ],
        interpretation="申报窗口即将开放，年节水量以水务部门核定的用水计量数据为准。",
        beneficiaries="用水量较大的工业和服务业企业",
        conditions="年节水量1万立方米以上",
        benefit="奖励10万元；节水改造最高50万元",
        time_to_payment="验收后60日内拨付",
        industries=["C", "H"],
        unchecked=["年节水量1万立方米以上"],
    ),
    P(
        "sswj-rainwater", ["sswj"], "sswj",
        "延庆区雨水收集利用设施建设补助办法（草案）", "draft", ["green"],
        summary="对建设雨水收集利用设施的企业给予补助。",
        articles=["企业建设雨水收集利用设施的，按投资额的20%补助。"],
        interpretation="草案尚未印发。",
        beneficiaries="本区企业",
        conditions="设施已建成",
        benefit="投资额的20%",
        time_to_payment="验收后拨付",
    ),
    # --- 区城市管理委 ------------------------------------------------------------------------
    P(
        "csglw-clean-heating", ["csglw"], "csglw",
        "延庆区山区企业清洁能源供暖改造补助办法", "closed", ["green"],
        summary="山区乡镇企业将燃煤锅炉改为空气源热泵、电采暖或燃气供暖的，按供暖面积每平方米给予最高60元补助。",
        articles=[
            "山区乡镇企业实施燃煤锅炉清洁能源改造的，按供暖面积每平方米给予补助：空气源热泵60元，电采暖40元，燃气30元。",
            "改造后享受峰谷电价和采暖季运行电费补贴。",
        ],
        interpretation="本年度申报已截止。",
        beneficiaries="山区乡镇的企业",
        conditions="拆除燃煤锅炉；改造完成并通过验收",
        benefit="每平方米30元至60元",
        time_to_payment="验收后90日内拨付",
        townships=RURAL,
    ),
    P(
        "csglw-shop-signs", ["csglw", "scjg"], "csglw",
        "延庆区城区商户牌匾标识规范提升补助办法", "expired", ["market"],
        summary="城区沿街商户按规范更换牌匾的，按牌匾面积给予补助。",
        articles=[
            "城区沿街商户按设计导则更换牌匾的，每平方米补助500元，最高1万元。",
        ],
        interpretation="本办法已到期。",
        beneficiaries="城区沿街商户",
        conditions="按导则更换牌匾",
        benefit="每平方米500元，最高1万元",
        time_to_payment="验收后30日内拨付",
        industries=["F52", "H62"],
        townships=TOWN_CENTRE,
    ),
    # --- 区政府（多部门联合） -----------------------------------------------------------------
    P(
        "gov-private-economy", ["fgw", "jxj", "czj"], "gov",
        "延庆区支持民营经济高质量发展若干措施", "open", ["industry", "finance", "market"],
        summary="从市场准入、要素保障、融资支持、拓展市场和政企沟通五方面提出二十条措施，"
        "设立民营经济发展专项资金，支持民营企业参加展会和首次“规上”。",
        articles=[
            "除法律法规明确禁止的领域外，各类经营主体平等进入；不得以备案、注册、年检等形式设置隐性壁垒。",
            "设立民营经济发展专项资金，每年安排不少于5000万元。",
            "民营企业首次纳入规模以上统计的，一次性奖励10万元。",
            "民营企业参加区政府组织的重点展会的，按展位费的70%给予补贴，每户每年最高20万元。",
            "建立政企沟通机制，每季度召开一次民营企业座谈会，区领导与企业家面对面交流。",
        ],
        interpretation="这是区政府综合性的民营经济政策，其中“首次规上奖励”和“展会补贴”需企业申报，其他条款由各部门落实。"
        "区工商联承担政企沟通和政策宣讲工作，会员企业可通过商会反映政策执行中的问题。",
        beneficiaries="本区民营企业",
        conditions="在本区注册纳税；无重大违法失信记录",
        benefit="首次规上10万元；展会补贴最高20万元",
        time_to_payment="审核通过后60日内拨付",
    ),
    P(
        "gov-incubation", ["rsj", "fgw"], "gov_office",
        "延庆区创业孵化基地入驻企业扶持办法", "open", ["startup"],
        summary="入驻区级创业孵化基地的初创企业，前两年免收房租，第三年房租减半，并给予一次性创业补贴1万元。",
        articles=[
            "成立三年以内、入驻区级以上创业孵化基地的企业，前两年免收场地租金，第三年减半。",
            "首次创业的企业，给予一次性创业补贴1万元。",
            "孵化基地为入驻企业免费提供工商注册、财税代理和政策咨询服务。",
        ],
        interpretation="入驻申请由孵化基地受理，补贴由区人力社保局审核发放。创业补贴每个法定代表人只能享受一次。",
        beneficiaries="初创企业",
        conditions="成立三年以内；入驻区级以上创业孵化基地",
        benefit="房租两年全免、第三年减半；一次性创业补贴1万元",
        time_to_payment="入驻后按季度减免；补贴审核后30日内发放",
        max_years=3,
        unchecked=["已入驻区级以上创业孵化基地"],
    ),
]  # fmt: skip

KEYS = [spec.key for spec in POLICIES]
