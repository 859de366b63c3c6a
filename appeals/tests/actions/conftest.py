import pytest

from ._support import Clock


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)
