"""The iCalendar feed (RFC 5545): CRLF lines of at most 75 octets, folded
without splitting a character, text escaped, times in UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events import ical
from events.models import Event
from places.models import Place

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITE = "https://hubiying.example/"
LONG_TITLE = "花城社区邻里文化节之一起来摊玩暨一元公益日闲置物品交换与居民恳谈日亲子手工坊活动报名"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=SHANGHAI)


def event(cast, **fields) -> Event:
    values = {"node": cast.community, "title": "邻里文化节", "starts_at": at(8, 19), "ends_at": at(8, 21),
              "location": "花城小区小广场", "capacity": 30}
    values.update(fields)
    return Event.objects.create(**values)


def unfold(text: str) -> list[str]:
    """The content lines (RFC 5545 §3.1: CRLF followed by one space or tab continues)."""
    assert text.endswith("\r\n")
    lines: list[str] = []
    for raw in text[:-2].split("\r\n"):
        if raw[:1] in (" ", "\t"):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def components(text: str) -> list[dict[str, list[str]]]:
    """Each VEVENT's properties: name (parameters dropped) -> values."""
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current.setdefault(name.split(";")[0], []).append(value)
    return found


def one(text: str) -> dict[str, str]:
    (props,) = components(text)
    return {name: values[0] for name, values in props.items()}


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def test_the_calendar_has_its_header_and_one_vevent_per_event(cast):
    first, second = event(cast), event(cast, title="一元公益日", starts_at=at(15, 10), ends_at=at(15, 12))
    text = ical.calendar(cast.community, [first, second], SITE)
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    for line in ["PRODID:-//Hubiying//Community events//ZH", "VERSION:2.0", "CALSCALE:GREGORIAN",
                 "METHOD:PUBLISH", "X-WR-CALNAME:花城社区活动", "X-WR-TIMEZONE:Asia/Shanghai"]:
        assert line in lines
    events = components(text)
    assert [e["SUMMARY"] for e in events] == [["邻里文化节"], ["一元公益日"]]
    for props in events:
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL", "STATUS"):
            assert len(props[name]) == 1, name


def test_an_empty_calendar_is_still_a_calendar(cast):
    text = ical.calendar(cast.community, [], SITE)
    assert unfold(text)[0] == "BEGIN:VCALENDAR" and "BEGIN:VEVENT" not in text


def test_every_line_ends_with_crlf_and_none_is_longer_than_75_octets(cast):
    events = [event(cast, title=LONG_TITLE, description="详情：" + "请带上家里闲置的图书、玩具和小家电，" * 12),
              event(cast, title="a" * 100, location="x" * 150)]
    text = ical.calendar(cast.community, events, SITE)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in text.replace("\r\n", "")
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode("utf-8")) <= 75, line
    assert any(len(line.encode()) == 75 for line in text.split("\r\n"))  # folded as late as allowed


def test_a_chinese_title_longer_than_75_octets_survives_folding_intact(cast):
    assert len(("SUMMARY:" + LONG_TITLE).encode()) > 75
    text = ical.calendar(cast.community, [event(cast, title=LONG_TITLE)], SITE)
    physical = text.split("\r\n")
    start = next(i for i, line in enumerate(physical) if line.startswith("SUMMARY:"))
    assert physical[start + 1].startswith(" ")  # it was folded
    for line in text.encode("utf-8").split(b"\r\n"):
        line.decode("utf-8")  # no physical line cut a character in two
    assert one(text)["SUMMARY"] == LONG_TITLE


def test_fold_splits_between_characters_and_counts_the_leading_space():
    line = "SUMMARY:" + "活" * 100
    folded = ical.fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces[0].encode()) <= 75 and all(p.startswith(" ") for p in pieces[1:])
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert "".join([pieces[0]] + [p[1:] for p in pieces[1:]]) == line
    assert ical.fold("SUMMARY:short") == "SUMMARY:short"
    exactly = "X" * 75
    assert ical.fold(exactly) == exactly and ical.fold(exactly + "Y") == exactly + "\r\n Y"


def test_commas_semicolons_backslashes_and_newlines_are_escaped(cast):
    description = "第一行, 带逗号; 带分号\\反斜杠\r\n第二行\n第三行"
    e = event(cast, title="茶话会, 座谈; 交流", description=description, location="活动室A,B;C")
    props = one(ical.calendar(cast.community, [e], SITE))
    assert props["SUMMARY"] == "茶话会\\, 座谈\\; 交流"
    assert props["LOCATION"] == "活动室A\\,B\\;C"
    assert "第一行\\, 带逗号\\; 带分号\\\\反斜杠\\n第二行\\n第三行" in props["DESCRIPTION"]
    assert unescape(props["DESCRIPTION"]).startswith("第一行, 带逗号; 带分号\\反斜杠\n第二行\n第三行")
    assert unescape(props["SUMMARY"]) == "茶话会, 座谈; 交流"


def test_the_description_names_the_audience(cast):
    e = event(cast, audience=Event.Audience.ELDERLY, description="健康讲座")
    description = unescape(one(ical.calendar(cast.community, [e], SITE))["DESCRIPTION"])
    assert description.startswith("健康讲座\n")
    assert str(Event.Audience.ELDERLY.label) in description
    bare = event(cast, audience=Event.Audience.CHILDREN, description="")
    (_first, props) = components(ical.calendar(cast.community, [e, bare], SITE))
    assert str(Event.Audience.CHILDREN.label) in unescape(props["DESCRIPTION"][0])


def test_times_are_in_utc(cast):
    e = event(cast, starts_at=at(8, 19), ends_at=at(8, 21, 30))
    Event.objects.filter(pk=e.pk).update(updated_at=at(1, 8, 5))
    e.refresh_from_db()
    props = one(ical.calendar(cast.community, [e], SITE))
    assert props["DTSTART"] == "20250308T110000Z"
    assert props["DTEND"] == "20250308T133000Z"
    assert props["DTSTAMP"] == "20250301T000500Z"
    late = event(cast, starts_at=at(8, 6, 30), ends_at=at(8, 7))  # the day before in UTC
    assert one(ical.calendar(cast.community, [late], SITE))["DTSTART"] == "20250307T223000Z"


def test_a_cancelled_event_has_status_cancelled(cast):
    held, called_off = event(cast), event(cast, cancelled_at=timezone.now())
    statuses = [p["STATUS"] for p in components(ical.calendar(cast.community, [held, called_off], SITE))]
    assert statuses == [["CONFIRMED"], ["CANCELLED"]]


def test_uid_is_stable_and_url_points_at_the_event(cast):
    e = event(cast)
    first = one(ical.calendar(cast.community, [e], SITE))
    e.title, e.starts_at, e.ends_at = "改期后的邻里文化节", at(9, 19), at(9, 21)
    e.updated_at = timezone.now()
    e.save()
    second = one(ical.calendar(cast.community, [e], SITE))
    assert first["UID"] == second["UID"] == f"event-{e.pk}@hubiying"
    assert first["DTSTART"] != second["DTSTART"]
    assert first["URL"] == "https://hubiying.example" + reverse("event_detail", args=[e.pk])
    assert one(ical.calendar(cast.community, [e], "https://hubiying.example"))["URL"] == first["URL"]


def test_location_is_the_place_and_the_room(cast):
    place = Place.objects.create(name="花城社区党群服务中心", kind=Place.Kind.CENTRE, node=cast.community,
                                 address="花城路1号", lat=44.19, lng=86.90)
    with_room = event(cast, place=place, location="二楼活动室")
    place_only = event(cast, place=place, location="")
    a, b = components(ical.calendar(cast.community, [with_room, place_only], SITE))
    assert a["LOCATION"] == ["花城社区党群服务中心 二楼活动室"]
    assert b["LOCATION"] == ["花城社区党群服务中心"]


def test_a_town_gets_a_community_events_name(cast):
    assert ical.calendar_name(cast.town) == "呼图壁镇社区活动"
    assert ical.calendar_name(cast.community) == "花城社区活动"
