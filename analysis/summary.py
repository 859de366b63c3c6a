"""The figures as one plain structure: the JSON of /api/v1/stats and what the
dashboard shows are the same numbers."""

from __future__ import annotations

from appeals.catalogue import catalogue
from appeals.models import Appeal
from organisations.tree import unit_names

from .figures import RATES, Counts, Query
from .models import FigureSettings

# The counts every figure and every breakdown row shows.
COUNTS = ("received", "registered", "rejected", "replied", "replied_on_time", "closed", "withdrawn", "merged",
          "dispatched", "signed_on_time", "returns", "extensions", "reopenings", "reopened", "evaluated",
          "satisfied", "basically", "dissatisfied", "resolved", "on_the_spot", "callbacks", "co_parts",
          "co_replied")


def figures_of(counts: Counts, choice: FigureSettings) -> dict:
    out = {name: counts[name] for name in COUNTS}
    rates = counts.rates(choice)
    out.update({name: (float(r.percent) if r.percent is not None else None) for name, r in rates.items()})
    out["rates"] = {name: r.as_json() for name, r in rates.items()}
    return out


def _label(dimension: str, value) -> dict:
    if dimension == "category":
        cat = catalogue().by_id.get(value)
        return {"id": value, "code": cat.code if cat else "", "name": str(cat) if cat else str(value)}
    if dimension == "unit":
        return {"id": value or None, "name": unit_names().get(value, "") if value else ""}
    choices = {"channel": Appeal.Channel, "type": Appeal.Type, "urgency": Appeal.Urgency}[dimension]
    return {"code": value, "name": str(dict(choices.choices).get(value, value))}


def stats(query: Query, *, breakdowns=("category", "unit", "channel")) -> dict:
    choice = FigureSettings.current()
    counts = query.counts()
    avg, p90 = query.hours()
    out = {
        "scope": {"id": query.scope.key, "kind": query.scope.kind, "name": query.scope.name},
        "from": query.start.isoformat() if query.start else None,
        "to": query.end.isoformat() if query.end else None,
        **figures_of(counts, choice),
        "overdue_now": query.overdue_now(),
        "handling_hours_avg": avg,
        "handling_hours_p90": p90,
    }
    for dimension in breakdowns:
        out[f"by_{dimension}"] = [{**_label(dimension, value), **figures_of(c, choice)}
                                  for value, c in query.breakdown(dimension)]
    return out


__all__ = ["stats", "figures_of", "COUNTS", "RATES"]
