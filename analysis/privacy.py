"""What of a request may be shown outside its handling: its title only when the
resident wrote it apart from the description, and it names nobody, no address
and no number (a phone, an ID or a house number, with or without spaces).
Elsewhere the category stands for it."""

from __future__ import annotations

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

NUMBER = re.compile(r"\d(?:[\s\-－—]*\d){3,}")  # four digits or more, however written
HOUSE = re.compile(r"\d+\s*(号楼|栋|幢|单元|室|号院|号)")  # a building, a staircase, a flat


def shown_title(title: str, description: str, contact_name: str = "", address: str = "") -> str:
    """The title, or "" when it may say who or where (a resident's own page makes the
    title from the description's start)."""
    title = (title or "").strip()
    if not title or (description or "").startswith(title) or NUMBER.search(title) or HOUSE.search(title):
        return ""
    for private in (contact_name, address):
        private = (private or "").strip()
        if len(private) >= 2 and private in title:
            return ""
    return title


def printable(value):
    """Text without the control characters Word and Excel files cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
