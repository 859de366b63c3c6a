"""Shared set-up for the fault and bad-input tests: a clean cache (tracking
numbers repeat between tests) and a request outside every cast member's scope."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals import services

ROLES = ["resident", "grid_worker", "handler", "dispatcher", "supervisor", "leader", "outsider", "anonymous"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def png_upload(name: str = "photo.png", size=(32, 24)) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (90, 140, 60)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def far_appeal(cast):
    """A request in 延安北路街道 (北京南路社区), submitted anonymously, with one photo:
    no cast member in ROLES may see it."""
    appeal, _ = services.create_appeal(
        cast.intake_data(
            community="CJ-YA-BJ",
            title="昌吉北京南路井盖缺失",
            address="北京南路88号",
            contact_name="赵远方",
            contact_phone="13755501234",
        ),
        actor=None,
        photos=[png_upload()],
    )
    return appeal
