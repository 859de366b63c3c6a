"""The background work as Celery tasks (hubiying/celery.py): the very functions
of notifications.worker, which `run_worker` calls in its loop without a broker."""

from __future__ import annotations

from dataclasses import asdict

from hubiying.celery import app

from . import worker


@app.task(name="hubiying.deliver")
def deliver() -> dict:
    """Waiting events become notifications and text messages; waiting messages go out."""
    return asdict(worker.deliver())


@app.task(name="hubiying.timers")
def timers() -> dict:
    """Closes, reminders, urges, the care plans' orders; then delivers what they wrote."""
    return asdict(worker.timers())


@app.task(name="hubiying.retrain")
def retrain() -> str:
    """The category classifier trained again from the dispatch history (routing), swapped in by its file."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    try:
        call_command("train_classifier", stdout=out)
    except CommandError as refused:  # too few dispatched requests yet: the next run tries again
        return str(refused)
    return out.getvalue().strip()


@app.task(name="hubiying.exports")
def exports() -> dict:
    """The long Excel exports waiting for a worker."""
    return asdict(worker.exports())
