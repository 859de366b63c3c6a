"""The poster that hangs at a service place's door (what it offers, when it
is open, QR codes to its page, to report a problem and to online services),
and the inline SVG QR codes of web pages: one encoder, reportlab's, for both."""

from __future__ import annotations

import functools
import glob
import io
import math
import os

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

from . import hours

RED, INK, GREY, PALE, RULE = map(colors.HexColor, ("#a61b1b", "#222222", "#5f5f5f", "#f8eeee", "#e2c6c6"))
WIDTH, HEIGHT = A4
MARGIN = 16 * mm
INNER = WIDTH - 2 * MARGIN
FOOTER = 22 * mm  # nothing but the footer below this height
# Code sizes tried, largest first; under 30 mm a phone struggles with a sheet on a wall.
QR_SIZES = (40 * mm, 35 * mm, 30 * mm)
QR_GAP = 4 * mm

QUIET = 4  # modules of white around a code, as the standard asks
FONT_FILES = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]


@functools.cache
def _font() -> tuple[str, bool]:
    """The font to write Chinese with, registered once per process, and
    whether it is a TrueType font embedded in the PDF (a CID font is not: the
    viewer has to bring its own, and the text layer may not map back)."""
    for path in FONT_FILES + sorted(glob.glob("/usr/share/fonts/opentype/noto/NotoSansCJK*.ttc")):
        if not os.path.exists(path):
            continue
        try:
            pdfmetrics.registerFont(TTFont("PosterCJK", path, subfontIndex=0))
            return "PosterCJK", True
        except (TTFError, OSError):
            continue  # e.g. Noto's PostScript (CFF) outlines, which reportlab cannot embed
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light", False


def cjk_font_embedded() -> bool:
    return _font()[1]


def qr_drawing(url: str, size: float) -> Drawing:
    """The QR code of `url` as a size × size drawing on white, error
    correction M, the 4-module quiet zone inside the square."""
    drawing = Drawing(size, size)
    # White under the modules: a code on a dark web page or coloured paper still scans.
    drawing.add(Rect(0, 0, size, size, fillColor=colors.white, strokeColor=None, strokeWidth=0))
    drawing.add(QrCodeWidget(url, barLevel="M", barBorder=4, barWidth=size, barHeight=size))
    return drawing


def qr_svg(url: str, size: int = 132) -> str:
    """The QR code of `url` as a compact inline <svg>: one path of the dark
    runs of each row, on white, with the 4-module quiet zone. The output holds
    nothing but numbers computed from the matrix, so it is safe to show as is."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    n = code.getModuleCount()
    runs = []
    for row in range(n):
        col = 0
        while col < n:
            if code.isDark(row, col):
                start = col
                while col < n and code.isDark(row, col):
                    col += 1
                runs.append(f"M{start + QUIET} {row + QUIET}h{col - start}v1h-{col - start}z")
            else:
                col += 1
    side = n + 2 * QUIET
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="{size}" height="{size}" '
            f'shape-rendering="crispEdges" role="img"><rect width="{side}" height="{side}" fill="#fff"/>'
            f'<path d="{"".join(runs)}" fill="#000"/></svg>')


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Greedy breaking by character: Chinese has no spaces to break at."""
    font, lines, line = _font()[0], [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, font, size) > width:
            lines.append(line.rstrip())
            line = "" if char.isspace() else char
        else:
            line += char
    return lines + [line] if line else lines


def _fit(text: str, largest: float, smallest: float, width: float, max_lines: int) -> tuple[float, list[str]]:
    """The largest size from `largest` down to `smallest` at which `text` takes at most
    `max_lines` lines, and the lines, of even length rather than a lone character last."""
    size = largest
    while size > smallest and len(_wrap(text, size, width)) > max_lines:
        size -= 1
    lines = _wrap(text, size, width)
    if len(lines) > 1:
        even = _wrap(text, size, pdfmetrics.stringWidth(text, _font()[0], size) / len(lines) + size)
        lines = even if len(even) == len(lines) else lines
    return size, lines[:max_lines]


def _text(c, x: float, y: float, text: str, size: float, color=INK, bold=False, align="left") -> None:
    font = _font()[0]
    if align == "centre":
        x -= pdfmetrics.stringWidth(text, font, size) / 2
    c.saveState()
    t = c.beginText(x, y)
    t.setFont(font, size)
    c.setFillColor(color)
    if bold:  # the CJK fonts at hand have a single weight: stroke the outlines to embolden
        t.setTextRenderMode(2)
        c.setStrokeColor(color)
        c.setLineWidth(size / 32)
    t.textOut(text)
    c.drawText(t)
    c.restoreState()


def _heading(c, y: float, title: str) -> float:
    """A section title with a red mark and a rule; returns where the section's content starts."""
    c.setFillColor(RED)
    c.rect(MARGIN, y - 2, 1.6 * mm, 15, stroke=0, fill=1)
    _text(c, MARGIN + 4 * mm, y, title, 14, bold=True)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.line(MARGIN, y - 7, WIDTH - MARGIN, y - 7)
    return y - 26


def poster_pdf(place, *, place_url: str, report_url: str) -> bytes:
    """A one-page A4 poster of `place`, to print and hang at its door."""
    codes = [(place_url, "扫码查看本站服务与营业时间"), (report_url, "设施有问题？扫码反映")]
    codes += [(s.url, s.name) for s in place.online_services.all()]
    # A place with very many services and codes gets a tighter layout rather than a second page.
    for compact in (False, True):
        buffer = io.BytesIO()
        c = canvas.Canvas(buffer, pagesize=A4)
        c.setTitle(place.name)
        if _draw(c, place, codes, compact) or compact:
            c.showPage()
            c.save()
            return buffer.getvalue()


def _draw(c, place, codes, compact: bool) -> bool:
    """Draws the poster; False when some code did not fit above the footer and was left out."""
    # Header band: the brand and the kind of place, then its name as large as it fits on two lines.
    name_size, name_lines = _fit(place.name, 26 if compact else 32, 18, INNER, 2)
    band = 30 * mm + len(name_lines) * name_size * 1.25
    c.setFillColor(RED)
    c.rect(0, HEIGHT - band, WIDTH, band, stroke=0, fill=1)
    _text(c, MARGIN, HEIGHT - 14 * mm, "呼必应", 16, colors.white, bold=True)
    kind = str(place.get_kind_display())
    pill = pdfmetrics.stringWidth(kind, _font()[0], 11) + 6 * mm
    c.setFillColor(colors.white)
    c.roundRect(WIDTH - MARGIN - pill, HEIGHT - 16 * mm, pill, 7.5 * mm, 3.75 * mm, stroke=0, fill=1)
    _text(c, WIDTH - MARGIN - pill / 2, HEIGHT - 14 * mm, kind, 11, RED, align="centre")
    y = HEIGHT - 22 * mm - name_size
    for line in name_lines:
        _text(c, MARGIN, y, line, name_size, colors.white, bold=True)
        y -= name_size * 1.25

    y = HEIGHT - band - 10 * mm
    for label, value in (("依托", place.host), ("地址", place.address)):
        if value:
            _text(c, MARGIN, y, f"{label}：{value}", 12, GREY)
            y -= 18
    y -= 8

    # Services as a grid of tiles.
    y = _heading(c, y, "服务项目")
    services = [s.name for s in place.services.all()] or ["—"]
    columns, tile = (5, 24) if compact else (4, 30)
    cell = INNER / columns
    for i, name in enumerate(services):
        x, top = MARGIN + (i % columns) * cell, y + 10 - (i // columns) * (tile + 6)
        c.setFillColor(PALE)
        c.setStrokeColor(RULE)
        c.roundRect(x + 2, top - tile, cell - 4, tile, 4, stroke=1, fill=1)
        size, lines = _fit(name, 12 if compact else 14, 8, cell - 12, 2)
        base = top - tile / 2 - size * 0.35 + (len(lines) - 1) * size * 0.55
        for line in lines:
            _text(c, x + cell / 2, base, line, size, INK, align="centre")
            base -= size * 1.1
    y -= math.ceil(len(services) / columns) * (tile + 6) + 14

    # Opening hours in two columns, read down: Monday to Thursday on the left.
    y = _heading(c, y, "营业时间")
    rows, step = hours.week(place), 16 if compact else 19
    per_column = math.ceil(len(rows) / 2)
    for i, (day, text) in enumerate(rows):
        x, row_y = MARGIN + (i // per_column) * INNER / 2, y - (i % per_column) * step
        _text(c, x + 2, row_y, day, 12, GREY)
        size, lines = _fit(text, 12, 8, INNER / 2 - 80, 1)
        _text(c, x + 72, row_y, lines[0] if lines else "", size, INK, bold=True)
    y -= per_column * step + 6
    if place.phone:
        _text(c, MARGIN, y, f"服务电话：{place.phone}", 13, RED, bold=True)
        y -= 20
    y = _heading(c, y - (4 if compact else 10), "扫码服务")

    # QR codes: the largest size at which all rows fit above the footer, never under 30 mm.
    for size in QR_SIZES:
        columns = int((INNER + QR_GAP) // (size + QR_GAP))
        cell = INNER / columns
        labels = [_fit(label, 10, 8, cell - 6, 2) for _, label in codes]
        rows = [range(i, min(i + columns, len(codes))) for i in range(0, len(codes), columns)]
        heights = [size + 8 + 13 * max(len(labels[i][1]) for i in row) for row in rows]
        if y - sum(heights) >= FOOTER:
            break
    fitting = 0  # rows that fit: with a great many codes, the last ones are left out
    while fitting < len(rows) and y - sum(heights[:fitting + 1]) >= FOOTER:
        fitting += 1
    for row, row_height in zip(rows[:fitting], heights[:fitting], strict=True):
        left = MARGIN + (INNER - len(row) * cell) / 2  # a short row is centred
        for column, i in enumerate(row):
            centre = left + (column + 0.5) * cell
            renderPDF.draw(qr_drawing(codes[i][0], size), c, centre - size / 2, y - size)
            label_size, lines = labels[i]
            for n, line in enumerate(lines):
                _text(c, centre, y - size - 6 - 13 * n, line, label_size, INK, align="centre")
        y -= row_height

    c.setStrokeColor(RED)
    c.setLineWidth(1.2)
    c.line(MARGIN, 17 * mm, WIDTH - MARGIN, 17 * mm)
    _text(c, WIDTH / 2, 10 * mm, "一刻钟便民生活服务圈 · 呼必应", 11, GREY, align="centre")
    return fitting == len(rows)
