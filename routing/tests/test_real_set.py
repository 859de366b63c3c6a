"""The classifier on real residents' language (../shared/data, not in the
repository): a quick train/test split as a regression guard. The full 5-fold
figures are measured with evaluate_classifier (README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from routing import evaluation

DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "citizen-messages-2020" / "messages.csv"


@pytest.mark.skipif(not DATA.exists(), reason=f"the citizen-messages set is not at {DATA}")
def test_a_small_model_of_real_messages_is_accurate_and_fast():
    texts, labels = evaluation.read_csv(DATA, ["留言主题", "留言详情"], "一级标签")
    # Every third message to train, a disjoint fifth of the rest to test: about 5 s in all.
    train = list(range(0, len(texts), 3))
    test = [i for i in range(len(texts)) if i % 3 and i % 5 == 1]
    report = evaluation.train_test([texts[i] for i in train], [labels[i] for i in train],
                                   [texts[i] for i in test], [labels[i] for i in test], calibrate=False)
    assert len(report.per_class) == 7
    assert report.accuracy >= 0.82, report.accuracy
    assert report.ms_per_message < 5, report.ms_per_message
