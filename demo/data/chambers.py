"""Word lists and fixed facts for the demo chambers built by `manage.py seed_chambers`.

The structure follows the Yanqing federation's "1+2+6+7+N" (docs/domain.md): the federation, six
special working groups, seven associations, chambers of trades and townships (康庄镇兴隆街商会
among them) and the five friendly federations. Everything here is data or a pure function; the
random choices are made in the command from fixed seeds, so every run plans the same structure;
the roster is counted from the month the demo is loaded in.

Names of organisations follow the published work summary where it gives them; the other
associations and chambers, all people, dates and figures are invented.
"""

import datetime
from dataclasses import dataclass

from demo.data import members as members_data

SEED = 1101192
PAST_MONTHS = 12  # completed months before the month the demo is loaded in
COMING_MONTHS = 12  # planned months after it
CONFIRMED_MONTHS = 2  # of the coming ones, confirmed by staff: the next two


def d(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


# --- Organisations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRule:
    """Which member enterprises an organisation takes, and about how many.

    An enterprise matches when it lies in `township` (if given) and meets any one of the other
    criteria given (all enterprises of the township when there are none).
    """

    target: int = 0
    sections: str = ""
    divisions: tuple[str, ...] = ()  # section + division, such as "R89"
    words: tuple[str, ...] = ()  # in the enterprise's name
    legal_forms: tuple[str, ...] = ()
    founded_from: datetime.date | None = None
    female: bool = False  # the legal representative is a woman
    township: str = ""  # code suffix
    companies_only: bool = False


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    kind: str
    short_name: str = ""
    under_federation: bool = False
    township: str = ""  # code suffix, such as "101" for 康庄镇
    home_region: str = ""
    founded_on: datetime.date | None = None
    tie_signed_on: datetime.date | None = None
    group_member_since: datetime.date | None = None
    term: tuple[int, datetime.date] | None = None  # the current term: number, start
    members: MemberRule | None = None
    description: str = ""


FEDERATION_SLUG = "ylqgsl"
FEDERATION_TERMS = [
    # number, starts, ends
    (2, d(2016, 12, 1), d(2021, 11, 30)),
    (3, d(2021, 12, 1), None),
]

ORGANIZATIONS = [
    OrgSpec(
        FEDERATION_SLUG, "延庆区工商联（总商会）", "federation", short_name="延庆区工商联",
        description=(
            "中共延庆区委领导的面向工商界、以非公有制企业和非公有制经济人士为主体的人民团体和"
            "商会组织。按照“1+2+6+7+N”工作格局开展工作：1个党组领导，工商联和商会2个领导班子，"
            "6个专项工作组，7个协会，N家会员企业。实行轮值主席制，由主席、副主席和商会会长按月轮值。"
        ),
    ),
    # 6 special working groups (专项工作组), docs/domain.md, The demo federation.
    OrgSpec(
        "wg-real-estate", "房地产与建材专项工作组", "working_group", short_name="房地产与建材组",
        under_federation=True, founded_on=d(2022, 4, 15),
        members=MemberRule(40, sections="K", divisions=("C30", "E47", "E48", "E50"),
                           words=("建材", "置业")),
        description="联系房地产开发、物业、建筑施工与建材企业，反映行业诉求，服务城市更新和重点工程建设。",
    ),
    OrgSpec(
        "wg-ice-snow", "冰雪产业与休闲旅游专项工作组", "working_group",
        short_name="冰雪与休闲旅游组", under_federation=True, founded_on=d(2022, 4, 15),
        members=MemberRule(50, sections="H", divisions=("R89", "R90", "C35", "L71", "P83"),
                           words=("冰雪", "滑雪")),
        description="服务冰雪运动、冰雪装备、民宿酒店和休闲旅游企业，推动后冬奥时代冰雪产业发展。",
    ),
    OrgSpec(
        "wg-agriculture", "涉农专项工作组", "working_group", short_name="涉农组",
        under_federation=True, founded_on=d(2022, 4, 15),
        members=MemberRule(50, sections="A", divisions=("C13", "C14", "C15")),
        description="联系种植、养殖、农产品加工企业和农民专业合作社，助力乡村振兴和“万企兴万村”行动。",
    ),
    OrgSpec(
        "wg-internet", "互联网与电子商务专项工作组", "working_group",
        short_name="互联网与电商组", under_federation=True, founded_on=d(2022, 4, 15),
        members=MemberRule(40, sections="I", words=("电子商务", "网络", "数字")),
        description="服务软件、信息技术和电子商务企业，推动农特产品网上销售和企业数字化转型。",
    ),
    OrgSpec(
        "wg-commerce", "商贸营销与社会服务专项工作组", "working_group",
        short_name="商贸与社会服务组", under_federation=True, founded_on=d(2022, 4, 15),
        members=MemberRule(55, sections="FO", divisions=("L72", "G58")),
        description="联系批发零售、商务服务和居民服务企业，组织促消费活动，参与社会服务和公益事业。",
    ),
    OrgSpec(
        "wg-culture", "文化创意专项工作组", "working_group", short_name="文化创意组",
        under_federation=True, founded_on=d(2022, 4, 15),
        members=MemberRule(35, divisions=("R87", "R88", "C41"),
                           words=("文化", "传媒", "广告", "会展", "文创", "艺术", "影视", "非遗")),
        description="服务文化传媒、文创设计和非遗企业，挖掘长城文化、妫川文化资源。",
    ),
    # 7 associations.
    OrgSpec(
        "nvqiyejia", "延庆区女企业家协会", "association", short_name="女企协",
        under_federation=True, founded_on=d(2025, 3, 8), group_member_since=d(2025, 3, 8),
        term=(1, d(2025, 3, 8)),
        members=MemberRule(40, female=True),
        description=(
            "在区工商联推动下成立，团结全区女企业家，开展能力提升培训、创业交流和巾帼公益活动；"
            "是轮值主席制的一项工作成果。"
        ),
    ),
    OrgSpec(
        "qingqi", "延庆区青年企业家协会", "association", short_name="青企协",
        under_federation=True, founded_on=d(2018, 5, 4), group_member_since=d(2018, 6, 1),
        term=(2, d(2023, 5, 4)),
        members=MemberRule(35, founded_from=d(2019, 1, 1), companies_only=True),
        description="联系年轻一代民营企业家和返乡创业青年，开展理想信念教育和创业培训。",
    ),
    OrgSpec(
        "minsu", "延庆区民宿协会", "association", founded_on=d(2019, 6, 20),
        group_member_since=d(2020, 1, 10), term=(2, d(2024, 6, 20)),
        members=MemberRule(30, divisions=("H61",), words=("民宿", "农家院", "民俗旅游")),
        description="服务精品民宿、乡村酒店和民俗旅游接待户，推动“延庆山居”民宿品牌建设。",
    ),
    OrgSpec(
        "putaojiu", "延庆区葡萄与葡萄酒产业协会", "association", short_name="葡萄酒协会",
        founded_on=d(2014, 8, 18), group_member_since=d(2016, 3, 1), term=(3, d(2024, 8, 18)),
        members=MemberRule(25, divisions=("C15",), words=("葡萄", "酒庄", "酿酒", "果品")),
        description="联系葡萄种植合作社、酒庄和葡萄酒企业，承办延庆葡萄文化节等活动。",
    ),
    OrgSpec(
        "canyin", "延庆区餐饮行业协会", "association", founded_on=d(2012, 5, 16),
        term=(3, d(2022, 5, 16)),
        members=MemberRule(30, divisions=("H62",), words=("餐饮", "饮食", "农家菜", "餐馆")),
        description="餐饮企业行业自律组织，开展食品安全培训和“光盘行动”等活动。",
    ),
    OrgSpec(
        "getilao", "延庆区个体劳动者协会", "association", short_name="个协",
        founded_on=d(1987, 9, 10), term=(8, d(2022, 9, 10)),
        members=MemberRule(25, sections="O", legal_forms=("individual", "sole"),
                           words=("商行", "便利店")),
        description="联系个体工商户和小微经营者，宣传政策法规，维护个体劳动者合法权益。",
    ),
    OrgSpec(
        "jianzhuye", "延庆区建筑业协会", "association", founded_on=d(2008, 11, 6),
        term=(4, d(2023, 11, 6)),
        members=MemberRule(35, sections="E"),
        description="建筑施工企业行业组织，开展安全生产、质量管理和农民工工资支付监督服务。",
    ),
    # Industry chambers (行业商会).
    OrgSpec(
        "bingxue", "延庆区冰雪产业商会", "industry", short_name="冰雪商会",
        under_federation=True, founded_on=d(2019, 11, 15), group_member_since=d(2019, 11, 15),
        term=(2, d(2024, 11, 15)),
        members=MemberRule(35, divisions=("R89", "C35", "L71", "P83"),
                           words=("冰雪", "滑雪", "户外")),
        description="联系滑雪场、冰雪装备、器材租赁和滑雪培训企业，服务冬奥遗产利用和冰雪季运营。",
    ),
    OrgSpec(
        "wenlv", "延庆区文化旅游商会", "industry", short_name="文旅商会",
        under_federation=True, founded_on=d(2016, 8, 26), group_member_since=d(2016, 8, 26),
        term=(2, d(2021, 8, 26)),
        members=MemberRule(45, divisions=("R90", "H61", "R88"),
                           words=("旅游", "旅行社", "文旅", "度假", "民宿")),
        description="联系景区、旅行社、酒店民宿和文化企业，推动长城、世园、冬奥文旅融合发展。",
    ),
    OrgSpec(
        "jianzhu-jiancai", "延庆区建筑建材商会", "industry", short_name="建筑建材商会",
        under_federation=True, founded_on=d(2013, 6, 8), group_member_since=d(2013, 6, 8),
        term=(3, d(2023, 6, 8)),
        members=MemberRule(50, sections="E", divisions=("C30", "C33"), words=("建材",)),
        description="联系建筑施工、装饰装修和建材生产销售企业，协调工程款结算、资质办理等问题。",
    ),
    # Township chambers (乡镇商会).
    OrgSpec(
        "kangzhuang-xinglongjie", "康庄镇兴隆街商会", "township", short_name="兴隆街商会",
        under_federation=True, township="101", founded_on=d(2022, 9, 20),
        group_member_since=d(2022, 9, 20), term=(1, d(2022, 9, 20)),
        members=MemberRule(35, township="101"),
        description="康庄镇兴隆街沿线商户和企业的基层商会，是区工商联推动成立的街区商会。",
    ),
    OrgSpec(
        "yanqingzhen", "延庆镇商会", "township", under_federation=True, township="100",
        founded_on=d(2015, 10, 28), group_member_since=d(2015, 10, 28), term=(3, d(2025, 10, 28)),
        members=MemberRule(50, township="100"),
        description="延庆镇域民营企业的基层商会，联系城乡结合部商贸、物流和农业企业。",
    ),
    OrgSpec(
        "badaling", "八达岭镇商会", "township", under_federation=True, township="102",
        founded_on=d(2017, 4, 12), group_member_since=d(2017, 4, 12), term=(2, d(2022, 4, 12)),
        members=MemberRule(40, township="102"),
        description="八达岭长城脚下的基层商会，会员以文旅、餐饮和商贸企业为主。",
    ),
    OrgSpec(
        "zhangshanying", "张山营镇商会", "township", under_federation=True, township="105",
        founded_on=d(2018, 3, 22), group_member_since=d(2018, 3, 22), term=(2, d(2023, 3, 22)),
        members=MemberRule(45, township="105"),
        description="冬奥赛区所在镇的基层商会，会员涉及冰雪、民宿、葡萄种植和农业企业。",
    ),
    # Out-of-town chambers (异地商会).
    OrgSpec(
        "zhejiang", "延庆区浙江商会", "out_of_town", under_federation=True, home_region="浙江省",
        founded_on=d(2015, 11, 18), group_member_since=d(2016, 1, 5), term=(2, d(2020, 11, 18)),
        members=MemberRule(20, sections="FCE", companies_only=True),
        description="在延庆投资兴业的浙江籍企业家组成的异地商会。",
    ),
    OrgSpec(
        "hebei", "延庆区河北商会", "out_of_town", under_federation=True, home_region="河北省",
        founded_on=d(2019, 5, 9), term=(2, d(2024, 5, 9)),
        members=MemberRule(16, sections="GEF", companies_only=True),
        description="在延庆经营的河北籍企业家组成的异地商会，联系张家口、承德等地企业。",
    ),
    # The five friendly federations (友好商会), docs/domain.md, The demo federation.
    OrgSpec(
        "xiongan", "雄安新区工商联", "friendly", home_region="河北省雄安新区",
        tie_signed_on=d(2021, 6, 18),
        description="签订友好商会合作协议，在产业对接、会员互访和营商环境经验交流方面开展合作。",
    ),
    OrgSpec(
        "zhangjiakou", "张家口市工商联", "friendly", home_region="河北省张家口市",
        tie_signed_on=d(2020, 9, 25),
        description="京张两地工商联结为友好商会，共推冰雪产业和京张文化体育旅游带建设。",
    ),
    OrgSpec(
        "chifeng", "赤峰市工商联", "friendly", home_region="内蒙古自治区赤峰市",
        tie_signed_on=d(2021, 9, 16),
        description="结对协作地区工商联，组织会员企业开展消费帮扶和农产品产销对接。",
    ),
    OrgSpec(
        "xuanhua", "宣化区工商联", "friendly", home_region="河北省张家口市",
        tie_signed_on=d(2020, 11, 12),
        description="毗邻地区工商联，建立会员企业互访和商会工作交流机制。",
    ),
    OrgSpec(
        "xinghe", "兴和县工商联", "friendly", home_region="内蒙古自治区乌兰察布市",
        tie_signed_on=d(2022, 5, 20),
        description="结对帮扶地区工商联，开展“万企兴万村”和消费帮扶合作。",
    ),
]  # fmt: skip

# 四好商会 evaluations: slug, year, level, (political guidance, team building, service,
# self-discipline), named a four-good chamber, notes.
EVALUATIONS = [
    ("bingxue", 2023, "municipal", ("good", "good", "good", "good"), True,
     "获评北京市“四好”商会。"),
    ("bingxue", 2024, "district", ("good", "good", "good", "good"), True,
     "复评保持“四好”商会称号。"),
    ("wenlv", 2024, "district", ("good", "good", "good", "fair"), True,
     "财务管理制度需进一步完善。"),
    ("yanqingzhen", 2023, "district", ("good", "good", "good", "good"), True, ""),
    ("kangzhuang-xinglongjie", 2024, "district", ("good", "fair", "good", "fair"), False,
     "成立时间较短，会员发展和内部制度建设有待加强。"),
    ("badaling", 2025, "district", ("good", "good", "fair", "good"), False,
     "建议加强对会员企业的常态化服务。"),
]  # fmt: skip

# --- Leaders -----------------------------------------------------------------------------------

# Chamber heads named in the representative figures' notes (members seed_members):
# note, organisation, position.
NOTED_HEADS = [
    ("康庄镇兴隆街商会会长", "kangzhuang-xinglongjie", "president"),
    ("八达岭镇商会会长", "badaling", "president"),
    ("张山营镇商会常务副会长", "zhangshanying", "executive_vice_president"),
]
# Industry chambers whose president is drawn from the entrepreneurs whose firm fits the chamber.
INDUSTRY_PRESIDENTS = ["bingxue", "wenlv", "jianzhu-jiancai"]
WOMEN_ASSOCIATION = "nvqiyejia"
# Township chambers a vice-chair heads when their firm lies in the township.
VICE_CHAIR_CAN_HEAD = ["yanqingzhen", "zhangshanying"]
VICE_CHAIRS = 9
# Federation staff, not entrepreneurs: the full-time vice-chair (专职副主席).
FULL_TIME_VICE_CHAIR = ("贾卫东", False)
# Secretaries-general (秘书长), from the president's firm: organisation, name, female.
SECRETARIES_GENERAL = [
    ("bingxue", "孙丽娟", True),
    ("kangzhuang-xinglongjie", "高志伟", False),
    ("nvqiyejia", "何静", True),
]

# Months leaders declared they cannot serve (month offsets after the loading month), by their place
# in the pool sorted by e-mail; the chair and the serving vice-chair are left out.
UNAVAILABLE = [
    (1, 3, "春节前后随企业赴海外参展，无法驻会。"),
    (4, 8, "企业年度重点项目集中施工，需在企业坐镇。"),
    (7, 6, "参加全国工商联组织的民营企业家研修班。"),
]

SWAP_REASON = "当月企业有重点项目竣工验收，本人需在企业坐镇，恳请与您调换轮值月份。"

# --- Seconded staff and the duty log -----------------------------------------------------------

SECONDMENT_ROLES = ["综合办公室", "会员服务部", "宣传联络部", "活动组织", "调研信息", "法律服务"]

# Calendar month -> (an event of that month, a line of the summary about it).
MONTH_THEMES = {
    1: ("组织开展春节前安全生产检查，走访慰问困难会员企业和困难职工{n}户。",
        "春节前安全检查和走访慰问工作有序完成。"),
    2: ("协助举办企业家早餐会，区领导与{n}位企业家座谈，现场交办企业诉求。",
        "早餐会上交办的诉求已逐条登记，转相关部门办理。"),
    3: ("联合区妇联召开“三八”女企业家座谈会，{n}位女企业家参加，交流创业经验。",
        "女企业家座谈会反响良好，女企协会员发展工作持续推进。"),
    4: ("举办优化营商环境政策宣讲会，邀请区发展改革委、区税务局解读惠企政策，{n}家企业参加。",
        "政策宣讲覆盖面较好，企业对税费优惠政策关注度高。"),
    5: ("组织召开民营企业诉求恳谈会，收集融资、用工、用地等问题{n}条，建立问题台账。",
        "恳谈会问题台账已建立，由秘书处按月跟踪办理进度。"),
    6: ("开展“安全生产月”活动，组织{n}家会员企业开展消防应急疏散演练。",
        "安全生产月活动顺利开展，企业安全主体责任意识进一步增强。"),
    7: ("组织会员企业参加汛期安全部署会，摸排{n}家企业防汛物资储备情况。",
        "汛期值守和防汛物资摸排完成，未发生会员企业安全事故。"),
    8: ("配合区人力资源和社会保障局举办民营企业招聘月专场活动，{n}家会员企业提供就业岗位。",
        "招聘专场帮助企业缓解了旅游旺季用工紧张问题。"),
    9: ("组织会员企业参加延庆葡萄文化节暨“万企兴万村”村企结对签约活动，{n}家企业参与结对。",
        "村企结对签约项目已纳入“万企兴万村”台账，后续跟踪落实。"),
    10: ("带队赴张家口市工商联交流学习，{n}位企业家参加，商谈冰雪产业合作。",
         "与友好商会的交流取得实效，双方约定明年互访。"),
    11: ("组织会员企业参加冰雪季开板仪式暨冰雪产业对接会，{n}家企业参加。",
         "冰雪季开局平稳，冰雪产业对接会促成合作意向多项。"),
    12: ("召开年度会员企业座谈会，通报全年工作，征集意见建议{n}条。",
         "年度座谈会收集的意见建议已整理，报区委统战部和区工商联党组。"),
}  # fmt: skip

OFFICE_TEXTS = [
    "在区工商联坐班，接待{enterprise}负责人来访，了解企业用工和融资需求，已登记转会员服务部跟进。",
    "坐班一天，审阅本月会员发展和走访计划，与秘书处研究近期重点工作安排。",
    "值班接待会员企业来电来访{n}起，主要涉及政策咨询、人才招聘和融资对接，均已答复或登记转办。",
    "坐班处理日常事务，审核新入会企业材料{n}份，签批会员服务工作台账。",
]
VISIT_TEXTS = [
    "走访{township}{enterprise}等{n}家会员企业，了解生产经营和用工情况，宣传最新惠企政策。",
    "带队走访{enterprise}等{n}家企业，实地查看经营情况，听取企业对营商环境的意见建议。",
    "到{township}走访会员企业{n}家，重点了解小微企业经营困难，收集诉求3条。",
    "走访{enterprise}等非公企业党组织，了解党建工作开展情况，共走访{n}家。",
]
RECRUITMENT_TEXTS = [
    "对接{township}新注册企业，介绍工商联会员服务，{n}家企业提交入会申请。",
    "通过本企业上下游合作伙伴推荐，发展新会员{n}家，已指导填写入会申请。",
    "在{township}召开小型入会宣讲会，{n}家企业现场表达入会意向并提交申请。",
]
PROBLEM_TEXTS = [
    "{enterprise}反映门前道路破损影响货车通行，协调镇政府和区交通局现场查看，已列入维修计划。",
    "协助{enterprise}对接区人力资源和社会保障局，解决季节性用工社保缴纳问题。",
    "{enterprise}反映一笔工程款拖欠，联系区律师协会公益法律服务团提供咨询，并向主管部门反映。",
    "帮助{enterprise}对接银行，办理{n}0万元信用贷款续贷，缓解资金周转压力。",
    "{enterprise}反映用电增容手续办理慢，协调供电公司上门服务，问题已解决。",
]
FOLLOW_UPS = [
    "恳谈会问题台账中尚有2件诉求未办结，请继续跟进",
    "本月新入会企业的会员证发放和入会培训尚未完成，请继续落实",
    "与银行对接的小微企业融资服务已有初步意向，请继续推进",
    "下月走访企业名单已交秘书处，请做好衔接",
    "村企结对项目进展情况请继续跟踪",
    "执常委会议材料已着手准备，请配合秘书处完成",
]


# --- People's names ----------------------------------------------------------------------------


def _given_names(single: str, first: str, second: str) -> set[str]:
    return set(single) | {a + b for a in first for b in second}


FEMALE_GIVEN = _given_names(
    members_data.GIVEN_FEMALE_SINGLE,
    members_data.GIVEN_FEMALE_FIRST,
    members_data.GIVEN_FEMALE_SECOND,
)
MALE_GIVEN = _given_names(
    members_data.GIVEN_MALE_SINGLE, members_data.GIVEN_MALE_FIRST, members_data.GIVEN_MALE_SECOND
)


def is_female_name(name: str) -> bool:
    """Whether the members demo drew this name as a woman's (its surnames are one character)."""
    given = name[1:]
    return given in FEMALE_GIVEN and given not in MALE_GIVEN


def person_name(rng, female: bool) -> str:
    surname = rng.choice(members_data.SURNAMES)
    if female:
        lists = (
            members_data.GIVEN_FEMALE_SINGLE,
            members_data.GIVEN_FEMALE_FIRST,
            members_data.GIVEN_FEMALE_SECOND,
        )
    else:
        lists = (
            members_data.GIVEN_MALE_SINGLE,
            members_data.GIVEN_MALE_FIRST,
            members_data.GIVEN_MALE_SECOND,
        )
    if rng.random() < 0.3:
        return surname + rng.choice(lists[0])
    return surname + rng.choice(lists[1]) + rng.choice(lists[2])
