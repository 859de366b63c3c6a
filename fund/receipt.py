"""A donation's receipt (捐赠收据): half an A4 page with the receipt number, the
fund, the donor as they gave their name (the receipt is theirs, whether or not
the public ledger shows them as 匿名), the amount in figures and in capital
characters (人民币大写), the date, what it is for, and a QR code of the public
ledger, where the donation can be seen. The drawing helpers are the poster's."""

from __future__ import annotations

import io
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import pgettext
from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from places.poster import GREY, INK, RED, RULE, _font, _text, _wrap, qr_drawing
from volunteers.certificate import community_name

from .models import Entry

WIDTH, HEIGHT = A4
MARGIN = 20 * mm
TOP = HEIGHT - 22 * mm
DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def _group(n: int) -> str:
    """0 < n < 10000 in capitals: 1005 → 壹仟零伍."""
    out, zero = "", False
    for place in (3, 2, 1, 0):
        digit = n // 10**place % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + PLACES[place]
    return out


def _whole(n: int) -> str:
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out, gap = "", False
    for i in reversed(range(len(groups))):
        g = groups[i]
        if g == 0:
            gap = bool(out)
            continue
        if out and (gap or g < 1000):
            out += "零"
        out += _group(g) + GROUPS[i]
        gap = False
    return out


def in_capitals(amount: Decimal) -> str:
    """An amount of yuan as a receipt writes it: 1200 → 壹仟贰佰元整, 35.05 → 叁拾伍元零伍分."""
    fen = int((amount * 100).to_integral_value())
    yuan, cents = divmod(fen, 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    out = _whole(yuan) + "元" if yuan else ""
    if cents == 0:
        return out + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    return out


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, _font()[0], size)


def receipt_pdf(entry: Entry, *, ledger_url: str) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    fund = entry.fund
    with translation.override(settings.LANGUAGE_CODE):  # a document of the platform, in its language
        title = pgettext("receipt", "Donation receipt")
        c.setTitle(f"{title} {entry.receipt_no}")
        c.setAuthor(fund.name)
        _text(c, WIDTH / 2, TOP, title, 22, RED, bold=True, align="centre")
        _text(c, WIDTH / 2, TOP - 9 * mm, fund.name, 12, GREY, align="centre")
        number = pgettext("receipt", "No. %(no)s") % {"no": entry.receipt_no}
        _text(c, WIDTH - MARGIN - _width(number, 11), TOP - 18 * mm, number, 11, INK)
        rows = [
            (pgettext("receipt", "Donor"), entry.donor_name),
            (pgettext("receipt", "Amount"), f"¥{entry.amount:,.2f}"),
            (pgettext("receipt", "In capitals"), f"人民币{in_capitals(entry.amount)}"),
            (pgettext("receipt", "Date"), date_format(entry.on, "DATE_FORMAT")),
            (pgettext("receipt", "For"), entry.project.title if entry.project_id else entry.purpose),
        ]
        label_width = max(_width(label, 12) for label, _value in rows) + 8 * mm
        y = TOP - 32 * mm
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        for label, value in rows:
            _text(c, MARGIN, y, label, 12, GREY)
            lines = _wrap(value, 13, WIDTH - 2 * MARGIN - label_width)[:2]
            for i, line in enumerate(lines):
                _text(c, MARGIN + label_width, y - i * 16, line, 13, INK)
            y -= 16 * len(lines) + 6
            c.line(MARGIN, y + 8, WIDTH - MARGIN, y + 8)
            y -= 8
        thanks = pgettext("receipt", "Thank you for supporting your neighbours. Every donation and every expenditure "
                                     "of the fund is on its public ledger: scan the code to see it.")
        for line in _wrap(thanks, 10.5, WIDTH - 2 * MARGIN - 36 * mm):
            _text(c, MARGIN, y, line, 10.5, INK)
            y -= 15
        renderPDF.draw(qr_drawing(ledger_url, 30 * mm), c, WIDTH - MARGIN - 30 * mm, y - 12 * mm)
        issuer = pgettext("receipt", "Issued by: %(issuer)s residents' committee") % {
            "issuer": community_name(fund.node)}
        _text(c, MARGIN, y - 14 * mm, issuer, 12, INK)
        c.setDash(3, 3)
        c.line(0, HEIGHT / 2 - 10 * mm, WIDTH, HEIGHT / 2 - 10 * mm)  # cut here: half a page
    c.showPage()
    c.save()
    return buffer.getvalue()
