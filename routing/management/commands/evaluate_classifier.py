"""Measure the classifier on a labelled CSV: stratified k-fold cross-validation
with a fixed seed, or --test to train on one file and report on another."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from routing import evaluation


class Command(BaseCommand):
    help = "Cross-validate the category classifier on a labelled CSV (or train on it and test on --test)."

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, type=Path, help="UTF-8 CSV with a header row.")
        parser.add_argument("--text-cols", required=True,
                            help="Comma-separated text columns: the first is the title, the rest the description.")
        parser.add_argument("--label-col", required=True)
        parser.add_argument("--test", type=Path, help="Train on --csv, report on this file (same columns).")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--self-train", action="store_true",
                            help="Also learn from the test messages' text, never their labels (self-training).")
        parser.add_argument("--names", type=Path,
                            help="A CSV or .xlsx describing the labels (first column the label, the others its "
                                 "sub-labels' names): each row is also training data, as train_classifier uses "
                                 "the category names.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the report as JSON.")

    def handle(self, *args, csv, text_cols, label_col, test, folds, seed, self_train, names, as_json, **options):
        cols = [c.strip() for c in text_cols.split(",") if c.strip()]
        texts, labels = self._read(csv, cols, label_col)
        fit = {}
        if names:
            if not names.exists():
                raise CommandError(f"{names}: no such file.")
            fit["seeds"] = evaluation.read_names(names)
        if test:
            test_texts, test_labels = self._read(test, cols, label_col)
            report = evaluation.train_test(texts, labels, test_texts, test_labels, self_train=self_train, **fit)
        else:
            if folds < 2:
                raise CommandError("--folds must be at least 2.")
            try:
                report = evaluation.cross_validate(texts, labels, folds=folds, seed=seed, self_train=self_train,
                                                   **fit)
            except ValueError as e:  # a class with fewer members than folds
                raise CommandError(str(e)) from None
        if as_json:
            self.stdout.write(json.dumps(report.__dict__, ensure_ascii=False, indent=1))
            return
        self._print(report, csv, test)

    def _read(self, path: Path, cols, label_col):
        if not path.exists():
            raise CommandError(f"{path}: no such file.")
        try:
            texts, labels = evaluation.read_csv(path, cols, label_col)
        except KeyError as e:
            raise CommandError(f"{path}: no column {e.args[0]}.") from None
        if len(set(labels)) < 2:
            raise CommandError(f"{path}: need at least two labels.")
        return texts, labels

    def _print(self, r: evaluation.Report, csv: Path, test: Path | None) -> None:
        w = self.stdout.write
        if test:
            w(f"trained on {csv} ({r.n_train} messages), tested on {test} ({r.n_test})")
        else:
            w(f"{r.folds}-fold stratified cross-validation, seed {r.seed}, {r.n_test} messages from {csv}")
        if r.self_train:
            w("self-training on the test messages' text (not their labels)")
        if r.seeds:
            w(f"with {r.seeds} rows of label names as training data")
        w(f"accuracy  {r.accuracy:.4f}")
        w(f"macro-F1  {r.macro_f1:.4f}")
        width = max(_width(c["label"]) for c in r.per_class)
        w(f"{_pad('class', width)}  precision  recall      F1  support")
        for c in r.per_class:
            w(f"{_pad(c['label'], width)}  {c['precision']:9.3f}  {c['recall']:6.3f}  {c['f1']:6.3f}  "
              f"{c['support']:7d}")
        w(f"time per message  {r.ms_per_message:.3f} ms (one core, CPU time)")
        w(f"model file        {r.model_bytes / 1e6:.1f} MB")


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)  # CJK characters take two columns


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _width(s))
