"""Photo checks: by content (not by name), size and count; every photo is
re-encoded as JPEG, which drops EXIF and with it any GPS position."""

from __future__ import annotations

import io
import secrets
import warnings

from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import Invalid

MAX_PHOTOS = 9
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # larger images are refused as decompression bombs
MAX_SIDE = 2560
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
# The decoders Image.open may try (a multi-picture JPEG comes through "JPEG" as MPO).
OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def _read(upload, name: str) -> bytes:
    """The upload's bytes, refusing more than MAX_BYTES whatever `.size` claims."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise Invalid(_("Photo “%(name)s” is larger than 10 MB.") % {"name": name}, field="photos")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Invalid(_("Photo “%(name)s” is larger than 10 MB.") % {"name": name}, field="photos")
    return data


def clean_photo(upload) -> tuple[ContentFile, int, int, str]:
    """Returns (jpeg file, width, height, token) or raises Invalid.

    1. Size by the bytes actually read, never by the name or the claimed size.
    2. Only the decoders of ALLOWED_FORMATS are ever tried (no EPS, PSD, ...).
    3. The pixel count is checked before any pixel is decoded.
    4. The image is re-encoded from its pixels alone: EXIF (GPS), XMP, comments
       and anything appended after the image data are left behind.
    """
    name = getattr(upload, "name", None) or "photo"
    data = _read(upload, name)
    unreadable = _("“%(name)s” is not a photo we can read (JPEG, PNG, WebP or GIF).") % {"name": name}
    too_big = _("Photo “%(name)s” has too many pixels (at most %(n)d million).") % {
        "name": name, "n": MAX_PIXELS // 1_000_000}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=OPEN_FORMATS) as probe:
                fmt = probe.format
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise Invalid(too_big, field="photos")
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=OPEN_FORMATS)
            image.load()
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid(too_big, field="photos") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise Invalid(unreadable, field="photos") from None
    if fmt not in ALLOWED_FORMATS:
        raise Invalid(unreadable, field="photos")
    out = io.BytesIO()
    try:
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        # JPEG save copies a comment (COM segment) from .info by itself: clear it.
        image.info = {}
        image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= : metadata is dropped
    except (OSError, ValueError, SyntaxError, EOFError):
        raise Invalid(unreadable, field="photos") from None
    token = secrets.token_hex(12)
    return ContentFile(out.getvalue(), name=f"{token}.jpg"), image.width, image.height, token


def clean_photos(uploads) -> list[tuple[ContentFile, int, int, str]]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_PHOTOS:
        raise Invalid(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
    return [clean_photo(u) for u in uploads]


def serve(photo) -> FileResponse:
    """A request's photo, for the views that have checked who may see it (no
    URL serves the media folder itself)."""
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
