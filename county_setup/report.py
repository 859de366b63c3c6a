"""The row-by-row report of a check or an apply: what each row would create,
change, leave unchanged or why it is refused (sheet, row, column, message)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy

from .layout import SHEETS, WORKBOOK_LANGUAGE, header_text

CREATED, CHANGED, UNCHANGED, REFUSED = "created", "changed", "unchanged", "refused"
OUTCOMES = {CREATED: pgettext_lazy("county set-up", "created"), CHANGED: pgettext_lazy("county set-up", "changed"),
            UNCHANGED: pgettext_lazy("county set-up", "unchanged"), REFUSED: pgettext_lazy("county set-up", "refused")}
SHOWN = 2000  # lines kept for the page (the counts are always complete)


@dataclass
class Line:
    sheet: str  # the sheet's key
    row: int
    outcome: str
    key: str = ""  # the row's code or account name
    column: str = ""  # the column's header, as the workbook writes it
    message: str = ""


@dataclass
class Report:
    lines: list[Line] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the workbook as a whole

    def add(self, sheet: str, row: int, outcome: str, key: str = "", column: str = "", message: str = "") -> None:
        self.lines.append(Line(sheet, row, outcome, key, column, message))

    def refuse(self, sheet, row: int, column_key: str | None, message: str, key: str = "") -> None:
        column = header_text(sheet.column(column_key)).rstrip("*") if column_key else ""
        self.add(sheet.key, row, REFUSED, key, column, str(message))

    @property
    def refused(self) -> bool:
        return bool(self.problems) or any(line.outcome == REFUSED for line in self.lines)

    def counts(self) -> dict:
        """Rows per sheet and outcome (a row with several problems counts once), and the totals."""
        rank = {UNCHANGED: 0, CREATED: 1, CHANGED: 1, REFUSED: 2}
        outcome_of: dict[tuple[str, int], str] = {}
        for line in self.lines:
            key = (line.sheet, line.row)
            if key not in outcome_of or rank[line.outcome] > rank[outcome_of[key]]:
                outcome_of[key] = line.outcome
        per_sheet = {s.key: dict.fromkeys(OUTCOMES, 0) for s in SHEETS}
        for (sheet, _row), outcome in outcome_of.items():
            per_sheet[sheet][outcome] += 1
        totals = {o: sum(c[o] for c in per_sheet.values()) for o in OUTCOMES}
        return {"sheets": per_sheet, "totals": totals}

    def stored(self) -> dict:
        """What the job keeps: every count, the problems, and the lines that are not 'unchanged'."""
        shown = [asdict(line) for line in self.lines if line.outcome != UNCHANGED]
        shown.sort(key=lambda line: (line["outcome"] != REFUSED, _sheet_order(line["sheet"]), line["row"]))
        return {"counts": self.counts(), "problems": self.problems, "lines": shown[:SHOWN],
                "more": max(len(shown) - SHOWN, 0), "refused": self.refused}


def _sheet_order(key: str) -> int:
    return next(i for i, s in enumerate(SHEETS) if s.key == key)


def sheet_title(key: str) -> str:
    with translation.override(WORKBOOK_LANGUAGE):
        return str(next(s.title for s in SHEETS if s.key == key))


def place(line: dict) -> str:
    """'人员 row 5, column 角色' in the reader's language."""
    if line["column"]:
        return gettext("%(sheet)s, row %(row)s, column %(column)s") % {
            "sheet": sheet_title(line["sheet"]), "row": line["row"], "column": line["column"]}
    return gettext("%(sheet)s, row %(row)s") % {"sheet": sheet_title(line["sheet"]), "row": line["row"]}


def as_text(stored: dict) -> str:
    """The report as lines of text, for the command line."""
    out = []
    for problem in stored.get("problems", []):
        out.append(str(problem))
    for line in stored.get("lines", []):
        where = place(line)
        out.append(f"[{OUTCOMES[line['outcome']]}] {where} {line['key']}: {line['message']}".rstrip(": "))
    if stored.get("more"):
        out.append(f"… +{stored['more']}")
    totals = stored["counts"]["totals"]
    out.append(" · ".join(f"{OUTCOMES[o]} {totals[o]}" for o in OUTCOMES))
    return "\n".join(out)
