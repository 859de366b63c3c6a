"""How a node or a unit is named where someone picks one: the whole path and the
kind (呼图壁县 › 呼图壁镇 › 幸福社区（社区/村）), and found by its name, its code or the
pinyin initials of its name (htbz finds 呼图壁镇; 长 may be read c or z)."""

from __future__ import annotations

import re
from functools import lru_cache

from .models import Node, Unit
from .tree import tree

INITIALS_QUERY = re.compile(r"[a-z]{2,20}")


def node_label(node: Node) -> str:
    names = [n.name for n in tree().ancestors(node)] or [node.name]
    return f"{' › '.join(names)}（{node.get_kind_display()}）"


def unit_label(unit: Unit) -> str:
    return f"{unit.name}（{unit.get_kind_display()}）"


@lru_cache(maxsize=16384)
def _letters(name: str) -> tuple[frozenset[str], ...]:
    """Each character's possible first letters (every reading of a polyphone); a Latin letter or digit itself."""
    from pypinyin import Style, pinyin

    readings = pinyin(name, style=Style.FIRST_LETTER, heteronym=True, errors=lambda chars: list(chars))
    return tuple(frozenset(r.lower()[:1] for r in reading if r) for reading in readings)


def initials_match(name: str, query: str) -> bool:
    """True when `query` (lower-case letters) spells the initials of consecutive characters of `name`."""
    letters = _letters(name)
    return any(all(query[i] in letters[start + i] for i in range(len(query)))
               for start in range(len(letters) - len(query) + 1))


def by_initials(names: dict[int, str], query: str) -> list[int]:
    """The ids whose name matches `query` as pinyin initials (empty unless it looks like initials)."""
    query = query.strip().lower()
    if not INITIALS_QUERY.fullmatch(query):
        return []
    return [pk for pk, name in names.items() if initials_match(name, query)]
