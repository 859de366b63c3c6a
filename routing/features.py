"""From a request's Chinese text to a sparse vector: the same code at training
and at serving, so the two can never disagree.

A message is cut four ways, each a block of features with its own TF-IDF
normalisation and weight: the character 1–3-grams and the words (rjieba) of the
whole text, and the same two of the title alone, because residents put the
matter in the title and the story in the description (the title blocks are
worth +1 point of accuracy on the citizen-messages set: README).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import rjieba

# (prefix, weight). The prefixes keep one vocabulary for all blocks.
BLOCKS: tuple[tuple[str, float], ...] = (("c", 1.0), ("w", 1.0), ("C", 0.5), ("W", 0.5))
NGRAMS = (1, 2, 3)
MAX_CHARS = 2000  # past this a story adds time, hardly any accuracy (README: "What we measured")

_SPACE = re.compile(r"\s+")
_NO_WORD = re.compile(r"^[\W_]+$")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", (text or "").lower()).strip()


def char_grams(text: str) -> list[str]:
    out = []
    for n in NGRAMS:
        out.extend(text[i:i + n] for i in range(len(text) - n + 1))
    return out


def words(text: str) -> list[str]:
    # Punctuation stays: "？" and "！" are worth +0.1 point of accuracy (README).
    return [w for w in rjieba.cut(text) if w.strip()]


def says_something(term: str) -> bool:
    """Worth showing a person as a reason: not punctuation, digits or space."""
    return len(term) > 1 and " " not in term and not _NO_WORD.match(term) and not term.isdigit()


def tokens(title: str, description: str) -> list[list[str]]:
    """The four blocks' tokens, in BLOCKS order: chars, words, title chars, title words."""
    title = normalise(title)
    whole = normalise(f"{title} {description or ''}")[:MAX_CHARS]
    return [char_grams(whole), words(whole), char_grams(title), words(title)]


class Vectoriser:
    """TF-IDF (sublinear tf, smoothed idf), L2-normalised per block, times the
    block's weight. Column i is `terms[i]`: the block's prefix and the token."""

    def __init__(self, terms: Sequence[str], idf: np.ndarray):
        self.terms = list(terms)
        self.idf = np.asarray(idf, dtype=np.float32)
        self.index: list[dict[str, int]] = [{} for _ in BLOCKS]
        block_of = {p: b for b, (p, _) in enumerate(BLOCKS)}
        for i, t in enumerate(self.terms):
            self.index[block_of[t[0]]][t[1:]] = i

    @classmethod
    def fit(cls, docs: Sequence[list[list[str]]], min_df: int = 2) -> Vectoriser:
        df: list[Counter[str]] = [Counter() for _ in BLOCKS]
        for doc in docs:
            for counter, block in zip(df, doc, strict=True):
                counter.update(set(block))
        kept = sorted((p + t, n) for (p, _), counter in zip(BLOCKS, df, strict=True)
                      for t, n in counter.items() if n >= min_df)
        total = len(docs)
        idf = np.array([math.log((1 + total) / (1 + n)) + 1.0 for _, n in kept], dtype=np.float32)
        return cls([t for t, _ in kept], idf)

    def row(self, doc: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """One message's (columns, values): the serving path, a few hundred dict look-ups."""
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for (_, weight), index, block in zip(BLOCKS, self.index, doc, strict=True):
            found = [(index[t], n) for t, n in Counter(block).items() if t in index]
            if not found:
                continue
            c = np.fromiter((i for i, _ in found), dtype=np.int64, count=len(found))
            v = (1.0 + np.log(np.fromiter((n for _, n in found), dtype=np.float32, count=len(found)))) * self.idf[c]
            cols.append(c)
            vals.append(v * (weight / (float(np.sqrt(v @ v)) or 1.0)))
        if not cols:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return np.concatenate(cols), np.concatenate(vals).astype(np.float32)

    def matrix(self, docs: Iterable[list[list[str]]]):
        from scipy.sparse import csr_matrix

        indptr, indices, data = [0], [], []
        for doc in docs:
            c, v = self.row(doc)
            indices.append(c)
            data.append(v)
            indptr.append(indptr[-1] + len(c))
        indices_a = np.concatenate(indices) if indices else np.zeros(0, np.int64)
        data_a = np.concatenate(data) if data else np.zeros(0, np.float32)
        return csr_matrix((data_a, indices_a, np.asarray(indptr)), shape=(len(indptr) - 1, len(self.terms)))
