"""Word lists and fixed figures for the demo federation built by `manage.py seed_demo`.

Everything here is data or a pure function; the random choices are made in the command, from
a fixed seed, so the same federation comes out on every run. The figures follow the Yanqing
federation's published work summary (docs/domain.md): 349 members at the start of the period,
700 now, 62 enterprises with a party organisation.

All names, codes and phone numbers are invented. No range of phone numbers is reserved for
fiction (docs/domain.md), so the demo numbers share a visible pattern (…0119…, the district
code); the database remembers that the demo filled it (demo.models.Load).
"""

import datetime

from members.validators import USCC_ALPHABET

# --- Fixed figures -----------------------------------------------------------------------------

SEED = 110119
DEMO_DOMAIN = "ylqgsl.demo"
DEMO_PASSWORD = "ylqgsl-demo-2026"  # noqa: S105  (published on purpose: demo accounts only)
DISTRICT_CODE = "110119"

MEMBERS_TOTAL = 700
MEMBERS_AT_START = 349
PARTY_ORGANISATIONS = 62
PARTY_OWN_BRANCHES = 40  # the rest of the 62 are joint branches
PARTY_INSTRUCTOR_ONLY = 90
SUSPENDED = 6
WITHDRAWN = 9
REPRESENTATIVES = 30
REPRESENTATIVE_WOMEN = 9
PENDING_APPLICATIONS = 6
REJECTED_APPLICATIONS = 2

# The federation is drawn once against a fixed timeline, so that every run plans the same
# enterprises (their credit codes and names) and a later run finds what an earlier one made.
# Loading moves the members' dates forward by whole weeks (`shift`), so that weekdays stay
# weekdays and the newest members joined in the week before the day the demo is loaded.
FIRST_JOIN = datetime.date(2006, 3, 1)
PLAN_START = datetime.date(2021, 1, 1)
PLAN_END = datetime.date(2026, 11, 20)
# Before this date organisation codes (GB 11714) were issued as nine digits; afterwards new
# registrations got codes beginning MA.
USCC_REFORM = datetime.date(2015, 10, 1)
COOPERATIVE_LAW = datetime.date(2007, 7, 1)
OLDEST_FOUNDING = datetime.date(1993, 1, 4)


def shift(today: datetime.date) -> datetime.timedelta:
    """How far the planned membership dates move for a demo loaded on `today`."""
    return datetime.timedelta(weeks=(today - PLAN_END).days // 7)


def period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The demo's period of growth (349 members before it, 700 at its end) seen from `today`."""
    return PLAN_START + shift(today), PLAN_END + shift(today)


# --- Credit codes (GB 32100-2015 with the GB 11714 inner check, docs/domain.md) ----------------

USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Registration authority and category, read together (docs/domain.md, Credit codes).
CATEGORY_ENTERPRISE = "91"
CATEGORY_INDIVIDUAL = "92"
CATEGORY_COOPERATIVE = "93"


def org_code_check(body: str) -> str:
    """GB 11714 check character over the eight characters of an organisation code."""
    values = (int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10 for ch in body)
    c = 11 - sum(v * w for v, w in zip(values, ORG_CODE_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def uscc_check(partial: str) -> str:
    """GB 32100 check character over the first 17 characters."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(partial, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_credit_code(
    body: str, *, category: str = CATEGORY_ENTERPRISE, district: str = DISTRICT_CODE
) -> str:
    """A checksum-valid credit code from an eight-character organisation body.

    make_credit_code("MA01K7Q3") == "91110119MA01K7Q36E" (a Yanqing enterprise).
    """
    if len(body) != 8 or any(ch not in USCC_ALPHABET for ch in body):
        raise ValueError(f"not an organisation body: {body!r}")
    partial = category + district + body + org_code_check(body)
    return partial + uscc_check(partial)


# --- A tiny PDF for the demo business licences ---------------------------------------------------


def licence_pdf(lines: list[str]) -> bytes:
    """A one-page PDF (ASCII text in Helvetica) standing in for a scanned business licence."""

    def escape(text: str) -> str:
        text = text.encode("ascii", "replace").decode("ascii")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 14 Tf", "72 770 Td", "20 TL"]
    ops += [f"({escape(line)}) Tj T*" for line in lines]
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- Industries (GB/T 4754-2017), weighted for Yanqing ------------------------------------------
# section: (weight, rural?, [(division, weight, [trade words], business scope), ...])
# Yanqing: ecological conservation area, ice-snow sports and tourism (2022 Winter Games),
# grapes and wine, horticulture (2019 Expo), agriculture; few factories, no mining.

INDUSTRIES = {
    "A": (14, True, [
        ("01", 6, ["农业科技", "种植", "果品", "葡萄种植", "蔬菜种植", "生态农业", "花卉园艺",
                   "食用菌"],
         "种植蔬菜、水果、花卉、食用菌；农业技术开发、技术推广、技术咨询；销售自产农产品。"),
        ("02", 1, ["林业", "苗木", "园林苗木"],
         "林木育苗；花卉种植；园林绿化服务；销售苗木、花卉。"),
        ("03", 2, ["养殖", "畜牧", "蜂业", "生态养殖"],
         "牲畜、家禽饲养；蜜蜂饲养；销售自产农产品。"),
        ("05", 1, ["农业服务", "农机服务"],
         "农业机械服务；农作物病虫害防治服务；农业技术推广服务。"),
    ]),
    "C": (12, False, [
        ("13", 2, ["农产品加工", "食品加工", "粮油"], "农副食品加工；销售食用农产品。"),
        ("14", 2, ["食品", "豆制品", "糕点食品", "蜂产品"], "食品生产；食品销售。"),
        ("15", 3, ["葡萄酒业", "酒庄", "酿酒", "饮品"],
         "葡萄酒、果酒生产；饮料生产；食品销售；葡萄种植。"),
        ("20", 1, ["木业", "木制品"], "木材加工；木制品制造、销售。"),
        ("27", 1, ["生物医药", "药业"], "医学研究和试验发展；中药饮片加工；药品生产。"),
        ("29", 1, ["塑料制品", "塑胶"], "塑料制品制造；销售塑料制品。"),
        ("30", 3, ["建材", "新型建材", "混凝土", "石材"],
         "生产混凝土、新型墙体材料；销售建筑材料。"),
        ("33", 2, ["金属制品", "钢结构", "五金"],
         "金属结构制造；钢结构工程施工；销售金属制品。"),
        ("34", 2, ["机械设备", "机械制造"], "通用设备制造；机械设备研发、销售。"),
        ("35", 2, ["专用设备", "冰雪装备", "环保设备"],
         "专用设备制造；冰雪运动器材研发、制造、销售；技术开发、技术服务。"),
        ("38", 2, ["电气", "新能源科技", "储能科技"],
         "电气设备制造；新能源技术开发；销售电气设备、电池。"),
        ("39", 1, ["电子科技", "智能装备", "无人机"],
         "电子元器件制造；智能无人飞行器制造；技术开发、技术转让。"),
        ("40", 1, ["仪器仪表", "测控技术"], "仪器仪表制造；技术开发、技术咨询。"),
        ("41", 1, ["工艺品", "文创制品"], "工艺美术品制造；销售工艺品。"),
    ]),
    "D": (1, False, [
        ("44", 2, ["新能源", "光伏发电", "风力发电"],
         "太阳能发电；风力发电；电力供应；新能源技术开发。"),
        ("46", 1, ["供水", "水务"], "自来水生产和供应；水处理设备销售。"),
    ]),
    "E": (9, False, [
        ("47", 3, ["建筑工程", "建设工程", "建设"], "施工总承包；专业承包；劳务分包。"),
        ("48", 3, ["市政工程", "园林绿化工程", "路桥工程", "水利工程"],
         "市政公用工程施工；园林绿化工程施工；土石方工程施工。"),
        ("49", 2, ["机电安装", "水电安装", "暖通工程"],
         "机电设备安装；水暖管道安装；电力设施承装。"),
        ("50", 3, ["装饰工程", "装饰装修", "建筑装饰"],
         "住宅室内装饰装修；建筑装饰工程设计、施工。"),
    ]),
    "F": (15, False, [
        ("51", 4, ["商贸", "农产品", "建材销售", "物资", "贸易"],
         "销售食用农产品、建筑材料、五金交电、日用品；货物进出口。"),
        ("52", 5, ["超市", "商贸", "便利店", "连锁超市", "汽车销售", "医药连锁", "电子商务",
                   "农特产品"],
         "零售日用品、食品、饮料；互联网销售（除销售需要许可的商品）。"),
    ]),
    "G": (3, False, [
        ("54", 2, ["运输", "客运", "汽车运输"], "道路货物运输；道路旅客运输；汽车租赁。"),
        ("58", 1, ["物流", "供应链"], "国内货物运输代理；供应链管理服务；普通货物仓储服务。"),
        ("59", 1, ["仓储", "冷链物流"], "普通货物仓储服务；低温仓储；装卸搬运。"),
    ]),
    "H": (11, True, [
        ("61", 5, ["酒店", "度假村", "宾馆", "民宿管理", "酒店管理", "温泉度假"],
         "住宿服务；餐饮服务；会议及展览服务；酒店管理。"),
        ("62", 4, ["餐饮管理", "餐饮", "饮食", "农家菜"], "餐饮服务；餐饮管理；食品销售。"),
    ]),
    "I": (8, False, [
        ("63", 1, ["通信技术", "通信工程"], "通信设备安装、维护；信息系统集成服务。"),
        ("64", 3, ["网络科技", "互联网科技", "信息服务"],
         "互联网信息服务；网络技术服务；软件开发。"),
        ("65", 5, ["软件", "信息技术", "数据科技", "智能科技", "数字科技"],
         "软件开发；信息系统集成服务；数据处理和存储支持服务；技术开发、技术咨询、技术服务。"),
    ]),
    "J": (1, False, [
        ("66", 1, ["小额贷款"], "发放贷款（限延庆区内经营）。"),
        ("68", 1, ["保险代理"], "保险代理业务。"),
        ("69", 1, ["融资担保"], "融资担保业务；非融资担保服务。"),
    ]),
    "K": (2, False, [
        ("70", 1, ["房地产开发", "置业", "物业管理", "房地产经纪"],
         "房地产开发经营；物业管理；房地产经纪。"),
    ]),
    "L": (9, False, [
        ("71", 2, ["设备租赁", "汽车租赁", "冰雪器材租赁"],
         "机械设备租赁；汽车租赁；体育用品及器材出租。"),
        ("72", 7, ["企业管理", "国际旅行社", "会展服务", "人力资源", "文化传播", "广告",
                   "企业咨询", "旅游开发"],
         "企业管理；会议及展览服务；组织文化艺术交流活动；广告设计、代理；"
         "旅游开发项目策划咨询。"),
    ]),
    "M": (4, False, [
        ("73", 1, ["生物科技", "农业科学研究"], "自然科学研究和试验发展；生物技术开发。"),
        ("74", 2, ["工程设计", "测绘", "检测技术", "规划设计", "工程咨询"],
         "工程设计；测绘服务；检验检测服务；工程管理服务。"),
        ("75", 2, ["科技发展", "技术服务", "科技孵化"],
         "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；科技中介服务。"),
    ]),
    "N": (1, False, [
        ("77", 2, ["环保科技", "生态环境", "生态修复"],
         "生态恢复及生态保护服务；环境保护监测；污水处理及其再生利用。"),
        ("78", 1, ["环境卫生", "市政设施管理"], "市政设施管理；城乡市容管理。"),
    ]),
    "O": (3, False, [
        ("80", 2, ["家政服务", "摄影", "洗衣"], "家政服务；洗烫服务；摄影扩印服务。"),
        ("81", 2, ["汽车维修", "汽车服务", "家电维修"], "机动车修理和维护；日用电器修理。"),
        ("82", 1, ["保洁服务", "清洁服务"], "专业保洁、清洗、消毒服务。"),
    ]),
    "P": (1, False, [
        ("83", 1, ["教育科技", "滑雪培训", "职业技能培训"],
         "教育咨询服务（不含涉许可审批的教育培训活动）；体育培训；职业技能培训。"),
    ]),
    "Q": (1, False, [
        ("84", 1, ["医疗管理", "中医门诊部"], "诊疗服务；医疗技术咨询。"),
        ("85", 1, ["养老服务", "康养"], "养老服务；健康咨询服务（不含诊疗服务）。"),
    ]),
    "R": (8, True, [
        ("87", 1, ["影视文化", "影视传媒"], "电影摄制；广播电视节目制作经营；文艺创作。"),
        ("88", 3, ["文化发展", "文化传媒", "艺术", "非遗文化", "长城文化"],
         "组织文化艺术交流活动；文艺创作；工艺美术品销售；非物质文化遗产保护。"),
        ("89", 4, ["冰雪体育", "滑雪场", "体育文化", "户外运动", "冰雪运动"],
         "体育竞赛组织；体育场地设施经营；滑雪场经营；体育用品及器材出租、销售。"),
        ("90", 3, ["休闲观光", "生态旅游", "文旅", "乡村旅游"],
         "休闲观光活动；游览景区管理；采摘园经营；组织文化艺术交流活动。"),
    ]),
}  # fmt: skip

COOPERATIVE_SHARE = 0.45  # of section A
COOPERATIVE_WORDS = [
    ("葡萄种植", "01"), ("果品", "01"), ("蔬菜种植", "01"), ("杂粮种植", "01"),
    ("苹果种植", "01"), ("板栗种植", "01"), ("花卉种植", "01"), ("中药材种植", "01"),
    ("食用菌种植", "01"), ("草莓种植", "01"), ("林果", "02"), ("养蜂", "03"),
    ("肉牛养殖", "03"), ("蛋鸡养殖", "03"), ("农机", "05"),
]  # fmt: skip
COOPERATIVE_SCOPE = (
    "组织采购、供应成员所需的生产资料；组织收购、销售成员的产品；开展成员所需的运输、贮藏、"
    "加工、包装等服务；引进新技术、新品种，开展技术培训、技术交流和信息咨询服务。"
)
# Individual businesses (个体工商户): section, division, word, scope.
INDIVIDUAL_BUSINESSES = [
    ("H", "61", "农家院", "住宿服务；餐饮服务。"),
    ("H", "61", "民俗旅游接待户", "住宿服务；餐饮服务；采摘服务。"),
    ("H", "62", "餐馆", "餐饮服务。"),
    ("F", "52", "便利店", "零售日用品、食品。"),
    ("O", "81", "汽车修理部", "机动车修理和维护。"),
]
INDIVIDUAL_SHARE = 0.03
SCOPE_SUFFIX = "（依法须经批准的项目，经相关部门批准后依批准的内容开展经营活动。）"

# --- Trade names (字号) -------------------------------------------------------------------------

LOCAL_TRADE_NAMES = [
    "妫川", "妫水", "龙庆", "海坨", "松山", "玉渡", "八达", "长城", "古崖", "夏都", "百里",
    "雪飞", "冰川", "龙湾", "白河", "康西", "永宁", "香营", "四海", "珍珠", "燕羽", "龙聚",
    "岔道", "石峡", "柳沟", "千家", "雪国", "妫河", "官厅", "野鸭", "东湖", "南山",
    "北山", "葡园", "果香", "花海", "山泉", "田园", "绿野", "青山", "雪原", "冰雪", "延怀",
    "燕山", "塞外", "关沟", "居庸", "暖泉", "温泉", "榆林", "丰营", "康庄", "旧县", "井庄",
    "云瀑", "世园", "宝林", "龙潭", "松林",
]  # fmt: skip
TRADE_FIRST = "鑫宏瑞金华恒兴盛嘉博润德顺福丰正天聚汇和永泰信安佳鼎宝昌隆源"
TRADE_SECOND = "源达丰泰信通业升成和福盛祥利元峰康德辉宇航景创远"
LOCAL_TRADE_SHARE = 0.35

# --- Townships: the 18 of Yanqing (docs/domain.md), keyed by code suffix ------------------------
# suffix: (weight for urban industries, weight for rural ones, places)
# Streets list roads; towns and townships list villages (村).

TOWNSHIPS = {
    "001": (9, 2, ["妫水北街", "百泉街", "东顺城街", "西顺城街", "湖北西路"]),
    "002": (8, 2, ["香水园路", "新兴西街", "高塔街", "湖南西路"]),
    "003": (8, 2, ["儒林街", "湖南东路", "东外大街", "妫水南街", "庆园街"]),
    "100": (12, 6, ["唐家堡", "王泉营", "西白庙", "东关", "三里河", "北菜园", "卓家营"]),
    "101": (9, 6, ["康庄", "小丰营", "刁千营", "火烧营", "西桑园", "榆林堡", "马坊"]),
    "102": (6, 7, ["岔道", "石峡", "营城子", "程家窑", "东曹营", "西拨子"]),
    "103": (6, 6, ["北关", "南关", "新华营", "东山", "孔化营", "小庄科", "偏坡峪"]),
    "104": (4, 6, ["旧县", "古城", "大柏老", "白河堡", "米粮屯", "盛世营"]),
    "105": (5, 9, ["张山营", "西大庄科", "上板泉", "后黑龙庙", "胡家营", "水峪", "玉皇庙"]),
    "106": (2, 5, ["四海", "南湾", "海字口", "前山", "菜食河", "黑汉岭"]),
    "107": (2, 5, ["千家店", "下德龙湾", "红旗甸", "水头", "花盆", "河口"]),
    "108": (4, 5, ["沈家营", "河东", "曹官营", "下花园", "连家营", "冯庄"]),
    "109": (3, 5, ["大榆树", "程家营", "下屯", "小张家口", "姜家台", "岳家营"]),
    "110": (3, 5, ["井庄", "柳沟", "王木营", "艾官营", "三司", "宝林寺"]),
    "200": (1, 3, ["大庄科", "沙门", "慈母川", "汉家川", "铁炉"]),
    "201": (1, 3, ["刘斌堡", "山南沟", "姚官岭", "观西沟"]),
    "202": (1, 4, ["香营", "屈家窑", "新庄堡", "小堡", "八道河"]),
    "203": (1, 3, ["珍珠泉", "南天门", "上水沟", "仓米道", "下花楼"]),
}  # fmt: skip

# --- Size, ownership, legal form ---------------------------------------------------------------

SIZE_WEIGHTS = {"micro": 60, "small": 31, "medium": 8, "large": 1}
# Employees by size class; industry (B-E) uses the national SME standard's industrial bands.
EMPLOYEES = {
    "industrial": {"micro": (2, 19), "small": (20, 299), "medium": (300, 999),
                   "large": (1000, 1800)},
    "other": {"micro": (2, 9), "small": (10, 99), "medium": (100, 299), "large": (300, 1000)},
}  # fmt: skip
CAPITAL_STEPS = [3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 800, 1000, 2000, 3000, 5000, 10000]
CAPITAL_RANGE = {"micro": (0, 7), "small": (4, 11), "medium": (9, 14), "large": (12, 15)}
# Ownership of companies (cooperatives and individual businesses have their own).
OWNERSHIP_WEIGHTS = {"private": 90, "collective": 3, "state": 2, "hmt": 3, "foreign": 2}
LEGAL_FORM_WEIGHTS = {"llc": 88, "joint_stock": 3, "sole": 6, "partnership": 3}
# Name endings of sole proprietorships (个人独资企业) by section; others end in 中心.
SOLE_SUFFIX = {"C": "厂", "F": "商行", "H": "", "O": "部"}

# --- People -------------------------------------------------------------------------------------

SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨赵赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹"
    "袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白"
    "崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹易常武乔贺赖龚文郑孙岳闫"
)
GIVEN_MALE_SINGLE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆峰亮建林庆海春东志"
GIVEN_MALE_FIRST = "志建国俊文晓海永立子宇浩明振家德少长春宏新金学天"
GIVEN_MALE_SECOND = "强军华平明伟涛斌辉刚峰杰鹏超磊宇航成林亮龙旭东"
GIVEN_FEMALE_SINGLE = "芳娜敏静丽艳娟霞秀玲燕红琳雪梅丹萍慧颖婷倩莉洁晶蕾佳欣"
GIVEN_FEMALE_FIRST = "秀晓丽雅淑玉春海美慧思雨欣佳桂凤红亚"
GIVEN_FEMALE_SECOND = "英兰芳华梅娟琴霞玲丽敏静婷怡颖萱瑶洁红艳"
WOMEN_SHARE = 0.24

MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "155", "156", "157", "158", "159", "176", "177", "180", "185", "186", "187", "188", "189",
    "199",
]  # fmt: skip
LANDLINE_PREFIX = "010-6914"

# Position of the legal representative by legal form; "" for companies (drawn at random).
POSITIONS = {
    "": ["董事长", "总经理", "执行董事", "董事长兼总经理", "执行董事兼经理"],
    "cooperative": "理事长",
    "sole": "投资人",
    "partnership": "执行事务合伙人",
    "other": "经理",
}

STATUS_REASONS = {
    "suspended": ["连续两年未缴纳会费，暂停会籍。", "企业被列入经营异常名录，暂停会籍待核实。"],
    "withdrawn": ["企业已注销。", "企业迁出延庆区，本人申请退会。", "企业申请退会。"],
}

# --- Representative figures -------------------------------------------------------------------

TAG_YOUNG = "年轻一代"
TAG_WOMEN = "女企业家"
TAG_NEW_STRATUM = "新的社会阶层"
TAG_EXECUTIVE = "执委"
TAG_STANDING = "常委"
TAG_RETURNEE = "返乡创业"
TAG_CHAMBER = "商会负责人"
TAGS = [TAG_YOUNG, TAG_WOMEN, TAG_NEW_STRATUM, TAG_EXECUTIVE, TAG_STANDING, TAG_RETURNEE,
        TAG_CHAMBER]  # fmt: skip
YOUNG_FROM = 1981  # born in or after this year: the young generation of entrepreneurs

# kind, level, title, term, started, ended, how many. The term names are illustrative.
PUBLIC_POSTS = [
    ("npc", "district", "延庆区人大代表", "第二届", datetime.date(2022, 1, 5), None, 5),
    ("npc", "district", "延庆区人大代表", "第一届", datetime.date(2017, 1, 5),
     datetime.date(2021, 12, 31), 1),
    ("cppcc", "district", "区政协常委", "第二届", datetime.date(2022, 1, 4), None, 2),
    ("cppcc", "district", "区政协委员", "第二届", datetime.date(2022, 1, 4), None, 4),
    ("cppcc", "municipal", "北京市政协委员", "第十四届", datetime.date(2023, 1, 12), None, 1),
    ("npc", "township", "镇人大代表", "", datetime.date(2021, 12, 10), None, 2),
    ("other", "district", "延庆区青年联合会委员", "", datetime.date(2023, 6, 1), None, 1),
]  # fmt: skip

# name, organiser, for whom ("all", a tag, or "party"), dates
TRAININGS = [
    ("民营企业家理想信念教育专题培训", "中共延庆区委统战部、延庆区工商联", "all",
     [datetime.date(2023, 4, 18), datetime.date(2025, 5, 20)]),
    ("延庆区年轻一代民营企业家培训班", "延庆区工商联", TAG_YOUNG,
     [datetime.date(2022, 7, 12), datetime.date(2024, 7, 9), datetime.date(2026, 6, 16)]),
    ("女企业家能力提升培训班", "延庆区工商联、延庆区妇联", TAG_WOMEN,
     [datetime.date(2024, 3, 6)]),
    ("非公有制经济代表人士综合素质提升研修班", "北京市工商联", TAG_EXECUTIVE,
     [datetime.date(2023, 10, 24), datetime.date(2025, 10, 21)]),
    ("冰雪产业与文旅融合发展专题培训", "延庆区工商联", "all", [datetime.date(2021, 11, 3)]),
    ("企业合规经营与风险防范讲座", "延庆区工商联、延庆区司法局", "all",
     [datetime.date(2022, 9, 15), datetime.date(2024, 11, 12)]),
    ("延庆区非公企业党组织书记培训班", "中共延庆区委组织部", "party",
     [datetime.date(2023, 6, 27), datetime.date(2025, 6, 24)]),
]  # fmt: skip

# --- Applications -------------------------------------------------------------------------------

REJECTION_REASONS = [
    (
        "110108",
        "企业注册地在海淀区，不属于本会会员发展范围；可向注册地工商联申请入会，"
        "迁入延庆后欢迎重新申请。",
    ),
    (
        DISTRICT_CODE,
        "上传的营业执照与填写的企业名称不一致，请核对后重新提交申请。",
    ),
]
