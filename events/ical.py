"""iCalendar (RFC 5545) feed of a community's events, written by hand: a
VCALENDAR with one VEVENT per event, its times in UTC, its text escaped and
its lines folded at 75 octets (UTF-8 bytes, never inside a character), every
line ended by CRLF."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

PRODID = "-//Hubiying//Community events//ZH"
CRLF = "\r\n"
LINE_OCTETS = 75  # RFC 5545 §3.1: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line break."
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT (HTAB is; CR and LF are escaped first)


def calendar(node, events, site_url: str) -> str:
    """The community's calendar to subscribe to (METHOD:PUBLISH)."""
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(calendar_name(node))}",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    base = site_url.rstrip("/")
    for event in events:
        lines += vevent(event, base)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def calendar_name(node) -> str:
    """花城社区 → 花城社区活动; 呼图壁镇 → 呼图壁镇社区活动."""
    return f"{node.name}活动" if node.name.endswith("社区") else f"{node.name}社区活动"


def vevent(event, base: str) -> list[str]:
    description = (event.description or "").strip()
    audience = _("For: %(audience)s") % {"audience": event.get_audience_display()}
    description = f"{description}\n\n{audience}" if description else audience
    url = base + reverse("event_detail", args=[event.pk])
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@hubiying",
        f"DTSTAMP:{utc(event.updated_at)}",
        f"LAST-MODIFIED:{utc(event.updated_at)}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SUMMARY:{escape(event.title)}",
    ]
    where = event.where
    if where:
        lines.append(f"LOCATION:{escape(where)}")
    lines += [
        f"DESCRIPTION:{escape(description)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if event.cancelled_at else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def utc(moment: datetime) -> str:
    """A UTC DATE-TIME (FORM #2): 20250301T110000Z."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped,
    every line break as \\n, other control characters dropped."""
    text = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return CONTROL.sub("", text)


def fold(line: str) -> str:
    """Splits a content line into pieces of at most 75 octets, each after the
    first starting with a space (which counts), never inside a character."""
    if len(line.encode()) <= LINE_OCTETS:
        return line
    pieces, current, size, limit = [], [], 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)
