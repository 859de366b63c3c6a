"""A dispatch answers the suggestion kept for its request: what the dispatcher
chose beside what was proposed becomes a `Correction` (training data, and the
acceptance figure), in the dispatch's own transaction."""

from __future__ import annotations

from appeals.signals import events_written

from .models import Correction, Proposal


def record_dispatches(sender, events, **kwargs) -> None:
    dispatches = [e for e in events if e.action == "dispatch" and e.actor_id and e.data.get("unit")]
    if not dispatches:
        return
    kept = {p.appeal_id: p for p in Proposal.objects.filter(appeal_id__in=[e.appeal_id for e in dispatches])}
    Correction.objects.bulk_create([
        Correction(appeal_id=e.appeal_id, category_id=e.appeal.category_id, unit_id=e.data["unit"],
                   actor_id=e.actor_id, proposed_category_id=kept[e.appeal_id].category_id,
                   proposed_unit_id=kept[e.appeal_id].unit_id, source=kept[e.appeal_id].source, at=e.at)
        for e in dispatches if e.appeal_id in kept
    ])


def connect() -> None:
    events_written.connect(record_dispatches, dispatch_uid="routing.record_dispatches")
