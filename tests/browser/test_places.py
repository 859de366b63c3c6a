"""Service places of the 15-minute life circle, on a 375px phone: a courier
finds hot water open at one o'clock on a public holiday, nearest first; a
station host changes today's hours and the week's, and may not touch another
host's station."""

from __future__ import annotations

import importlib
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone

from places.models import Hours, SpecialDay
from places.tests.spots import make_spots
from workcalendar.calendar import HOLIDAY, WorkCalendar

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = ZoneInfo("Asia/Shanghai")
HERE = {"latitude": 44.1912, "longitude": 86.9012}  # a street corner by 花城社区's stations


@pytest.fixture(autouse=True)
def _services_catalogue(transactional_db):
    """make_spots picks the services from the catalogue that migration 0002
    seeds; a transactional test flushes every table when it ends, so the next
    one starts without it: seeded again here (get_or_create, as the migration)."""
    importlib.import_module("places.migrations.0002_catalogue").forwards(apps, None)


def freeze(monkeypatch, local: datetime) -> datetime:
    """Stops the clock of the live server (a thread of this process) and of the
    test: places.hours, places.nearby and the views call `timezone.now()`
    through the module, and so do localtime() and localdate()."""
    assert settings.TIME_ZONE == "Asia/Shanghai"
    at = local.astimezone(UTC)
    monkeypatch.setattr(timezone, "now", lambda: at)
    return at


def cards(page) -> list[dict]:
    return page.eval_on_selector_all(
        "[data-place-list] > li.place-card",
        """items => items.map(li => ({
        id: Number(li.dataset.place),
        name: li.querySelector('h2 a').textContent.trim(),
        open: li.querySelector('.place-status').dataset.open,
        status: li.querySelector('.place-status').textContent.trim(),
        distance: (li.querySelector('.place-distance') || {textContent: ''}).textContent.trim(),
    }))""",
    )


def test_a_courier_finds_hot_water_open_at_one_on_a_holiday_from_a_phone(
    cast, live_server, browser, shots, monkeypatch
):
    spots = make_spots(cast)
    freeze(monkeypatch, datetime(2026, 10, 2, 13, 0, tzinfo=SHANGHAI))  # National Day, a Friday
    assert WorkCalendar.load().kind(date(2026, 10, 2)) == HOLIDAY
    leaflet = finders.find("leaflet/leaflet.js") is not None

    context = browser.new_context(**PHONE, geolocation=HERE, permissions=["geolocation"])
    page = context.new_page()
    page.goto(f"{live_server.url}/places/")
    page.wait_for_selector("form[data-place-search]")
    page.select_option("#id_service", "hot-water")
    page.check("#id_open_now")
    locate = page.wait_for_selector("[data-locate]", state="visible")  # shown by places.js when the phone can locate
    assert locate.text_content().strip() == "使用我现在的位置"
    locate.click()
    page.wait_for_url(re.compile(r"/places/\?.*lat=44\.1912"))
    page.wait_for_selector("[data-place-list]")

    query = page.url.split("?", 1)[1]
    assert "service=hot-water" in query and "open_now=on" in query and "lng=86.9012" in query
    assert page.is_checked("#id_open_now") and page.input_value("#id_service") == "hot-water"
    found = cards(page)
    # The nearest first: 红星超市 (about 80 m away), then the 24-hour 邻里小屋 (about 500 m).
    assert [c["id"] for c in found] == [spots.station.pk, spots.night.pk], found
    # "步行约2分钟 · 103米": the walking distance (the straight line × 1.3), nearest first.
    metres = [int(re.search(r"(\d+)\s*(?:米|m)$", c["distance"]).group(1)) for c in found]
    assert metres == sorted(metres) and metres[0] < 200 < metres[1] < 1000, metres
    for c in found:
        assert c["open"] == "1" and c["status"].startswith("营业中"), c
    assert found[0]["status"] == "营业中 · 至 21:00"  # a usual day's hours on this holiday
    assert found[1]["status"] == "营业中"  # open round the clock: no closing time to give
    names = " ".join(c["name"] for c in found)
    assert spots.lunch.name not in names  # 德福's lunch break: 12:00–14:00
    assert spots.canteen.name not in names  # no hot water, and closed on public holidays
    assert spots.far.name not in names  # the other city's station: far beyond 2 km
    count = page.text_content("[data-result-count]")
    assert count.startswith("找到2个") and "由近到远" in count, count
    assert "距离" in page.text_content("[data-locate-status]")  # "distances from your position"
    if leaflet:
        page.wait_for_selector("[data-places-map].leaflet-container", state="visible")
        assert page.locator("[data-places-map] .place-marker").count() == 2
        assert page.locator("[data-places-map] .place-marker.is-open").count() == 2
        # Numbered as the list, the number in the middle of its dot (Leaflet's CSS must not undo the flex box).
        marker = page.locator("[data-places-map] .place-marker").first
        assert marker.text_content() == "1" and marker.evaluate("m => getComputedStyle(m).display") == "flex"
        box = page.locator("[data-places-map]").bounding_box()
        assert box["width"] <= 375 and box["height"] > 100, box
    shots(page, "hot-water-open-now-phone")

    page.click("[data-place-list] > li.place-card:first-child h2 a")
    page.wait_for_url(f"**/places/{spots.station.pk}/")
    page.wait_for_selector("[data-today]")
    assert page.text_content("h1").strip() == spots.station.name
    assert page.text_content("[data-today]").strip() == "09:00–21:00"
    assert page.get_attribute(".place-status", "data-open") == "1"
    assert page.text_content(".place-status").strip() == "营业中 · 至 21:00"
    route = page.locator("a.button", has_text="步行导航")
    assert route.count() == 1
    href = route.get_attribute("href")
    assert href.startswith("https://uri.amap.com/navigation?to=86.901,44.1905,") and "mode=walk" in href
    assert "coordinate=wgs84" in href and route.get_attribute("target") == "_blank"
    assert "0994-4500001" in page.text_content(".facts")
    shots(page, "station-page-phone")
    context.close()


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.wait_for_selector("form[data-form=login]")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("form[data-form=login] button[type=submit]")  # the page's first submit button switches the language
    page.wait_for_url(f"{base}/work/**")


def test_a_station_host_updates_todays_hours_from_a_phone(cast, live_server, browser, shots, monkeypatch):
    spots = make_spots(cast)
    freeze(monkeypatch, datetime(2026, 10, 12, 9, 30, tzinfo=SHANGHAI))  # a Monday, an ordinary working day
    base = live_server.url

    page = browser.new_context(**PHONE).new_page()
    login(page, base, "stationhost")
    page.goto(f"{base}/work/places/")
    page.wait_for_selector(".place-work-list")
    links = page.locator(".place-work-list a")
    assert links.count() == 1  # their own station only
    assert links.first.text_content().strip() == spots.station.name
    links.first.click()
    page.wait_for_url(f"**/work/places/{spots.station.pk}/")
    page.wait_for_selector("form[data-form=special]")
    assert page.text_content("[data-today]").strip() == "09:00–21:00"
    shots(page, "station-edit-phone")

    # (a) Today only, other hours: 10:00–16:00 for the stocktaking.
    special = page.locator("form[data-form=special]")
    # Today, already filled in. A date input takes only 2026-10-12: a value in the Chinese format (2026/10/12)
    # leaves it blank. Checked at the end, so that the rest of the walk still runs when it is blank.
    prefilled = special.locator("[name=first]").input_value()
    if prefilled != "2026-10-12":
        special.locator("[name=first]").fill("2026-10-12")
    # Closed is the first choice: the times, which would be dropped then, show only with "other hours".
    assert special.locator("input[name=closed][value='1']").is_checked()
    assert special.locator("[name=opens]").is_hidden()
    special.locator("label", has_text="调整营业时间").click()
    assert special.locator("input[name=closed][value='0']").is_checked()
    special.locator("[name=opens]").wait_for(state="visible")
    special.locator("[name=opens]").fill("10:00")
    special.locator("[name=closes]").fill("16:00")
    special.locator("[name=note]").fill("盘点，提前关门")
    shots(page, "special-day-filled-phone")
    special.locator("button[type=submit]").click()
    page.wait_for_selector(".message-success")
    assert page.url.endswith(f"/work/places/{spots.station.pk}/#special")
    assert "特殊" in page.text_content(".message-success") or "saved" in page.text_content(".message-success")
    listed = page.text_content("[data-specials]")
    assert "2026-10-12" in listed and "10:00–16:00" in listed and "盘点，提前关门" in listed, listed
    assert page.text_content("[data-today]").strip() == "10:00–16:00（盘点，提前关门）"
    assert page.get_attribute(".place-status", "data-open") == "0"  # 09:30: not open yet today
    row = SpecialDay.objects.get(place=spots.station)
    assert (row.first, row.last, row.opens, row.closes) == (row.first, row.first, time(10), time(16))
    shots(page, "special-day-saved-phone")

    page.goto(f"{base}/places/{spots.station.pk}/")
    page.wait_for_selector("[data-today]")
    assert page.text_content("[data-today]").strip() == "10:00–16:00（盘点，提前关门）"
    assert page.get_attribute(".place-status", "data-open") == "0"
    assert "10:00" in page.text_content(".place-status")  # closed · opens 10:00
    upcoming = page.text_content("[data-upcoming]")
    assert "10月12日" in upcoming and "10:00–16:00（盘点，提前关门）" in upcoming, upcoming
    shots(page, "station-public-special-phone")

    # (b) A lunch break on Mondays: 09:00–12:00 and 13:30–21:00.
    page.goto(f"{base}/work/places/{spots.station.pk}/")
    page.wait_for_selector("form[data-form=hours]")
    hours = page.locator("form[data-form=hours]")
    # The holiday periods count only with "own hours on public holidays": out of sight with the usual rule.
    assert hours.locator("input[name=holidays][value=usual]").is_checked()
    assert hours.locator("input[name=d7_0_opens]").is_hidden()
    hours.locator("label", has_text="节假日另有营业时间").click()
    hours.locator("input[name=d7_0_opens]").wait_for(state="visible")
    hours.locator("label", has_text="照常营业").click()
    hours.locator("input[name=d7_0_opens]").wait_for(state="hidden")
    monday = hours.locator("tr[data-day='0']")
    assert monday.locator("td").nth(1).evaluate("td => getComputedStyle(td, '::before').content") == '"第二时段"'
    assert monday.locator("input[name=d0_0_opens]").input_value() == "09:00"
    assert monday.locator("input[name=d0_0_closes]").input_value() == "21:00"
    monday.locator("input[name=d0_0_closes]").fill("12:00")
    monday.locator("input[name=d0_1_opens]").fill("13:30")
    monday.locator("input[name=d0_1_closes]").fill("21:00")
    monday.scroll_into_view_if_needed()
    shots(page, "weekly-hours-filled-phone")
    hours.locator("button[type=submit]").click()
    page.wait_for_selector(".message-success")
    assert page.url.endswith(f"/work/places/{spots.station.pk}/#hours")
    assert page.locator("form[data-form=hours] .error").count() == 0
    assert page.locator("input[name=d0_1_opens]").input_value() == "13:30"
    mondays = sorted((h.opens, h.closes) for h in Hours.objects.filter(place=spots.station, day=0))
    assert mondays == [(time(9), time(12)), (time(13, 30), time(21))]
    assert Hours.objects.filter(place=spots.station, day=1).get().closes == time(21)  # Tuesday as it was
    assert SpecialDay.objects.filter(place=spots.station).count() == 1  # today's word still stands
    shots(page, "weekly-hours-saved-phone")

    page.goto(f"{base}/places/{spots.station.pk}/")
    page.wait_for_selector(".hours-table")
    week = page.eval_on_selector_all(".hours-table tr", "rows => rows.map(r => r.textContent.trim())")
    assert "09:00–12:00、13:30–21:00" in week[0], week
    assert page.text_content("[data-today]").strip() == "10:00–16:00（盘点，提前关门）"  # the special day wins

    # (c) Another host's station: refused, not shown as missing.
    refused = page.goto(f"{base}/work/places/{spots.lunch.pk}/")
    assert refused.status == 403
    assert not Hours.objects.filter(place=spots.lunch, opens=time(13, 30)).exists()

    assert prefilled == "2026-10-12", (
        f"the special-day form's date came as {prefilled!r}, blank in the date input: today must be given as "
        "2026-10-12 (places/forms.py, SpecialDayForm.first's DateInput needs format='%Y-%m-%d')"
    )
