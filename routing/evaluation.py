"""Measuring the classifier: stratified k-fold cross-validation with a fixed
seed, or train on one file and report on another; accuracy, macro-F1, a
per-class table, the time per message on one core and the model's size."""

from __future__ import annotations

import csv
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import classifier


@dataclass
class Report:
    accuracy: float
    macro_f1: float
    per_class: list[dict]  # label, precision, recall, f1, support
    ms_per_message: float
    model_bytes: int
    n_train: int
    n_test: int
    folds: int = 0
    seed: int | None = None
    self_train: bool = False
    seeds: int = 0  # rows of label names given (before those of unknown labels are left out)
    confusion: dict = field(default_factory=dict)


def read_csv(path: Path, text_cols: list[str], label_col: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(title, description) pairs and labels: the first text column is the
    title, the others joined are the description; rows without a label are left out."""
    texts, labels = [], []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in [*text_cols, label_col] if c not in (reader.fieldnames or [])]
        if missing:
            raise KeyError(", ".join(missing))
        for row in reader:
            label = (row[label_col] or "").strip()
            if not label:
                continue
            parts = [row[c] or "" for c in text_cols]
            texts.append((parts[0], "\n".join(parts[1:])) if len(parts) > 1 else ("", parts[0]))
            labels.append(label)
    return texts, labels


def read_names(path: Path) -> list[tuple[str, str, str]]:
    """Seed documents from a table describing the labels (a CSV, or an .xlsx
    such as the citizen-messages label tree): per row after the header, the
    first cell is the label and the other cells, joined, its text."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        rows = [[str(c) if c is not None else "" for c in r] for r in book.active.iter_rows(values_only=True)]
        book.close()
    else:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    return [(" ".join(c for c in r[1:] if c), "", r[0].strip()) for r in rows[1:] if r and r[0].strip()]


def cross_validate(texts, labels, *, folds: int = 5, seed: int = 0, self_train: bool = False,
                   **fit_options) -> Report:
    """With `self_train`, each fold also learns from its test messages' text
    (never their labels), as a retrain does from the requests still waiting
    for dispatch."""
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(labels)
    pred = np.empty(len(y), dtype=object)
    elapsed, model = 0.0, None
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
        test = [texts[i] for i in te]
        model = classifier.fit([texts[i] for i in tr], y[tr].tolist(), unlabelled=test if self_train else (),
                               **fit_options)
        seconds, out = _predict_all(model, test)
        elapsed += seconds
        pred[te] = out
    return _report(y, pred, elapsed, model, n_train=len(y) * (folds - 1) // folds, n_test=len(y),
                   folds=folds, seed=seed, self_train=self_train, seeds=len(fit_options.get("seeds", ())))


def train_test(train_texts, train_labels, test_texts, test_labels, *, self_train: bool = False,
               **fit_options) -> Report:
    model = classifier.fit(train_texts, train_labels, unlabelled=test_texts if self_train else (), **fit_options)
    seconds, pred = _predict_all(model, test_texts)
    return _report(np.asarray(test_labels), np.asarray(pred, dtype=object), seconds, model,
                   n_train=len(train_labels), n_test=len(test_labels), self_train=self_train,
                   seeds=len(fit_options.get("seeds", ())))


def _predict_all(model, texts) -> tuple[float, list[str]]:
    """Predict one message at a time, as the service does, on one core."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        start = time.process_time()
        out = [model.predict(t, d).label for t, d in texts]
        return time.process_time() - start, out


def _report(y, pred, seconds: float, model, **info) -> Report:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    labels = sorted(set(y.tolist()))
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    per_class = [{"label": lab, "precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                  "support": int(s[i])} for i, lab in enumerate(labels)]
    cm = confusion_matrix(y, pred, labels=labels)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.npz"
        model.save(path)
        size = path.stat().st_size
    return Report(
        accuracy=float(accuracy_score(y, pred)),
        macro_f1=float(f1_score(y, pred, labels=labels, average="macro", zero_division=0)),
        per_class=per_class, ms_per_message=1000 * seconds / max(len(y), 1), model_bytes=size,
        confusion={"labels": labels, "matrix": cm.tolist()}, **info,
    )
