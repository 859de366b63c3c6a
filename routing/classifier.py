"""The category classifier: train, save, load once, predict in a millisecond.

The model is linear over `features.Vectoriser` columns: one weight column per
category, so a prediction is a sparse row times a small dense matrix, and the
words that drove it are the largest terms of that product. Training is NB-SVM
(Wang & Manning 2012): per category, the features are scaled by their naive
Bayes log-count ratio before a linear SVM is fitted, and the two are folded into
one weight matrix. Scores become a confidence by a softmax whose temperature is
fitted on out-of-fold scores (it keeps the ranking, so accuracy is unchanged).

The file is a NumPy .npz without pickles (loading it runs no code), written
next to its final name and renamed over it: a process that is reading the old
file keeps it, the next `load()` sees the new mtime and swaps the model in.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings

from .features import Vectoriser, says_something, tokens

FORMAT = 1
log = logging.getLogger(__name__)


@dataclass
class Prediction:
    label: str
    confidence: float
    words: list[str]
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class Model:
    vectoriser: Vectoriser
    classes: list[str]
    weights: np.ndarray  # (n_terms, n_classes) float32
    bias: np.ndarray  # (n_classes,)
    temperature: float = 1.0
    meta: dict = field(default_factory=dict)

    def decision(self, title: str, description: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cols, vals = self.vectoriser.row(tokens(title, description))
        scores = vals @ self.weights[cols] + self.bias if len(cols) else self.bias.copy()
        return scores, cols, vals

    def predict(self, title: str, description: str, *, n_words: int = 8) -> Prediction:
        scores, cols, vals = self.decision(title, description)
        probs = softmax(scores / self.temperature)
        best = int(np.argmax(probs))
        return Prediction(
            label=self.classes[best], confidence=float(probs[best]),
            words=self._words(cols, vals, best, n_words),
            scores={c: float(p) for c, p in zip(self.classes, probs, strict=True)},
        )

    def _words(self, cols: np.ndarray, vals: np.ndarray, k: int, n: int) -> list[str]:
        """The terms that pushed hardest towards class k: the segmented words
        first (a word's title and whole-text contributions added), then character
        n-grams that no chosen word already holds, each surface form once."""
        if not len(cols):
            return []
        contrib = vals * self.weights[cols, k]
        top = np.argsort(-contrib)[: 12 * n]  # enough to fill n after the merges below
        cols, contrib = cols[top], contrib[top]
        by_word: dict[str, float] = {}
        grams: dict[str, float] = {}
        for col, value in zip(cols.tolist(), contrib.tolist(), strict=True):
            term = self.vectoriser.terms[col]
            surface = term[1:]
            if value <= 0 or not says_something(surface):
                continue
            bag = by_word if term[0] in "wW" else grams
            bag[surface] = bag.get(surface, 0.0) + value
        out = [w for w, _ in sorted(by_word.items(), key=lambda kv: -kv[1])][:n]
        for g, _ in sorted(grams.items(), key=lambda kv: -kv[1]):
            if len(out) >= n:
                break
            if not any(g in w or w in g for w in out):
                out.append(g)
        return out

    # --- the file -------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write atomically: a temporary file in the same folder, then rename."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {**self.meta, "format": FORMAT, "classes": self.classes, "temperature": self.temperature}
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez_compressed(
                    f, terms=np.frombuffer("\n".join(self.vectoriser.terms).encode(), dtype=np.uint8),
                    idf=self.vectoriser.idf, weights=self.weights.astype(np.float32),
                    bias=self.bias.astype(np.float32),
                    meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
                )
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def read(cls, path: Path) -> Model:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            if meta.get("format") != FORMAT:
                raise ValueError(f"unknown model format {meta.get('format')!r}")
            terms = z["terms"].tobytes().decode().split("\n") if z["terms"].size else []
            vec = Vectoriser(terms, z["idf"])
            return cls(vec, list(meta["classes"]), z["weights"], z["bias"], float(meta["temperature"]), meta)


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


# --- training -----------------------------------------------------------------------

def fit(texts: list[tuple[str, str]], labels: list[str], *, unlabelled: list[tuple[str, str]] = (),
        seeds: list[tuple[str, str, str]] = (), rounds: int = 2, margin: float = 0.5, alpha: float = 0.1,
        c: float = 3.0, calibrate: bool = True, meta: dict | None = None) -> Model:
    """Train on (title, description) pairs, and learn from unlabelled ones too.
    `seeds` are (title, description, label) descriptions of the categories
    themselves (their names): training data in every fit, never held out;
    those of labels with no example are left out.

    1. Cut every message once (features.tokens); fit the vocabulary and idf
       on all of them, labelled or not (no label is read).
    2. Per class, scale the columns by the NB log-count ratio r and fit a
       one-vs-rest linear SVM; its weights times r are the class's column.
    3. Self-training, `rounds` times: the unlabelled messages the model is
       sure of (best score ahead of the second by more than `margin`) join the
       training set with the label it gave them, and step 2 runs again.
    4. Fit the softmax temperature on 3-fold out-of-fold scores of the same
       procedure."""
    docs = [tokens(t, d) for t, d in texts]
    extra = [tokens(t, d) for t, d in unlabelled]
    known = set(labels)
    seeds = [s for s in seeds if s[2] in known]  # a name alone does not make a category
    seed_docs = [tokens(t, d) for t, d, _ in seeds]
    y = np.asarray(labels)
    vec = Vectoriser.fit(docs + extra + seed_docs)
    X, U = vec.matrix(docs), vec.matrix(extra)
    named = (vec.matrix(seed_docs), np.asarray([label for _, _, label in seeds], dtype=str))
    weights, bias, classes, used = _self_train(X, y, U, named, rounds, margin, alpha, c)
    temperature = _temperature(X, y, U, named, rounds, margin, alpha, c) if calibrate else 1.0
    info = {"n": len(docs), "unlabelled": len(extra), "pseudo_labelled": used, "seeds": len(seed_docs),
            "terms": len(vec.terms),
            "alpha": alpha, "C": c, **(meta or {})}
    return Model(vec, classes, weights, bias, temperature, info)


def _fit_matrix(X, y: np.ndarray, alpha: float, c: float):
    from scipy.sparse import diags
    from sklearn.svm import LinearSVC

    classes = sorted(set(y.tolist()))
    if len(classes) < 2:
        raise ValueError("need at least two categories")
    weights = np.zeros((X.shape[1], len(classes)), dtype=np.float32)
    bias = np.zeros(len(classes), dtype=np.float32)
    for k, label in enumerate(classes):
        pos = y == label
        p = alpha + np.asarray(X[pos].sum(0)).ravel()
        q = alpha + np.asarray(X[~pos].sum(0)).ravel()
        r = np.log((p / p.sum()) / (q / q.sum()))
        svm = LinearSVC(C=c).fit(X @ diags(r), pos)
        weights[:, k] = svm.coef_.ravel() * r
        bias[k] = svm.intercept_[0]
    return weights, bias, classes


def _self_train(X, y: np.ndarray, U, seeds, rounds: int, margin: float, alpha: float, c: float):
    from scipy.sparse import vstack

    S, s_labels = seeds
    X, y = vstack([X, S]).tocsr(), np.concatenate([y, s_labels])
    weights, bias, classes = _fit_matrix(X, y, alpha, c)
    used = 0
    for _ in range(rounds if U.shape[0] else 0):
        scores = np.asarray(U @ weights) + bias
        top2 = np.sort(scores, axis=1)[:, -2:]
        sure = (top2[:, 1] - top2[:, 0]) > margin
        used = int(sure.sum())
        if not used:
            break
        pseudo = np.asarray(classes)[scores.argmax(1)][sure]
        weights, bias, classes = _fit_matrix(vstack([X, U[sure]]).tocsr(), np.concatenate([y, pseudo]), alpha, c)
    return weights, bias, classes, used


def _temperature(X, y: np.ndarray, U, seeds, rounds: int, margin: float, alpha: float, c: float, folds: int = 3,
                 seed: int = 0) -> float:
    from sklearn.model_selection import StratifiedKFold

    counts = np.unique(y, return_counts=True)[1]
    folds = min(folds, int(counts.min()))
    if folds < 2:
        return 1.0
    scores, truth = [], []
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
        w, b, classes, _ = _self_train(X[tr], y[tr], U, seeds, rounds, margin, alpha, c)
        scores.append(np.asarray(X[te] @ w) + b)
        truth.extend(classes.index(label) if label in classes else -1 for label in y[te])
    s, t = np.vstack(scores), np.asarray(truth)
    s, t = s[t >= 0], t[t >= 0]
    best, best_nll = 1.0, np.inf
    for temp in np.geomspace(0.05, 5, 60):  # a 1-D search is all a single parameter needs
        z = s / temp
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(t)), t] - np.log(np.exp(z).sum(1))).mean()
        if nll < best_nll:
            best, best_nll = float(temp), nll
    return best


# --- the model this process serves ----------------------------------------------------------

def model_path() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "routing" / "classifier.npz"
    return Path(getattr(settings, "ROUTING_MODEL_PATH", default))


_lock = threading.Lock()
_loaded: dict[str, tuple[tuple[int, int, int], Model]] = {}


def load() -> Model | None:
    """The current model, read once per process and again only when the file's
    inode, mtime or size changed (a retrain renamed a new file over it); None
    if there is no model yet. One stat per call."""
    path = model_path()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    stamp = (st.st_ino, st.st_mtime_ns, st.st_size)  # a rename gives a new inode even within one mtime tick
    key = str(path)
    cached = _loaded.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    with _lock:
        cached = _loaded.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
        try:
            model = Model.read(path)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            # A damaged file must not break the request page: keep serving what we had.
            log.exception("routing: cannot read the model file %s", path)
            if cached is None:
                return None
            _loaded[key] = (stamp, cached[1])  # and do not try again until the file changes
            return cached[1]
        _loaded[key] = (stamp, model)  # one assignment: readers see the old model or the new
        return model
