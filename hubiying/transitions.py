"""Applying one transition table: each state machine (a sign-up, a care order,
a topic…) keeps its own table of (action, from) → to and the time stamp each
action sets; `apply` moves a row the caller has locked, or refuses."""

from __future__ import annotations

from django.utils import timezone

from appeals.errors import WrongState


def apply(row, table: dict[tuple[str, str], str], stamps: dict[str, str], action: str, refusal: str, *,
          field: str = "state", **fields):
    """Moves `row`'s `field` by `action` and saves the changed fields; `refusal`
    (with %(state)s, or %(<field>)s, for the current value's label) when the
    table has no such move."""
    target = table.get((action, getattr(row, field)))
    if target is None:
        label = getattr(row, f"get_{field}_display")()
        raise WrongState(refusal % {"state": label, field: label})
    setattr(row, field, target)
    changed = [field, *fields]
    for name, value in fields.items():
        setattr(row, name, value)
    if action in stamps:
        setattr(row, stamps[action], timezone.now())
        changed.append(stamps[action])
    row.save(update_fields=changed)
    return row
