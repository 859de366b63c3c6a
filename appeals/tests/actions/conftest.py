import pytest

from ._support import Clock


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The cast creates ten accounts per test; the production hasher would cost seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)
