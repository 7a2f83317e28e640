"""Fixed facts for the demo events built by `manage.py seed_events` (part of seed_demo).

A year and a half of what a district federation runs (docs/domain.md): a breakfast meeting every
month with district officials at the table, ideals-and-beliefs education and lectures reaching
over a thousand enterprise attendances, financing fairs with banks, a recruitment month with
the human-resources bureau, a flood-relief campaign with its donations, and two events still to
come (one open for registration, one invitation-only meeting still collecting answers).

All people and figures are invented; officials are named by post with invented names.
"""

from decimal import Decimal

SEED = 1101193
HISTORY_MONTHS = 17  # months of history before the month the demo is loaded in

# (name, title) of district officials who sit with the entrepreneurs at breakfast meetings.
OFFICIALS = [
    ("韩志刚", "区委常委、常务副区长"),
    ("孟晓燕", "副区长"),
    ("邓国平", "区发展改革委主任"),
    ("范丽君", "区经济和信息化局局长"),
    ("邵建新", "区人力资源和社会保障局局长"),
    ("苏伟", "区金融服务办公室主任"),
    ("冯海涛", "区市场监督管理局局长"),
    ("程蕾", "区政务服务管理局局长"),
    ("蒋东升", "区规划和自然资源委员会延庆分局局长"),
    ("叶青", "区商务局局长"),
]

BREAKFAST_VENUES = [
    "中关村延庆园企业服务中心一层会议室",
    "延庆区政务服务中心三层会议室",
    "延庆区工商联四层会议室",
]
BREAKFAST_THEMES = [
    "冰雪产业发展", "文旅融合与民宿经营", "融资难融资贵", "用工与人才引进", "营商环境优化",
    "园区配套与物流", "数字化转型", "农业产业化", "政策兑现", "企业上市培育", "绿色低碳发展",
    "世园会场馆后续利用", "拖欠账款清理", "市场准入与审批", "科技创新", "消费提振",
    "夏季旅游旺季保障", "年终政策回头看",
]  # fmt: skip

PROBLEMS = [
    "园区内部道路破损，重型物流车辆通行困难，希望协调修缮。",
    "申请的技改补贴已公示三个月仍未拨付，影响资金周转。",
    "冬季用工缺口较大，希望人社部门组织专场招聘。",
    "民宿审批涉及部门多、材料重复提交，希望推行一窗受理。",
    "企业厂房产权证办理长期搁置，影响银行抵押贷款。",
    "希望在康庄镇增设公交线路，方便员工通勤。",
    "某国有企业拖欠工程款近两年，多次催要无果。",
    "首贷难，希望金融办推荐适合小微企业的信用贷款产品。",
    "希望明确冰雪场馆夏季运营的消防验收标准。",
    "农产品冷库建设用地指标难以落实。",
    "企业高新技术认定材料复杂，希望提供辅导。",
    "旅游旺季周边停车位严重不足，影响游客体验。",
]

EDUCATION = [
    # (kind, title, venue, enterprises reached)
    ("study_visit", "理想信念教育：赴平北抗日战争纪念馆现场教学", "平北抗日战争纪念馆", 62),
    ("lecture", "民企学堂：新《公司法》解读与合规经营", "延庆区工商联四层会议室", 78),
    ("lecture", "民企学堂：学习贯彻民营经济促进法", "延庆区政务服务中心报告厅", 80),
    ("training", "年轻一代民营企业家培训班（第一期）", "延庆区委党校", 55),
    ("study_visit", "理想信念教育：“延庆人民的好书记”杨培森先进事迹学习", "香营乡杨培森纪念馆", 58),
    ("lecture", "民企学堂：中小企业数字化转型路径", "中关村延庆园企业服务中心", 66),
    ("training", "非公企业党务工作者培训", "延庆区委党校", 60),
    ("lecture", "民企学堂：企业用工风险防范", "延庆区工商联四层会议室", 72),
    ("study_visit", "理想信念教育：参观北京世园公园与绿色发展成果", "北京世园公园", 64),
    ("lecture", "民企学堂：税收优惠政策一本通", "延庆区政务服务中心报告厅", 79),
    ("training", "年轻一代民营企业家培训班（第二期）", "延庆区委党校", 56),
    ("lecture", "民企学堂：知识产权保护与商标布局", "延庆区工商联四层会议室", 61),
    ("study_visit", "理想信念教育：八达岭长城文化带调研", "八达岭长城", 59),
    ("lecture", "民企学堂：绿色低碳与碳排放管理", "中关村延庆园企业服务中心", 63),
    ("lecture", "民企学堂：企业安全生产主体责任", "延庆区政务服务中心报告厅", 75),
    ("training", "冰雪产业经营管理培训", "延庆奥林匹克园区", 57),
    ("lecture", "民企学堂：学习贯彻党的二十届四中全会精神", "延庆区工商联四层会议室", 80),
]  # fmt: skip

# Dates of past events are (months before the loading month, day of that month), or for the
# seasonal ones (month, day) of their latest year that is over.
FINANCING = [
    # (title, venue, bank, about when)
    (
        "银企对接会：普惠金融进园区",
        "中关村延庆园企业服务中心",
        "北京银行延庆支行",
        (16, 15),
    ),
    (
        "银企对接会：冰雪文旅企业专场",
        "延庆区政务服务中心三层会议室",
        "北京农商银行延庆支行",
        (12, 18),
    ),
    (
        "银企对接会：科技型中小企业专场",
        "中关村延庆园企业服务中心",
        "中国银行延庆支行",
        (8, 17),
    ),
    (
        "银企对接会：涉农企业融资专场",
        "延庆区工商联四层会议室",
        "邮储银行延庆区支行",
        (4, 14),
    ),
]

RECRUITMENT_MONTH = (4, 1)  # April, seasonal
RECRUITMENT = [
    ("民营企业招聘月：启动仪式暨综合专场", "延庆区人力资源公共服务中心"),
    ("民营企业招聘月：冰雪文旅专场", "延庆奥林匹克园区"),
    ("民营企业招聘月：高校毕业生专场", "延庆区人力资源公共服务中心"),
    ("民营企业招聘月：乡村振兴专场", "康庄镇便民服务中心"),
]

OTHERS = [
    # (kind, title, venue, date, enterprises)
    ("appeal_forum", "民营企业诉求恳谈会（第一期）", "延庆区工商联四层会议室",
     (17, 26), 18),
    ("village_tour", "万企兴万村：走进珍珠泉乡", "珍珠泉乡各行政村",
     (14, 18), 22),
    ("symposium", "民营企业家座谈会：谋划“十五五”", "延庆区委常委会议室",
     (11, 16), 15),
    ("appeal_forum", "民营企业诉求恳谈会（第二期）", "延庆区工商联四层会议室",
     (8, 19), 20),
    ("forum", "延庆区民营经济发展论坛", "延庆区政务服务中心报告厅",
     (5, 10), 85),
    ("volunteer", "光彩志愿服务：防汛物资装运", "延庆区应急物资储备库",
     (15, 2), 26),
    ("symposium", "民营企业家座谈会：营商环境“回头看”", "延庆区委常委会议室",
     (2, 23), 16),
]  # fmt: skip

FLOOD_CAMPAIGN = ("光彩助力防汛救灾捐赠活动", (7, 31), 31)  # seasonal: from 31 July, 31 days
# Chambers give in money; firms in money and goods. Totals near the Shijingshan figures (§7).
FLOOD_CHAMBER_CASH = [Decimal("800000"), Decimal("560000"), Decimal("420000"), Decimal("300000")]
FLOOD_FIRMS = 12
FLOOD_FIRM_CASH_TOTAL = Decimal("809700")
FLOOD_FIRM_GOODS_TOTAL = Decimal("301160")
FLOOD_GOODS = ["矿泉水、方便面", "折叠床、棉被", "抽水泵、发电机", "雨衣、雨靴", "药品、消毒液"]

# Still to come: days after the day the demo is loaded.
OPEN_EVENT = ("民企学堂：数据资产入表实务", "延庆区工商联四层会议室", 13, 60, 38)
PENDING_MEETING = ("企业家早餐会·惠企政策恳谈", "中关村延庆园企业服务中心一层会议室", 19, 14)
