"""Places beside the shared cast (conftest.Cast): two stations of 花城社区 with
their hosts, a canteen, a place of the other city, community staff of each
community. Plain functions, so that browser tests use them too."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import time

from django.contrib.auth import get_user_model

from organisations.models import Role
from places.models import Hours, OnlineService, Place, Service

SERVICES = importlib.import_module("places.migrations.0002_catalogue").SERVICES


@dataclass
class Spots:
    station: Place  # 红星超市社区服务驿站, 09:00–21:00 every day, hosted by `host`
    lunch: Place  # 德福社区服务驿站, 09:00–12:00 and 14:00–20:00, hosted by `other_host`
    canteen: Place  # 幸福食堂, closed on public holidays
    night: Place  # a 24-hour warm station
    far: Place  # a station of the other city
    host: object
    other_host: object
    staff: object  # community staff of 花城社区
    other_staff: object  # community staff of the other city's community
    online: OnlineService


def week(place: Place, periods, days=range(7)) -> None:
    Hours.objects.bulk_create([Hours(place=place, day=d, opens=o, closes=c) for d in days for o, c in periods])


def make_spots(cast) -> Spots:
    User = get_user_model()
    # Migration 0002's rows, made again where a transactional test before this one flushed them.
    for order, (code, name, name_en) in enumerate(SERVICES):
        Service.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})
    services = {s.code: s for s in Service.objects.all()}

    def place(name, kind, node, lat, lng, codes, **extra):
        p = Place.objects.create(name=name, kind=kind, node=node, lat=lat, lng=lng, address=f"{name}门口", **extra)
        p.services.set([services[c] for c in codes])
        return p

    station = place("红星超市社区服务驿站", Place.Kind.STATION, cast.community, 44.1905, 86.9010,
                    ["rest", "hot-water", "charging"], host="红星超市", phone="0994-4500001")
    week(station, [(time(9, 0), time(21, 0))])
    lunch = place("德福社区服务驿站", Place.Kind.STATION, cast.community, 44.1930, 86.9010,
                  ["hot-water", "heating", "toilet"], host="德福包子铺")
    week(lunch, [(time(9, 0), time(12, 0)), (time(14, 0), time(20, 0))])
    canteen = place("幸福食堂", Place.Kind.CANTEEN, cast.community, 44.1890, 86.9000, ["meals", "heating"],
                    holidays=Place.Holidays.CLOSED)
    week(canteen, [(time(11, 30), time(14, 0))])
    night = place("邻里小屋", Place.Kind.WARM, cast.community, 44.1950, 86.9050, ["rest", "hot-water", "warmth"],
                  open_24h=True)
    far = place("北京南路驿站", Place.Kind.STATION, cast.other_community, 44.0100, 87.3000, ["hot-water"])
    week(far, [(time(0, 0), time(0, 0))])
    online = OnlineService.objects.create(name="水电气缴费", url="https://pay.example.cn/bills")
    station.online_services.add(online)

    host = User.objects.create_user("stationhost", password="pw")
    other_host = User.objects.create_user("otherhost", password="pw")
    station.hosts.add(host)
    lunch.hosts.add(other_host)
    staff = User.objects.create_user("communitystaff", password="pw")
    Role.objects.create(user=staff, name=Role.Name.COMMUNITY_STAFF, node=cast.community)
    other_staff = User.objects.create_user("otherstaff", password="pw")
    Role.objects.create(user=other_staff, name=Role.Name.COMMUNITY_STAFF, node=cast.other_community)
    return Spots(station, lunch, canteen, night, far, host, other_host, staff, other_staff, online)
