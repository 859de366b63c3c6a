"""The demo's two-level category tree and the routing behind it.

Each second-level entry: (code, name, English name, route, thing, weight).
`route` names who normally handles it: "property" (the compound's property
company, else the community), a department key ("cg" 城管, "zj" 住建, "gs"
供水, "gd" 供电, "sj" 市场监管), "community", "police" or "partner".
`thing` is the short noun the reply and praise texts use; `weight` how often
residents raise it.
"""

from __future__ import annotations

CATEGORIES = [
    ("WY", "物业管理", "Property management", [
        ("WY-DT", "电梯故障", "Lift fault", "property", "电梯", 6),
        ("WY-FW", "物业服务", "Property services", "property", "物业服务", 6),
        ("WY-TC", "停车管理", "Parking", "property", "停车", 5),
        ("WY-WX", "公共设施维修", "Shared facilities repair", "property", "公共设施", 5),
        ("WY-FY", "物业收费", "Property fees", "property", "物业收费", 2),
    ]),
    ("SZ", "市政设施", "Public works", [
        ("SZ-LD", "路灯不亮", "Street light out", "cg", "路灯", 5),
        ("SZ-DL", "道路破损", "Damaged road", "zj", "道路", 4),
        ("SZ-JG", "井盖缺失", "Missing manhole cover", "cg", "井盖", 2),
        ("SZ-LH", "绿化养护", "Trees and green spaces", "cg", "绿化", 2),
        ("SZ-PS", "排水不畅", "Blocked drains", "zj", "排水", 3),
    ]),
    ("HJ", "环境卫生", "Sanitation and environment", [
        ("HJ-LJ", "垃圾清运", "Waste collection", "cg", "垃圾清运", 5),
        ("HJ-ZY", "噪音扰民", "Noise nuisance", "cg", "噪音", 4),
        ("HJ-YY", "油烟扰民", "Cooking fumes", "cg", "油烟", 2),
        ("HJ-WZ", "乱堆乱放", "Clutter in shared spaces", "community", "杂物堆放", 3),
    ]),
    ("GS", "供水供暖", "Water and heating", [
        ("GS-TS", "停水", "Water outage", "gs", "停水", 4),
        ("GS-SZ", "水质问题", "Water quality", "gs", "水质", 2),
        ("GS-NQ", "暖气不热", "Heating too cold", "zj", "暖气", 5),
        ("GS-LS", "管道漏水", "Leaking water pipe", "gs", "管道漏水", 2),
    ]),
    ("GD", "供电", "Electricity", [
        ("GD-TD", "停电", "Power cut", "gd", "停电", 3),
        ("GD-XL", "线路隐患", "Unsafe wiring", "gd", "线路", 2),
        ("GD-CD", "充电设施", "E-bike charging", "property", "充电桩", 3),
    ]),
    ("SC", "市场监管", "Market regulation", [
        ("SC-SP", "食品安全", "Food safety", "sj", "食品安全", 2),
        ("SC-JG", "价格投诉", "Prices", "sj", "价格", 2),
        ("SC-JL", "缺斤短两", "Short weight", "sj", "计量", 1),
        ("SC-XF", "消费纠纷", "Consumer disputes", "sj", "消费纠纷", 2),
    ]),
    ("SB", "社会保障", "Social security", [
        ("SB-YL", "养老", "Elderly care and pensions", "community", "养老服务", 3),
        ("SB-YB", "医保", "Medical insurance", "community", "医保", 2),
        ("SB-DB", "低保", "Minimum living allowance", "community", "低保", 2),
        ("SB-JY", "就业", "Employment", "community", "就业", 2),
        ("SB-CJ", "残疾人服务", "Disability services", "community", "残疾人服务", 1),
    ]),
    ("SQ", "社区服务", "Community services", [
        ("SQ-ZC", "老年助餐", "Meals for the elderly", "partner", "助餐", 2),
        ("SQ-BM", "便民服务", "Everyday services", "community", "便民服务", 3),
        ("SQ-HD", "文体活动", "Community activities", "community", "文体活动", 1),
        ("SQ-ZM", "证明办理", "Certificates", "community", "证明办理", 2),
    ]),
    ("LL", "邻里纠纷", "Neighbour disputes", [
        ("LL-LS", "漏水纠纷", "Leaks between flats", "community", "漏水", 3),
        ("LL-ZY", "占用公共空间", "Occupied shared space", "community", "公共空间占用", 2),
        ("LL-CW", "宠物扰民", "Pets", "police", "养犬", 2),
        ("LL-QT", "其他纠纷", "Other disputes", "police", "邻里矛盾", 2),
    ]),
]

# Categories whose questions are natural (the resident asks how to do something).
QUESTION_GROUPS = {"SB", "SQ"}

# Small matters a grid worker or the community settles on the spot (即接即办).
QUICK_CATEGORIES = ["HJ-WZ", "LL-ZY", "LL-CW", "LL-QT", "SQ-BM", "SQ-ZM", "WY-WX", "HJ-LJ", "SZ-LD"]

# Complex matters get 15 working days to handle (the most specific row wins).
LONG_HANDLING = ["SZ-DL", "LL-LS", "SB-DB"]


def leaves():
    """(parent code, code, name, English name, route, thing, weight) for every second-level category."""
    for parent, _name, _en, children in CATEGORIES:
        for child in children:
            yield (parent, *child)

# The extra questions the demo asks for some categories (the admin edits them on
# the category; Open311 clients read them as the service's attributes):
# (code, question, English question, datatype, required, hint, options a line each "key=name").
QUESTIONS = {
    "WY-DT": [
        ("notice", "如有人被困在电梯里，请先拨打电梯内的紧急电话或119。", "If someone is trapped, call the lift's "
         "emergency phone or 119 first.", "string", False, "", "", False),
        ("building", "哪栋楼、哪个单元的电梯？", "Which building and entrance?", "string", True, "例如：3号楼2单元",
         "", True),
        ("trapped", "现在有人被困吗？", "Is anyone trapped now?", "singlevaluelist", True, "",
         "yes=有人被困\nno=没有人被困", True),
        ("since", "从什么时候开始停运？", "Since when has it been out of order?", "datetime", False, "", "", True),
        ("floors", "哪些楼层停不了？", "Which floors can it not reach?", "multivaluelist", False, "可多选",
         "low=1–6层\nmid=7–12层\nhigh=13层以上", True),
    ],
}
