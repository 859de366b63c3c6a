"""Background jobs taken by one worker only (the long Excel exports, the county
set-up workbooks): the oldest queued row is claimed with SELECT … FOR UPDATE
SKIP LOCKED where the database has it (PostgreSQL), else with a conditional
UPDATE queued → running that only one worker can win."""

from __future__ import annotations

from django.db import connection, transaction


def claim_oldest(model, *, queued: str, running: str, **also):
    """The oldest `queued` row of `model`, now `running` (with the fields in `also`), or None."""
    waiting = model.objects.filter(state=queued).order_by("created_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            job = waiting.select_for_update(skip_locked=True).first()
            if job is not None:
                job.state = running
                for name, value in also.items():
                    setattr(job, name, value)
                job.save(update_fields=["state", *also])
            return job
    for pk in waiting.values_list("pk", flat=True)[:5]:
        if model.objects.filter(pk=pk, state=queued).update(state=running, **also):
            return model.objects.get(pk=pk)
    return None


def run_claimed(claim, run, limit: int) -> int:
    """Claims and runs up to `limit` jobs, one at a time (claim() → a job or None); returns how many ran."""
    ran = 0
    while ran < limit:
        job = claim()
        if job is None:
            break
        run(job)
        ran += 1
    return ran
