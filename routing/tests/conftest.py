from __future__ import annotations

import pytest

from appeals.models import Category
from routing import classifier

from .generate import messages


@pytest.fixture(autouse=True)
def _model_path(settings, tmp_path):
    settings.ROUTING_MODEL_PATH = str(tmp_path / "var" / "routing" / "classifier.npz")


@pytest.fixture(scope="session")
def trained():
    """A model trained on the generated set (once: it reads no database)."""
    rows = messages(30, seed=1)
    return classifier.fit([(t, d) for t, d, _ in rows], [c for _, _, c in rows])


@pytest.fixture
def noise_category(cast):
    parent = Category.objects.create(code="HJ", name="环境保护", name_en="Environment")
    return Category.objects.create(code="HJ-ZY", name="噪音扰民", name_en="Noise", parent=parent)


@pytest.fixture
def served(trained):
    """The generated model as the file the service reads."""
    trained.save(classifier.model_path())
    return classifier.load()
