"""The demo county's places and handling units, as plain data.

The places come from the 昌吉日报 page the project starts from: 呼图壁县 ›
呼图壁镇 with 花城社区 and 美华社区 (named in the article) and four more
communities; 昌吉市 › 延安北路街道, whose six communities along the 1.6 km
红延印象街区 the article counts but does not name. Every other name (grids,
compounds, property companies, streets) is invented for the demo.
Coordinates are approximate: a few hundred metres around each town centre.
"""

from __future__ import annotations

# A community: (code suffix, name, lat, lng, grids); a grid: list of compounds;
# a compound: (code suffix, name, d_lat, d_lng) relative to its community.
Compound = tuple[str, str, float, float]

HUTUBI = {
    "code": "HTB", "name": "呼图壁县", "lat": 44.1910, "lng": 86.8990,
    "town": {"code": "HTBZ", "name": "呼图壁镇", "lat": 44.1905, "lng": 86.8985},
    "communities": [
        ("HC", "花城社区", 44.1935, 86.8932, [
            [("C1", "花城小区", 0.0012, 0.0010), ("C2", "锦绣花园", -0.0011, 0.0019)],
            [("C3", "金色家园", 0.0024, -0.0016)],
            [("C4", "阳光佳苑", -0.0021, -0.0023), ("C5", "花城东苑", 0.0005, 0.0031)],
        ]),
        ("MH", "美华社区", 44.1868, 86.9051, [
            [("C1", "美华苑", 0.0010, 0.0012), ("C2", "丽景苑", -0.0014, 0.0008)],
            [("C3", "和谐家园", 0.0019, -0.0021)],
            [("C4", "美华新村", -0.0026, -0.0011)],
        ]),
        ("YL", "园林社区", 44.1982, 86.9104, [
            [("C1", "园林小区", 0.0009, -0.0013), ("C2", "幸福里", 0.0017, 0.0011)],
            [("C3", "翠园", -0.0015, 0.0020)],
            [("C4", "康居小区", -0.0024, -0.0018)],
        ]),
        ("YB", "迎宾社区", 44.1801, 86.8885, [
            [("C1", "迎宾花园", 0.0011, 0.0009)],
            [("C2", "天润家园", -0.0013, 0.0017), ("C3", "世纪花园", 0.0021, -0.0019)],
        ]),
        ("DF", "东方社区", 44.1920, 86.9203, [
            [("C1", "东城嘉苑", -0.0010, 0.0014), ("C2", "锦华苑", 0.0016, 0.0006)],
            [("C3", "东方小区", 0.0007, -0.0022)],
        ]),
        ("TS", "天山社区", 44.2040, 86.8960, [
            [("C1", "天山名苑", 0.0012, -0.0009)],
            [("C2", "雪莲小区", -0.0017, 0.0016), ("C3", "南山嘉园", 0.0022, 0.0021)],
        ]),
    ],
    "streets": ["园林路", "迎宾路", "天山街", "建设路", "东风路", "团结路", "人民路", "南环路", "花城路"],
    "landmarks": ["农贸市场", "客运站", "文化广场", "县人民医院", "第一中学", "百货大楼", "公交站", "社区服务驿站"],
}

CHANGJI = {
    "code": "CJ", "name": "昌吉市", "lat": 44.0110, "lng": 87.3040,
    "town": {"code": "YABL", "name": "延安北路街道", "lat": 44.0150, "lng": 87.3035},
    # North (宁边路) to south (乌伊路) along 延安北路.
    "communities": [
        ("NB", "宁边路社区", 44.0232, 87.3046, [
            [("C1", "宁边花园", 0.0008, 0.0012), ("C2", "百合苑", -0.0010, -0.0011)],
            [("C3", "宁边小区", 0.0016, -0.0015)],
        ]),
        ("HY", "红延社区", 44.0203, 87.3031, [
            [("C1", "红星家园", 0.0009, 0.0010)],
            [("C2", "延安小区", -0.0012, 0.0014)],
        ]),
        ("YB", "延北社区", 44.0174, 87.3022, [
            [("C1", "延北嘉苑", 0.0010, -0.0012)],
            [("C2", "润景苑", -0.0011, 0.0009), ("C3", "明珠家园", 0.0018, 0.0016)],
        ]),
        ("JG", "建国路社区", 44.0143, 87.3012, [
            [("C1", "建国路小区", -0.0009, -0.0010)],
            [("C2", "丰泽园", 0.0013, 0.0012)],
        ]),
        ("LZ", "绿洲社区", 44.0108, 87.3058, [
            [("C1", "绿洲嘉园", 0.0011, 0.0007)],
            [("C2", "长宁苑", -0.0014, -0.0013)],
        ]),
        ("WY", "乌伊路社区", 44.0072, 87.3041, [
            [("C1", "乌伊花苑", 0.0008, -0.0011)],
            [("C2", "屯河小区", -0.0012, 0.0015)],
        ]),
    ],
    "streets": ["延安北路", "宁边路", "乌伊路", "北京北路", "建国路", "长宁路", "屯河路"],
    "landmarks": ["红延印象街区", "社区服务驿站", "农贸市场", "公交站", "新华书店", "市人民医院"],
}

AREAS = {"htb": HUTUBI, "cj": CHANGJI}
GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格"]

# Departments serve their whole county or city.
DEPARTMENTS = [
    ("CG", "城市管理局", "cg"),
    ("ZJ", "住房和城乡建设局", "zj"),
    ("GS", "供排水公司", "gs"),
    ("GD", "供电公司", "gd"),
    ("SJ", "市场监督管理局", "sj"),
]

# Property companies: (code, name, area, compound codes they serve).
PROPERTY_COMPANIES = [
    ("HTB-WY-MJ", "美居物业", "htb", ["HTB-HTBZ-HC-G1-C1", "HTB-HTBZ-HC-G1-C2", "HTB-HTBZ-MH-G1-C1"]),
    ("HTB-WY-AJ", "安家物业", "htb", ["HTB-HTBZ-HC-G2-C3", "HTB-HTBZ-HC-G3-C4", "HTB-HTBZ-MH-G2-C3",
                                       "HTB-HTBZ-YB-G2-C2"]),
    ("HTB-WY-HT", "华庭物业", "htb", ["HTB-HTBZ-YL-G1-C1", "HTB-HTBZ-YL-G1-C2", "HTB-HTBZ-YB-G1-C1",
                                       "HTB-HTBZ-TS-G1-C1", "HTB-HTBZ-HC-G3-C5"]),
    ("HTB-WY-HA", "恒安物业", "htb", ["HTB-HTBZ-YL-G2-C3", "HTB-HTBZ-DF-G1-C1", "HTB-HTBZ-DF-G1-C2",
                                       "HTB-HTBZ-TS-G2-C3", "HTB-HTBZ-YB-G2-C3"]),
    ("CJ-WY-JY", "嘉园物业", "cj", ["CJ-YABL-NB-G1-C1", "CJ-YABL-NB-G1-C2", "CJ-YABL-YB-G2-C3",
                                     "CJ-YABL-JG-G2-C2"]),
    ("CJ-WY-YF", "裕丰物业", "cj", ["CJ-YABL-HY-G1-C1", "CJ-YABL-YB-G1-C1", "CJ-YABL-LZ-G1-C1",
                                     "CJ-YABL-WY-G1-C1"]),
]

# Police posts and partner organisations: (code, name, area, kind, node codes).
OTHER_UNITS = [
    ("HTB-JWS", "呼图壁镇花城警务室", "htb", "police", ["HTB-HTBZ-HC", "HTB-HTBZ-MH", "HTB-HTBZ-YL"]),
    ("CJ-JWS", "延安北路警务站", "cj", "police", ["CJ-YABL"]),
    ("HTB-LF", "雷锋车队志愿服务队", "htb", "partner", ["HTB-HTBZ"]),
]


def compound_code(area: dict, community: str, grid_index: int, compound: str) -> str:
    return f"{area['code']}-{area['town']['code']}-{community}-G{grid_index + 1}-{compound}"


def office_phone(area_key: str, n: int) -> str:
    """A well-formed fixed-line number in the 0994 area (昌吉州)."""
    prefix = "0994-23" if area_key == "cj" else "0994-45"
    return f"{prefix}{n:05d}"
