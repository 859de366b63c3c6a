"""The printed certificate of a volunteer's service hours (志愿服务时长证明): an
A4 page, or several when the entries are many, listing every confirmed piece of
work in a period with its total, signed by the issuing office and carrying a QR
code of the page where anyone can check it. It names the volunteer in full but
never shows their phone.

The drawing helpers (the CJK font, text, breaking, QR codes) are the poster's."""

from __future__ import annotations

import io
from datetime import date

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import pgettext
from reportlab.graphics import renderPDF
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from organisations.models import Node
from places.poster import GREY, INK, PALE, RED, RULE, _fit, _font, _text, _wrap, qr_drawing

from . import services
from .models import HoursEntry, Volunteer

# The certificate's wording has a context of its own (msgctxt "certificate"): a label it
# shares with the pages (Date, Period…) is translated as a certificate says it.

WIDTH, HEIGHT = A4
MARGIN = 18 * mm
INNER = WIDTH - 2 * MARGIN
FRAME = 9 * mm  # the red double frame, from the paper's edge
FIRST_PAGE_ROWS = 25  # below the title and the volunteer's particulars
MORE_PAGE_ROWS = 35  # on a continuation page, under a short heading
ROW = 15  # points a table row takes
DATE_COLUMN, HOURS_COLUMN = 30 * mm, 26 * mm
QR_SIZE = 24 * mm
QR_BOTTOM = 19 * mm  # the code sits in the bottom-left corner of every page
TABLE_SIZE = 10


def certificate_pdf(volunteer: Volunteer, first: date | None, last: date | None, *, issued_by: str,
                    verify_url: str) -> bytes:
    """The certificate of the hours `volunteer` earned from `first` to `last`
    (both included; None: no bound, the whole record), issued today by `issued_by`."""
    entries = volunteer.hours.all().order_by("on", "id")
    if first:
        entries = entries.filter(on__gte=first)
    if last:
        entries = entries.filter(on__lte=last)
    entries = list(entries)
    pages = [entries[:FIRST_PAGE_ROWS]]
    pages += [entries[i:i + MORE_PAGE_ROWS] for i in range(FIRST_PAGE_ROWS, len(entries), MORE_PAGE_ROWS)]
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    # The certificate is a document of the platform: in its language, whoever prints it.
    with translation.override(settings.LANGUAGE_CODE):
        title = pgettext("certificate", "Certificate of volunteer service hours")
        c.setTitle(f"{title} · {volunteer.name}")
        c.setAuthor(issued_by)
        total = services.hours_text(sum(e.minutes for e in entries))
        for number, rows in enumerate(pages, start=1):
            _frame(c)
            if number == 1:
                y = _first_page_head(c, volunteer, title, _period(first, last), total)
            else:
                y = _continued_head(c, volunteer, title)
            y = _table(c, y, rows)
            if number == len(pages):
                _closing(c, y, issued_by)
            _corner(c, verify_url, number, len(pages))
            c.showPage()
    c.save()
    return buffer.getvalue()


def community_name(node: Node) -> str:
    """The community as a stranger reads it: its town first when it has one (呼图壁镇花城社区)."""
    parent = node.parent
    return f"{parent.name}{node.name}" if parent and parent.kind == Node.Kind.TOWN else node.name


def _period(first: date | None, last: date | None) -> str:
    if first and last:
        return pgettext("certificate", "%(first)s to %(last)s") % {"first": _long(first), "last": _long(last)}
    if first:
        return pgettext("certificate", "from %(first)s") % {"first": _long(first)}
    if last:
        return pgettext("certificate", "until %(last)s") % {"last": _long(last)}
    return pgettext("certificate", "All time")


def _long(day: date) -> str:
    return date_format(day, "DATE_FORMAT")  # 2026年3月5日 in Chinese


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, _font()[0], size)


def _one_line(text: str, size: float, width: float) -> str:
    """`text` cut to what fits on one line, with an ellipsis when cut."""
    lines = _wrap(text, size, width)
    if len(lines) <= 1:
        return text
    return _wrap(text, size, width - _width("…", size))[0] + "…"


def _frame(c) -> None:
    c.setStrokeColor(RED)
    c.setLineWidth(1.6)
    c.rect(FRAME, FRAME, WIDTH - 2 * FRAME, HEIGHT - 2 * FRAME, stroke=1, fill=0)
    c.setLineWidth(0.5)
    c.rect(FRAME + 1.6 * mm, FRAME + 1.6 * mm, WIDTH - 2 * FRAME - 3.2 * mm, HEIGHT - 2 * FRAME - 3.2 * mm,
           stroke=1, fill=0)


def _first_page_head(c, volunteer: Volunteer, title: str, period: str, total: str) -> float:
    """The title and the volunteer's particulars; returns where the table starts."""
    brand = pgettext("certificate", "Hubiying · volunteer service")
    _text(c, WIDTH / 2, HEIGHT - 27 * mm, brand, 11, GREY, align="centre")
    size, lines = _fit(title, 26, 16, INNER, 1)
    _text(c, WIDTH / 2, HEIGHT - 40 * mm, lines[0], size, RED, bold=True, align="centre")
    c.setStrokeColor(RED)
    c.setLineWidth(1)
    c.line(WIDTH / 2 - 30 * mm, HEIGHT - 45 * mm, WIDTH / 2 + 30 * mm, HEIGHT - 45 * mm)

    rows = [(pgettext("certificate", "Volunteer"), volunteer.name),
            (pgettext("certificate", "Community"), community_name(volunteer.node)),
            (pgettext("certificate", "Period"), period)]
    total_label = pgettext("certificate", "Total hours")
    label_width = max(_width(label, 12) for label in [label for label, _value in rows] + [total_label]) + 6 * mm
    y = HEIGHT - 60 * mm
    for label, value in rows:
        _text(c, MARGIN, y, label, 12, GREY)
        _text(c, MARGIN + label_width, y, _one_line(value, 13, INNER - label_width), 13, INK)
        y -= 21
    _text(c, MARGIN, y, total_label, 12, GREY)
    _text(c, MARGIN + label_width, y - 2, total, 22, RED, bold=True)
    _text(c, MARGIN + label_width + _width(total, 22) + 2 * mm, y, pgettext("certificate", "hours"), 12, INK)
    return y - 32


def _continued_head(c, volunteer: Volunteer, title: str) -> float:
    heading = pgettext("certificate", "%(title)s (continued)") % {"title": title}
    _text(c, MARGIN, HEIGHT - 27 * mm, heading, 14, RED, bold=True)
    label = pgettext("certificate", "Volunteer")
    _text(c, MARGIN, HEIGHT - 35 * mm, f"{label}  {volunteer.name}", 11, GREY)
    return HEIGHT - 45 * mm


def _table(c, y: float, rows: list[HoursEntry]) -> float:
    """The entries from `y` down, under a header row; returns the height under the last row."""
    what_width = INNER - DATE_COLUMN - HOURS_COLUMN
    right = WIDTH - MARGIN - 3 * mm  # the hours are right-aligned
    c.setFillColor(RED)
    c.rect(MARGIN, y - 5, INNER, ROW + 2, stroke=0, fill=1)
    _text(c, MARGIN + 3 * mm, y, pgettext("certificate", "Date"), TABLE_SIZE, colors.white, bold=True)
    _text(c, MARGIN + DATE_COLUMN, y, pgettext("certificate", "Service"), TABLE_SIZE, colors.white, bold=True)
    heading = pgettext("certificate", "Hours")
    _text(c, right - _width(heading, TABLE_SIZE), y, heading, TABLE_SIZE, colors.white, bold=True)
    y -= ROW + 2
    if not rows:
        none = pgettext("certificate", "No service hours in this period.")
        _text(c, MARGIN + DATE_COLUMN, y, none, TABLE_SIZE, GREY)
        y -= ROW
    for i, entry in enumerate(rows):
        if i % 2:
            c.setFillColor(PALE)
            c.rect(MARGIN, y - 4, INNER, ROW, stroke=0, fill=1)
        _text(c, MARGIN + 3 * mm, y, entry.on.isoformat(), TABLE_SIZE, INK)
        _text(c, MARGIN + DATE_COLUMN, y, _one_line(entry.what, TABLE_SIZE, what_width - 4 * mm), TABLE_SIZE, INK)
        hours = services.hours_text(entry.minutes)
        _text(c, right - _width(hours, TABLE_SIZE), y, hours, TABLE_SIZE, INK)
        y -= ROW
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.line(MARGIN, y + ROW - 4, WIDTH - MARGIN, y + ROW - 4)
    return y


def _closing(c, y: float, issued_by: str) -> None:
    """How hours are counted, under the table; who issued it and when, in the bottom-right corner."""
    note = pgettext("certificate", "Hours are counted only from event duties confirmed at check-in and care orders "
                    "confirmed by the person helped; they cannot be entered by hand.")
    y -= 6
    for line in _wrap(note, 9.5, INNER):
        _text(c, MARGIN, y, line, 9.5, GREY)
        y -= 13
    right = WIDTH - MARGIN
    issuer = pgettext("certificate", "Issued by: %(issuer)s") % {"issuer": issued_by}
    issued_on = pgettext("certificate", "Date of issue: %(date)s") % {"date": _long(timezone.localdate())}
    for text, base in ((issuer, QR_BOTTOM + 15 * mm), (issued_on, QR_BOTTOM + 7 * mm)):
        _text(c, right - _width(text, 12), base, text, 12, INK)


def _corner(c, verify_url: str, number: int, pages: int) -> None:
    """The QR code to check the certificate, bottom left, and the page's number."""
    renderPDF.draw(qr_drawing(verify_url, QR_SIZE), c, MARGIN - 2 * mm, QR_BOTTOM)
    _text(c, MARGIN + QR_SIZE, QR_BOTTOM + 4 * mm, pgettext("certificate", "Scan to verify"), 9, GREY)
    page = pgettext("certificate", "Page %(number)s of %(pages)s") % {"number": number, "pages": pages}
    _text(c, WIDTH / 2, FRAME + 5 * mm, page, 8.5, GREY, align="centre")
