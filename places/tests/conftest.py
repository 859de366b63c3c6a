import pytest

from .spots import make_spots


@pytest.fixture
def spots(cast):
    return make_spots(cast)
