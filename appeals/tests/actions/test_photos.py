"""Photos on intake: checked by content, size and count; stored re-encoded
without metadata or anything smuggled after the image."""

import io
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from appeals import services
from appeals.errors import Invalid
from appeals.models import AppealPhoto
from appeals.photos import MAX_PHOTOS, clean_photo

from ._support import member, refused

GPS = 34853


def jpeg(size=(64, 48), color="red", **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **save)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas (a decompression bomb)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def submit(cast, *files):
    return services.create_appeal(cast.intake_data(), actor=member(cast, "resident"), photos=list(files))


def stored_files():
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_photo_is_stored_as_a_jpeg_with_the_submission(cast):
    appeal, _ = submit(cast, upload(jpeg(), "电梯.png"))
    (photo,) = AppealPhoto.objects.filter(appeal=appeal)
    assert photo.event == appeal.events.get(action="submit")
    assert (photo.width, photo.height) == (64, 48)
    assert photo.image.name.endswith(f"{photo.token}.jpg")
    with photo.image.open("rb") as f:
        assert Image.open(f).format == "JPEG"


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(cast):
    error = refused(Invalid, lambda: submit(cast, upload(b"<html><script>alert(1)</script></html>", "cat.jpg")),
                    field="photos")
    assert "cat.jpg" in error.detail
    assert stored_files() == []


def test_a_photo_larger_than_10_mb_is_refused(cast):
    big = jpeg() + b"\0" * (10 * 1024 * 1024)
    error = refused(Invalid, lambda: submit(cast, upload(big, "big.jpg")), field="photos")
    assert "10 MB" in error.detail and "big.jpg" in error.detail
    assert stored_files() == []


def test_the_size_is_measured_on_the_bytes_not_on_what_the_upload_claims(cast):
    big = upload(jpeg() + b"\0" * (10 * 1024 * 1024), "liar.jpg")
    big.size = 1000
    with pytest.raises(Invalid, match="10 MB"):
        clean_photo(big)


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (8000, 6000)])
def test_a_decompression_bomb_is_refused_without_decoding_it(cast, width, height):
    error = refused(Invalid, lambda: submit(cast, upload(png_declaring(width, height), "bomb.png")),
                    field="photos")
    assert "像素太高" in error.detail  # the Chinese sentence a resident reads
    assert stored_files() == []


def test_a_polyglot_is_re_encoded_without_its_trailing_payload(cast):
    payload = b"<html><body><script>alert(document.cookie)</script></body></html>PK\x03\x04evil.zip"
    appeal, _ = submit(cast, upload(jpeg() + payload, "poly.jpg"))
    data = AppealPhoto.objects.get(appeal=appeal).image.read()
    assert data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9")
    assert b"<script>" not in data and b"PK\x03\x04" not in data


def test_gps_and_every_other_exif_tag_are_stripped(cast):
    exif = Image.Exif()
    exif[0x0110] = "HUAWEI P60"  # camera model
    exif[GPS] = {1: "N", 2: (44.0, 11.0, 27.0), 3: "E", 4: (86.0, 54.0, 3.0)}
    original = jpeg(exif=exif.tobytes(), comment=b"<script>alert(1)</script>", xmp=b"<x:xmpmeta>GPS</x:xmpmeta>")
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)  # the test photo really carries a position

    appeal, _ = submit(cast, upload(original, "gps.jpg"))
    data = AppealPhoto.objects.get(appeal=appeal).image.read()
    stored = Image.open(io.BytesIO(data))
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info and "xmp" not in stored.info and "comment" not in stored.info
    assert b"Exif" not in data and b"HUAWEI" not in data and b"<script>" not in data


def test_a_sideways_phone_photo_is_stored_upright(cast):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    appeal, _ = submit(cast, upload(jpeg(size=(64, 48), exif=exif.tobytes())))
    photo = AppealPhoto.objects.get(appeal=appeal)
    assert (photo.width, photo.height) == (48, 64)


def test_a_large_photo_is_scaled_down(cast):
    appeal, _ = submit(cast, upload(jpeg(size=(4000, 100))))
    photo = AppealPhoto.objects.get(appeal=appeal)
    assert photo.width == 2560


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGBA"), ("PNG", "P"), ("WEBP", "RGB"), ("GIF", "P")])
def test_common_photo_formats_are_accepted(cast, fmt, mode):
    out = io.BytesIO()
    Image.new(mode, (32, 32)).save(out, fmt)
    appeal, _ = submit(cast, upload(out.getvalue(), f"x.{fmt.lower()}"))
    assert AppealPhoto.objects.filter(appeal=appeal).count() == 1


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "EPS"])
def test_other_image_formats_are_refused(cast, fmt):
    out = io.BytesIO()
    Image.new("RGB", (32, 32)).save(out, fmt)
    refused(Invalid, lambda: submit(cast, upload(out.getvalue(), f"x.{fmt.lower()}")), field="photos")


def test_a_truncated_jpeg_is_refused(cast):
    data = jpeg(size=(200, 200))
    refused(Invalid, lambda: submit(cast, upload(data[: len(data) // 2])), field="photos")


def test_nine_photos_are_accepted(cast):
    appeal, _ = submit(cast, *[upload(jpeg(size=(8, 8)), f"{i}.jpg") for i in range(MAX_PHOTOS)])
    assert AppealPhoto.objects.filter(appeal=appeal).count() == 9


def test_ten_photos_are_refused(cast):
    error = refused(Invalid, lambda: submit(cast, *[upload(jpeg(size=(8, 8)), f"{i}.jpg") for i in range(10)]),
                    field="photos")
    assert "9" in error.detail
    assert stored_files() == []
