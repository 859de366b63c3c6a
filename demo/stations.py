"""The demo county's service places (places app), from the seed article:
延安北路街道's 28 shop-hosted 社区服务驿站 along the 1.6 km 红延印象街区 with
its six community centres, and in 呼图壁镇 the 4 "呼必应 邻里小屋" warm
stations (converted street police kiosks), the 11 幸福食堂, 24-hour
facilities, third-party providers and deliberation spots. Shop names,
positions and hours are invented; Xinjiang keeps Beijing time, so offices
open 10:00–14:00 and 16:00–20:00."""

from __future__ import annotations

import random
from datetime import time

from places.models import Hours, OnlineService, Place, Service

K = Place.Kind

SHOPS = ["红延超市", "老马拉面馆", "天天药房", "阳光便利店", "延北烟酒行", "丝路书店", "鑫鑫五金", "百姓理发店",
         "好运来快餐", "晨光文具", "新疆大盘鸡", "德福包子铺", "青春奶茶", "顺达通讯", "惠民粮油", "巧手裁缝",
         "康乐眼镜", "金苹果水果店", "友谊照相馆", "乐家面包房", "石榴籽餐厅", "平安洗衣店", "宏达电器维修",
         "绿洲花店", "喜洋洋母婴店", "老李修鞋铺", "红星茶馆", "同心药店"]
ONLINE = [
    ("水电气缴费", "Water, power and gas bills", "https://www.xjdl.sgcc.com.cn/"),
    ("挂号就医", "Hospital appointments", "https://www.nhc.gov.cn/"),
    ("就业咨询", "Jobs and advice", "http://job.mohrss.gov.cn/"),
    ("医保社保查询", "Medical and social insurance", "https://fuwu.nhsa.gov.cn/"),
    ("政务服务", "Government services online", "https://zwfw.xinjiang.gov.cn/"),
]
STATION_SERVICES = ["rest", "hot-water", "charging"]
STATION_EXTRAS = ["heating", "toilet", "first-aid", "toolbox", "umbrella", "books", "wifi", "information", "printing"]
CENTRE_HOURS = [(time(10, 0), time(14, 0)), (time(16, 0), time(20, 0))]
CANTEEN_HOURS = [(time(12, 0), time(14, 30)), (time(18, 30), time(20, 30))]


def _hours(place: Place, periods, days=range(7)) -> None:
    Hours.objects.bulk_create([Hours(place=place, day=d, opens=o, closes=c) for d in days for o, c in periods])


def _place(name, kind, node, lat, lng, address, services, *, host="", phone="", **extra) -> Place:
    place = Place.objects.create(name=name, kind=kind, node=node, lat=lat, lng=lng, address=address, host=host,
                                 phone=phone, **extra)
    place.services.set(Service.objects.filter(code__in=services))
    return place


def build(demo, rng: random.Random, office_phone) -> dict[str, Place]:
    """Creates the places; returns a few by name for the accounts and stories."""
    online = [OnlineService.objects.get_or_create(url=url, defaults={"name": name, "name_en": en, "order": i})[0]
              for i, (name, en, url) in enumerate(ONLINE)]
    named: dict[str, Place] = {}
    cj = [c for c in demo.communities if c.area == "cj"]
    # 28 stations along 延安北路 from 宁边路 (north) to 乌伊路 (south), the street's west and east side in turn.
    north, south, street_lng = 44.0238, 44.0068, 87.3036
    for i, shop in enumerate(SHOPS):
        lat = north - (north - south) * i / (len(SHOPS) - 1)
        lng = street_lng + (-0.0004 if i % 2 else 0.0004)
        community = min(cj, key=lambda c: abs(c.node.lat - lat))
        services = STATION_SERVICES + rng.sample(STATION_EXTRAS, 3)
        place = _place(f"{shop}社区服务驿站", K.STATION, community.node, lat, lng, f"延安北路{12 + i * 8}号",
                       services, host=shop, phone=office_phone("cj", 600 + i))
        place.online_services.set(online)
        if i % 7 == 3:
            _hours(place, [(time(9, 30), time(13, 30)), (time(15, 30), time(22, 0))])  # a lunch break
        elif i % 7 == 5:
            place.open_24h = True
            place.save(update_fields=["open_24h"])
        else:
            _hours(place, [(time(9, 0), time(22, 30))])
        named.setdefault("station", place)
    for n, community in enumerate(cj):
        centre = _place(f"{community.node.name}党群服务中心", K.CENTRE, community.node, community.node.lat,
                        community.node.lng + 0.0006, f"延安北路{community.node.name}", ["rest", "hot-water",
                        "charging", "toilet", "books", "printing", "wifi", "information"],
                        phone=office_phone("cj", 700 + n), holidays=Place.Holidays.CLOSED, follows_workdays=True)
        _hours(centre, CENTRE_HOURS, days=range(5))
        centre.online_services.set(online)
    # 呼图壁镇: warm stations in converted police kiosks, open day and night.
    htb = [c for c in demo.communities if c.area == "htb"]
    for n, community in enumerate(htb[:4]):
        warm = _place(f"呼必应邻里小屋（{community.node.name}）", K.WARM, community.node,
                      community.node.lat - 0.0009, community.node.lng - 0.0012, f"{demo_street(community)}警务站旁",
                      ["rest", "hot-water", "charging", "warmth", "first-aid", "heating", "toilet"], open_24h=True,
                      phone=office_phone("htb", 800 + n))
        named.setdefault("warm", warm)
    # 11 幸福食堂 for 一老一小, in community and grid rooms; on holidays lunch only.
    canteen_sites = [(c, g) for c in htb for g in c.grids][:11]
    for n, (community, grid) in enumerate(canteen_sites):
        compound = next((x for x in community.compounds if community.grid_of[x.pk].pk == grid.pk), community.node)
        # A grid's name already begins with its community's (美华社区第一网格).
        canteen = _place(f"幸福食堂（{grid.name}）", K.CANTEEN, community.node,
                         (compound.lat or community.node.lat) + 0.0003, (compound.lng or community.node.lng) + 0.0003,
                         f"{compound.name}活动室", ["meals", "heating", "hot-water", "rest"],
                         phone=office_phone("htb", 820 + n), holidays=Place.Holidays.OWN)
        _hours(canteen, CANTEEN_HOURS)
        Hours.objects.create(place=canteen, day=Hours.HOLIDAY, opens=time(12, 0), closes=time(14, 0))
        named.setdefault("canteen", canteen)
    hc = htb[0]
    for n, (name, services) in enumerate([("自助打印机", ["printing"]), ("共享充电宝", ["charging"]),
                                          ("自助洗车", []), ("快递驿站", ["parcels"])]):
        _place(f"{name}（{hc.node.name}）", K.FACILITY, hc.node, hc.node.lat + 0.0008 * (n + 1),
               hc.node.lng - 0.0006, f"{hc.node.name}党群服务中心旁", services, open_24h=True)
    for n, (name, host) in enumerate([("普惠托育点", "小太阳托育"), ("社区养老服务站", "康寿养老"),
                                      ("普惠餐厅", "邻家餐厅"), ("青少年课后服务", "启航教育")]):
        provider = _place(name, K.PROVIDER, htb[n + 1].node, htb[n + 1].node.lat + 0.0005,
                          htb[n + 1].node.lng + 0.0009, f"{htb[n + 1].node.name}党群服务中心二楼", ["rest"],
                          host=host, phone=office_phone("htb", 840 + n))
        _hours(provider, [(time(9, 30), time(19, 30))], days=range(6))
    for n, name in enumerate(["议事亭", "调解室", "说事点"]):
        community = htb[n]
        spot = _place(f"{community.node.name}{name}", K.DELIBERATION, community.node, community.node.lat + 0.0004,
                      community.node.lng - 0.0004, f"{community.node.name}党群服务中心", ["information"],
                      holidays=Place.Holidays.CLOSED, follows_workdays=True)
        _hours(spot, CENTRE_HOURS, days=range(5))
    return named


def demo_street(community) -> str:
    return community.streets[0] if community.streets else community.node.name
