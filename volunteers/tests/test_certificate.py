"""The printed certificate of a volunteer's hours: what it counts, what it
shows (and never shows), its pages and its QR code."""

from __future__ import annotations

from datetime import date

import pypdfium2
import pytest
import zxingcpp
from django.utils import translation

from places import poster
from volunteers.certificate import certificate_pdf
from volunteers.models import HoursEntry, Volunteer

PHONE = "13899990001"
VERIFY_URL = "https://hby.example.org/volunteers/certificates/7/check/abcdefgh/"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def volunteer(cast):
    return Volunteer.objects.create(node=cast.community, name="张建国", phone=PHONE)


def entry(volunteer, n: int, on: date, minutes: int, what: str = "") -> HoursEntry:
    """What the platform writes when a duty is checked in (no form does this)."""
    return HoursEntry.objects.create(volunteer=volunteer, kind=HoursEntry.Kind.DUTY, source=f"duty:{n}",
                                     what=what or f"邻里文化节 · 签到引导 {n}", on=on, minutes=minutes)


@pytest.fixture
def march_hours(volunteer):
    entry(volunteer, 1, date(2026, 3, 2), 90, "邻里文化节 · 签到引导")
    entry(volunteer, 2, date(2026, 3, 9), 60, "助老服务 · 送餐")
    entry(volunteer, 3, date(2026, 3, 31), 60, "文明劝导 · 秩序维护")
    entry(volunteer, 4, date(2026, 2, 28), 600, "二月的春节值守")  # before the period


def pages_text(pdf: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf)]


def qr_texts(pdf: bytes, page: int = 0) -> set[str]:
    image = pypdfium2.PdfDocument(pdf)[page].render(scale=3).to_pil()
    return {code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode}


@pytest.fixture
def needs_text_layer():
    if not poster.cjk_font_embedded():
        pytest.skip("no CJK TrueType font installed (e.g. fonts-wqy-microhei): the text layer of the "
                    "non-embedded STSong-Light fallback is not guaranteed")


def render(volunteer, first=MARCH[0], last=MARCH[1]) -> bytes:
    return certificate_pdf(volunteer, first, last, issued_by="花城社区居委会", verify_url=VERIFY_URL)


@pytest.mark.django_db
def test_certificate_is_an_a4_portrait_pdf(volunteer, march_hours):
    pdf = render(volunteer)
    assert pdf.startswith(b"%PDF")
    width, height = pypdfium2.PdfDocument(pdf)[0].get_size()
    assert (width, height) == (pytest.approx(595, abs=1), pytest.approx(842, abs=1))


@pytest.mark.django_db
def test_certificate_names_the_volunteer_community_and_issuer_and_totals_the_period(
        volunteer, march_hours, needs_text_layer):
    [text] = pages_text(render(volunteer))
    assert "张建国" in text
    assert "呼图壁镇花城社区" in text  # the town, then the community
    assert "花城社区居委会" in text
    assert "3.5" in text  # 90 + 60 + 60 minutes
    assert "助老服务 · 送餐" in text and "文明劝导 · 秩序维护" in text  # the last day of the period included
    # February's entry is neither listed nor counted (it would make 13.5).
    assert "二月的春节值守" not in text
    assert "13.5" not in text and "10.0" not in text


@pytest.mark.django_db
def test_certificate_never_shows_the_phone(volunteer, march_hours, needs_text_layer):
    pdf = render(volunteer, None, None)
    assert all(PHONE not in text for text in pages_text(pdf))
    assert PHONE.encode() not in pdf  # nor in the document's metadata


@pytest.mark.django_db
def test_certificate_without_bounds_counts_the_whole_record(volunteer, march_hours, needs_text_layer):
    [text] = pages_text(render(volunteer, None, None))
    assert "13.5" in text
    assert "二月的春节值守" in text


@pytest.mark.django_db
def test_certificate_is_in_the_platform_language_whatever_the_viewer_reads(volunteer, march_hours,
                                                                           needs_text_layer):
    with translation.override("en"):
        [text] = pages_text(render(volunteer))
    assert "2026年3月1日" in text and "2026年3月31日" in text


@pytest.mark.django_db
def test_certificate_of_many_entries_continues_on_further_pages(volunteer, needs_text_layer):
    for n in range(60):
        entry(volunteer, n, date(2026, 3, 1 + n % 31), 30, f"值守第{n:02d}次")
    pdf = render(volunteer)
    pages = pages_text(pdf)
    assert len(pages) > 1
    assert len(pypdfium2.PdfDocument(pdf)) == len(pages)
    whole = "".join(pages)
    assert all(f"值守第{n:02d}次" in whole for n in range(60))  # every entry, none lost at a page break
    assert "30.0" in pages[0]  # the total, 60 × 30 minutes, on the first page
    assert "花城社区居委会" in pages[-1] and "花城社区居委会" not in pages[0]  # signed under the last row
    assert all("张建国" in page for page in pages)  # a loose page still says whose it is


@pytest.mark.django_db
def test_certificate_of_no_hours_still_renders(volunteer, needs_text_layer):
    [text] = pages_text(render(volunteer))
    assert "张建国" in text and "0.0" in text


@pytest.mark.django_db
def test_certificate_qr_code_reads_back_to_the_verify_url_on_every_page(volunteer):
    for n in range(30):
        entry(volunteer, n, date(2026, 3, 5), 45)
    pdf = render(volunteer)
    assert len(pypdfium2.PdfDocument(pdf)) == 2
    assert qr_texts(pdf, 0) == {VERIFY_URL}
    assert qr_texts(pdf, 1) == {VERIFY_URL}
