"""Photo checks: by content (not by name), size and count; every photo is
re-encoded as JPEG, which drops EXIF and with it any GPS position."""

from __future__ import annotations

import io
import secrets
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import Invalid

MAX_PHOTOS = 9
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # larger images are refused as decompression bombs
MAX_SIDE = 2560
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


def clean_photo(upload) -> tuple[ContentFile, int, int, str]:
    """Returns (jpeg file, width, height, token) or raises Invalid."""
    name = getattr(upload, "name", "photo")
    if upload.size > MAX_BYTES:
        raise Invalid(_("Photo “%(name)s” is larger than 10 MB.") % {"name": name}, field="photos")
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise Invalid(_("Photo “%(name)s” has too many pixels.") % {"name": name}, field="photos")
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except Invalid:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError):
        raise Invalid(_("“%(name)s” is not a photo we can read (JPEG, PNG, WebP or GIF).") % {"name": name},
                      field="photos") from None
    if fmt not in ALLOWED_FORMATS:
        raise Invalid(_("“%(name)s” is not a photo we can read (JPEG, PNG, WebP or GIF).") % {"name": name},
                      field="photos")
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= : metadata is dropped
    token = secrets.token_hex(12)
    return ContentFile(out.getvalue(), name=f"{token}.jpg"), image.width, image.height, token


def clean_photos(uploads) -> list[tuple[ContentFile, int, int, str]]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_PHOTOS:
        raise Invalid(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
    return [clean_photo(u) for u in uploads]
