"""The printed poster of a place: one A4 page whose QR codes a phone reads
back, and the inline SVG QR codes of the web pages."""

from __future__ import annotations

import io
import re
from datetime import time

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from reportlab.graphics import renderPDF
from reportlab.pdfgen import canvas

from organisations.models import Node
from places import poster
from places.models import Hours, OnlineService, Place, Service

PLACE_URL = "https://hby.example.org/places/12/"
REPORT_URL = "https://hby.example.org/appeals/new/?place=12"
ONLINE_URL = "https://pay.example.org/water?from=hby"


@pytest.fixture
def place():
    node = Node(code="T", name="测试社区", kind="community")
    node.save()
    place = Place.objects.create(
        name="花城社区服务驿站", kind=Place.Kind.STATION, node=node, address="呼图壁县花城路 8 号",
        lat=44.19, lng=86.90, host="美居便利店", phone="0994-1234567",
    )
    place.services.set([
        Service.objects.create(code="poster-rest", name="歇脚"),
        Service.objects.create(code="poster-water", name="热水"),
        Service.objects.create(code="poster-charge", name="手机充电"),
    ])
    place.online_services.set([OnlineService.objects.create(name="水电气缴费", url=ONLINE_URL)])
    Hours.objects.create(place=place, day=0, opens=time(9), closes=time(12))
    Hours.objects.create(place=place, day=0, opens=time(14, 30), closes=time(20))
    Hours.objects.create(place=place, day=5, opens=time(10), closes=time(18))
    return place


def first_page(pdf: bytes):
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 1
    return document[0]


def qr_texts(page) -> set[str]:
    image = page.render(scale=3).to_pil()
    return {code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode}


@pytest.mark.django_db
def test_poster_is_a_single_a4_portrait_page(place):
    page = first_page(poster.poster_pdf(place, place_url=PLACE_URL, report_url=REPORT_URL))
    width, height = page.get_size()
    assert width == pytest.approx(595, abs=1)
    assert height == pytest.approx(842, abs=1)


@pytest.mark.django_db
def test_poster_carries_a_qr_code_per_online_service_besides_the_place_and_report_codes(place):
    page = first_page(poster.poster_pdf(place, place_url=PLACE_URL, report_url=REPORT_URL))
    assert qr_texts(page) == {PLACE_URL, REPORT_URL, ONLINE_URL}


@pytest.mark.django_db
def test_poster_still_fits_every_code_on_its_page_with_many_online_services(place):
    urls = {f"https://e.example.org/service/{n}" for n in range(9)}
    place.online_services.add(*[OnlineService.objects.create(name=f"在线服务{n}", url=u) for n, u in enumerate(urls)])
    page = first_page(poster.poster_pdf(place, place_url=PLACE_URL, report_url=REPORT_URL))
    assert qr_texts(page) == {PLACE_URL, REPORT_URL, ONLINE_URL} | urls


@pytest.mark.django_db
def test_poster_text_names_the_place_and_its_services(place):
    if not poster.cjk_font_embedded():
        pytest.skip("no CJK TrueType font installed (e.g. fonts-wqy-microhei): the poster falls back to "
                    "the non-embedded STSong-Light CID font, whose text layer is not guaranteed")
    page = first_page(poster.poster_pdf(place, place_url=PLACE_URL, report_url=REPORT_URL))
    text = page.get_textpage().get_text_range()
    assert "花城社区服务驿站" in text
    assert "手机充电" in text


def test_qr_svg_is_an_svg_element_in_which_the_url_is_no_markup():
    url = "https://example.org/a?b=1&c=<x>"
    svg = poster.qr_svg(url)
    assert svg.startswith("<svg")
    assert "<x>" not in svg
    assert "<script" not in svg
    assert "<?xml" not in svg and "DOCTYPE" not in svg


def test_qr_svg_decodes_back_to_the_url():
    """The page's SVG, drawn module by module from its path, is the URL's code."""
    url = "https://example.org/a?b=1&c=<x>"
    svg = poster.qr_svg(url)
    side = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    scale = 8
    image = Image.new("L", (side * scale, side * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        x, y, w = int(x), int(y), int(w)
        draw.rectangle([x * scale, y * scale, (x + w) * scale - 1, (y + 1) * scale - 1], fill=0)
    assert {b.text for b in zxingcpp.read_barcodes(image)} == {url}


def test_qr_drawing_of_the_poster_decodes_back_to_the_url():
    url = "https://example.org/a?b=1&c=<x>"
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(200, 200))
    renderPDF.draw(poster.qr_drawing(url, 132), c, 34, 34)
    c.showPage()
    c.save()
    assert qr_texts(first_page(buffer.getvalue())) == {url}
