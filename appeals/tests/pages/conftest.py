"""Page tests read the pages in English, so that what they assert about the
interface still holds after the Chinese translation pass; user data (names,
titles, categories) stays Chinese."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def as_user(client):
    """as_user(cast.handler) -> the test client logged in as that person."""

    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def png(name: str = "photo.png", size=(64, 48)) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (120, 160, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
