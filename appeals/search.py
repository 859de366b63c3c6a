"""Text search over requests that stays fast on millions of rows.

Chinese has no spaces between words and most searches are two characters
(电梯, 漏水, 噪音), too short for trigram indexes. Each request therefore keeps
`search_text`: the character bigrams of its Chinese text and the lower-cased
words of the rest (the tracking number's parts, house numbers), written at
intake. On PostgreSQL a GIN index over those terms answers a search; a request
matches when it has every term of the query (ASCII words as prefixes). Elsewhere
(SQLite, small deployments) the same terms are matched with LIKE. A query of a
single Chinese character has no bigram and falls back to a substring scan.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, F, Field, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[0-9a-z]+")
MAX_TERMS = 12  # of a query: enough to pin down a sentence
# An ASCII word longer than this is kept by its start (PostgreSQL's tsvector takes terms of at
# most 2,047 bytes; a description may be one 4,000-character run). Words match as prefixes, so
# a search for any start of it still finds it.
LONGEST_WORD = 100


def terms(text: str) -> list[str]:
    """The distinct search terms of a text, in order of appearance."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    found: list[str] = []
    for run in HAN.findall(text):
        found.extend(run[i:i + 2] for i in range(len(run) - 1))
    found.extend(word[:LONGEST_WORD] for word in WORD.findall(HAN.sub(" ", text)))
    return list(dict.fromkeys(found))


def document(*texts: str) -> str:
    """The value of Appeal.search_text for these fields."""
    return " ".join(terms(" ".join(t for t in texts if t)))


class _TsQuery(Field):
    def db_type(self, connection):
        return "tsquery"


class _Matches(Func):
    """search_text's terms as a tsvector (taken as they are, no parser), @@ a tsquery.
    The left side is the exact expression of the GIN index (migration 0005)."""

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()


INDEXED_TERMS = "array_to_tsvector(string_to_array(%(expressions)s, ' '))"


def _tsquery(words: list[str]) -> str:
    # Terms hold only Han characters or [0-9a-z], so quoting cannot be broken out of.
    return " & ".join(f"'{w}'" if HAN.fullmatch(w) else f"'{w}':*" for w in words)


def matching(qs: QuerySet, text: str, fields: tuple[str, ...] = ("title", "description", "tracking_no")) -> QuerySet:
    """The requests of `qs` that the search text finds."""
    text = (text or "").strip()
    if not text:
        return qs
    words = terms(text)[:MAX_TERMS]
    if not words:  # one Chinese character, or only punctuation
        q = Q()
        for name in fields:
            q |= Q(**{f"{name}__icontains": text})
        return qs.filter(q)
    if connection.vendor == "postgresql":
        indexed = Func(F("search_text"), template=INDEXED_TERMS)
        return qs.filter(_Matches(indexed, Cast(Value(_tsquery(words)), _TsQuery())))
    # Elsewhere: each term bounded by spaces (an ASCII word as a prefix), so
    # that a term is not found inside another one.
    qs = qs.alias(_terms=Concat(Value(" "), F("search_text"), Value(" "), output_field=TextField()))
    for word in words:
        qs = qs.filter(_terms__contains=f" {word} " if HAN.fullmatch(word) else f" {word}")
    return qs
