"""The classifier itself: predictions, confidence, words, the file and its swap."""

from __future__ import annotations

import os

import numpy as np

from routing import classifier

from .generate import messages


def test_it_learns_the_generated_categories(trained):
    held_out = messages(10, seed=99)
    right = sum(trained.predict(t, d).label == code for t, d, code in held_out)
    assert right / len(held_out) >= 0.9


def test_confidence_is_a_probability_and_words_come_from_the_text(trained):
    title, description = "文化广场路灯不亮", "文化广场的路灯不亮已经一周了，晚上走路看不见。"
    p = trained.predict(title, description)
    assert p.label == "SZ-LD"
    assert 0.0 <= p.confidence <= 1.0 and abs(sum(p.scores.values()) - 1.0) < 1e-5
    assert p.confidence == max(p.scores.values())
    assert p.words and all(w in (title + description).lower() for w in p.words)
    assert any("路灯" in w for w in p.words)


def test_unlabelled_text_is_learnt_from_without_its_labels():
    rows = messages(6, seed=4)
    unlabelled = [(t, d) for t, d, _ in messages(20, seed=8)]
    model = classifier.fit([(t, d) for t, d, _ in rows], [c for _, _, c in rows], unlabelled=unlabelled)
    assert model.meta["unlabelled"] == 60 and 0 < model.meta["pseudo_labelled"] <= 60
    # Its words are in the vocabulary even where no labelled message had them.
    assert len(model.vectoriser.terms) > len(classifier.fit([(t, d) for t, d, _ in rows],
                                                            [c for _, _, c in rows]).vectoriser.terms)


def test_an_empty_message_still_gets_an_answer(trained):
    p = trained.predict("", "")
    assert p.label in trained.classes and 0.0 <= p.confidence <= 1.0 and p.words == []


def test_the_file_round_trips_without_pickles(trained, tmp_path):
    path = tmp_path / "m.npz"
    trained.save(path)
    with np.load(path, allow_pickle=False) as z:  # raises if the file held any pickled object
        assert set(z.files) == {"terms", "idf", "weights", "bias", "meta"}
    again = classifier.Model.read(path)
    text = ("电梯困人", "单元电梯困人半小时，请物业马上处理。")
    assert again.classes == trained.classes and again.temperature == trained.temperature
    assert again.predict(*text).label == trained.predict(*text).label == "WY-DT"
    assert abs(again.predict(*text).confidence - trained.predict(*text).confidence) < 1e-5
    assert os.listdir(tmp_path) == ["m.npz"]  # no temporary file left behind


def test_the_served_model_is_read_once_and_swapped_when_the_file_changes(trained):
    path = classifier.model_path()
    assert classifier.load() is None  # no model yet
    trained.save(path)
    first = classifier.load()
    assert first is not None and classifier.load() is first  # cached: one stat, no second read

    rows = messages(20, seed=5, codes=["WY-DT", "SZ-LD"])
    retrained = classifier.fit([(t, d) for t, d, _ in rows], [c for _, _, c in rows])
    retrained.save(path)  # a new file renamed over the old one, as train_classifier does
    second = classifier.load()
    assert second is not first and second.classes == ["SZ-LD", "WY-DT"]
    # A request that took the old model before the swap finishes with it.
    assert first.predict("夜间施工太吵", "").label == "HJ-ZY"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_failed_write_leaves_the_served_file_alone(trained, monkeypatch):
    path = classifier.model_path()
    trained.save(path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", broken)
    try:
        trained.save(path)
    except OSError:
        pass
    assert path.read_bytes() == before and sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_damaged_file_keeps_the_model_in_service(trained):
    path = classifier.model_path()
    trained.save(path)
    good = classifier.load()
    path.write_bytes(b"not a model")
    assert classifier.load() is good
