"""Training data from the dispatch history and corrections; train_classifier."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from appeals.errors import Forbidden, NotFound
from appeals.models import Status
from routing import classifier
from routing.models import Correction
from routing.services import MODEL, correct
from routing.training import examples

from .generate import messages

LIGHTS = {"title": "花城小区路灯不亮", "description": "花城小区的路灯不亮已经一周了。"}


def test_dispatched_requests_are_examples_and_waiting_ones_are_not(cast):
    dispatched = cast.appeal_in(Status.DISPATCHED, category="SZ-LD", **LIGHTS)
    cast.appeal_in(Status.REGISTERED)
    assert [(e.appeal_id, e.label, e.title) for e in examples()] == [(dispatched.pk, "SZ-LD", LIGHTS["title"])]


def test_a_correction_becomes_the_label(cast, served):
    appeal = cast.appeal_in(Status.REGISTERED, **LIGHTS)  # filed as a lift fault: not yet an example
    assert examples() == []
    c = correct(appeal, actor=cast.fresh(cast.dispatcher), category=cast.category_lights, unit=cast.community_unit)
    c.refresh_from_db()
    assert (c.appeal, c.category, c.unit, c.actor) == (appeal, cast.category_lights, cast.community_unit,
                                                        cast.dispatcher)
    assert (c.proposed_category, c.source) == (cast.category_lights, MODEL)
    assert [(e.appeal_id, e.label) for e in examples()] == [(appeal.pk, "SZ-LD")]


def test_the_latest_correction_wins_over_the_dispatched_category(cast):
    appeal = cast.appeal_in(Status.DISPATCHED)
    d = cast.fresh(cast.dispatcher)
    correct(appeal, actor=d, category=cast.category_lights)
    correct(appeal, actor=d, category=cast.category)
    assert [(e.appeal_id, e.label) for e in examples()] == [(appeal.pk, "WY-DT")]


@pytest.mark.parametrize("who", ["outsider", "handler", "other_dispatcher", "resident"])
def test_only_the_dispatcher_in_scope_may_correct(cast, who):
    appeal = cast.appeal_in(Status.DISPATCHED)
    with pytest.raises((Forbidden, NotFound)):
        correct(appeal, actor=cast.fresh(getattr(cast, who)), category=cast.category_lights)
    assert Correction.objects.count() == 0


def test_train_classifier_learns_from_the_history_and_swaps_the_model_in(cast, noise_category):
    for title, description, code in messages(8, seed=3):
        cast.appeal_in(Status.DISPATCHED, category=code, title=title, description=description)
    waiting = cast.appeal_in(Status.REGISTERED, title="夜间施工噪音扰民", description="工地半夜施工太吵，影响休息。")
    call_command("train_classifier", "--min-examples", "10", "--unlabelled", "100", stdout=_Sink())
    model = classifier.load()
    assert model is not None and model.classes == ["HJ-ZY", "SZ-LD", "WY-DT"]
    # The waiting request's text was read (self-training), its category (a lift fault) was not.
    assert (model.meta["n"], model.meta["unlabelled"], model.meta["pseudo_labelled"]) == (24, 1, 1)
    assert model.meta["seeds"] == 3  # the three categories' names
    assert model.predict(waiting.title, waiting.description).label == "HJ-ZY"


def test_train_classifier_refuses_too_little_history(cast):
    cast.appeal_in(Status.DISPATCHED)
    with pytest.raises(CommandError):
        call_command("train_classifier", stdout=_Sink())
    assert classifier.load() is None


class _Sink:
    def write(self, s):
        pass

    def flush(self):
        pass
