"""Hostile photos through the real HTTP paths (multipart POST /api/v1/appeals
and the /submit/ page): each is refused with a message naming the photo and
nothing is stored, or it is stored re-encoded (no EXIF, no trailing payload)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from appeals.models import Appeal, AppealEvent, AppealPhoto
from appeals.tests.api import api_client

GPS = 34853
PAYLOAD = b"PK\x03\x04\x14\x00evil.zip<html><script>alert(document.cookie)</script></html>"


def jpeg(size=(64, 48), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, "JPEG", **save)
    return out.getvalue()


def bomb() -> bytes:
    """A PNG of a few hundred bytes that declares 100 000 × 100 000 pixels."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0110] = "HUAWEI P60"
    exif[GPS] = {1: "N", 2: (44.0, 11.0, 27.0), 3: "E", 4: (86.0, 54.0, 3.0)}
    data = jpeg(exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS)
    return data


REFUSED = {
    "not_an_image.jpg": lambda: b"%PDF-1.4\n<html><script>alert(1)</script></html>\n" * 20,
    "oversized.jpg": lambda: jpeg() + b"\0" * (10 * 1024 * 1024 + 10),
    "far_too_big.jpg": lambda: jpeg() + b"\0" * (13 * 1024 * 1024),  # above the in-memory upload limit too
    "bomb.png": bomb,
}
CLEANED = {
    "polyglot.jpg": lambda: jpeg() + PAYLOAD,
    "gps.jpg": gps_jpeg,
}

INTAKE = {
    "category": "WY-DT",
    "type": "help",
    "title": "楼道堆放杂物",
    "description": "花城小区5号楼楼道堆满杂物，存在消防隐患，请尽快清理。",
    "address": "花城小区5号楼",
    "contact_name": "周红",
    "contact_phone": "13699988877",
    "urgency": "normal",
}


def stored_files() -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_api(name: str, data: bytes):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return api_client().post("/api/v1/appeals", {**INTAKE, "photos": [upload]}, format="multipart")


def post_page(name: str, data: bytes):
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post("/submit/", {**INTAKE, "lat": "", "lng": "", "community": "", "photos": [upload]})


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_hostile_upload_is_refused_through_the_api_and_nothing_is_stored(cast, name):
    response = post_api(name, REFUSED[name]())
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["field"] == "photos" and name in body["detail"], body
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists() and not AppealPhoto.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_hostile_upload_is_refused_on_the_submit_page_and_nothing_is_stored(cast, name):
    response = post_page(name, REFUSED[name]())
    assert response.status_code == 400
    errors = response.context["form"].errors.get("photos", [])
    assert errors and name in " ".join(errors), response.context["form"].errors
    assert 'data-error-for="photos"' in response.content.decode()
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists() and not AppealPhoto.objects.exists()
    assert stored_files() == []


def assert_cleaned(photo: AppealPhoto) -> None:
    with photo.image.open("rb") as f:
        data = f.read()
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {} and "exif" not in stored.info
    assert b"PK\x03\x04" not in data and b"<script>" not in data and b"HUAWEI" not in data
    assert data.rstrip(b"\0").endswith(b"\xff\xd9")  # nothing after the end-of-image marker


@pytest.mark.parametrize("name", list(CLEANED))
@pytest.mark.parametrize("via", ["api", "page"])
def test_a_photo_carrying_extras_is_refused_or_stored_clean(cast, name, via):
    response = (post_api if via == "api" else post_page)(name, CLEANED[name]())
    if response.status_code == 400:
        assert not Appeal.objects.exists() and stored_files() == []
        return
    assert response.status_code in (201, 302), response.content[:300]
    (photo,) = AppealPhoto.objects.all()
    assert_cleaned(photo)
    assert len(stored_files()) == 1
