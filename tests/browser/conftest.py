"""Browser tests drive Debian's chromium through Playwright's sync API against
pytest-django's live server. They need `/usr/bin/chromium` (and the WenQuanYi
font for Chinese text); without chromium they are skipped."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# The phones browse in Chinese (the default), the desk in English: both must work.
PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1280, "height": 860}, "locale": "en-GB"}


@pytest.fixture
def browser(monkeypatch):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed in this environment")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # test makes between page steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # The test's own ORM calls made while Playwright ran opened a
            # connection in this context; left open, PostgreSQL would refuse to
            # drop the test database at the end of the session.
            connections.close_all()


class Shots:
    """Numbered full-page screenshots in test-artifacts/screenshots/."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.n = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str) -> Path:
        """Saves the page and checks that nothing sticks out sideways (no
        horizontal scrolling on a 375px phone)."""
        self.n += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{name}: the page is {width}px wide"
        return path


@pytest.fixture
def shots(request):
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    return Shots(name[-48:])


def small_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (200, 210, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((110, 40, 210, 220), outline=(60, 60, 60), width=6)  # a lift door, roughly
    draw.line((160, 40, 160, 220), fill=(60, 60, 60), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
