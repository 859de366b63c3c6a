"""evaluate_classifier on a generated CSV: cross-validation and --test."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from .generate import messages, write_csv

COLS = ["--text-cols", "主题,详情", "--label-col", "类别"]


def run(*args) -> str:
    out = io.StringIO()
    call_command("evaluate_classifier", *args, stdout=out)
    return out.getvalue()


def test_cross_validation_reports_every_figure(tmp_path):
    path = write_csv(tmp_path / "set.csv", messages(12, seed=2))
    report = json.loads(run("--csv", str(path), *COLS, "--folds", "3", "--seed", "7", "--json"))
    assert (report["folds"], report["seed"], report["n_test"]) == (3, 7, 36)
    assert report["accuracy"] >= 0.9 and report["macro_f1"] >= 0.9
    assert [c["label"] for c in report["per_class"]] == ["HJ-ZY", "SZ-LD", "WY-DT"]
    assert all(c["support"] == 12 and 0 <= c["precision"] <= 1 for c in report["per_class"])
    assert 0 < report["ms_per_message"] < 50 and 0 < report["model_bytes"] < 1_000_000
    # The same seed, the same folds, the same figures; the table prints too.
    again = json.loads(run("--csv", str(path), *COLS, "--folds", "3", "--seed", "7", "--json"))
    assert again["accuracy"] == report["accuracy"] and again["confusion"] == report["confusion"]
    assert "HJ-ZY" in run("--csv", str(path), *COLS, "--folds", "3")


def test_train_on_one_file_and_report_on_another(tmp_path):
    train = write_csv(tmp_path / "train.csv", messages(10, seed=1))
    test = write_csv(tmp_path / "test.csv", messages(5, seed=9))
    report = json.loads(run("--csv", str(train), *COLS, "--test", str(test), "--json"))
    assert (report["n_train"], report["n_test"], report["folds"]) == (30, 15, 0)
    assert report["accuracy"] >= 0.9


@pytest.mark.parametrize("args", [
    ["--text-cols", "主题,没有这列", "--label-col", "类别"],
    ["--text-cols", "主题", "--label-col", "类别", "--folds", "1"],
])
def test_bad_columns_and_folds_are_refused(tmp_path, args):
    path = write_csv(tmp_path / "set.csv", messages(4))
    with pytest.raises(CommandError):
        run("--csv", str(path), *args)


def test_label_names_are_training_data_too(tmp_path):
    path = write_csv(tmp_path / "set.csv", messages(6, seed=2))
    names = tmp_path / "names.csv"
    names.write_text("label,name\nHJ-ZY,噪音 扰民\nSZ-LD,路灯\nXX-YY,不在数据里\n", encoding="utf-8")
    report = json.loads(run("--csv", str(path), *COLS, "--folds", "3", "--names", str(names), "--json"))
    assert report["seeds"] == 3 and [c["label"] for c in report["per_class"]] == ["HJ-ZY", "SZ-LD", "WY-DT"]
