"""The background work, in one place: what `manage.py run_worker` does in a
loop (started by `make run`) and `manage.py run_timers` does once (cron).

Nothing a person sees depends on it running: overdue and due-soon are read
from stored deadlines. What waits for it is delivery (notifications and text
messages), the long Excel exports (analysis.jobs) and the timers (closing
requests whose evaluation window ended, making the recurring care plans'
orders a week ahead, reminding volunteers of a care order past its time).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.db import close_old_connections

from . import outbox

logger = logging.getLogger("hubiying.worker")
TIMER_SECONDS = 60  # how often the loop runs the timers


@dataclass
class Pass:
    notifications: int = 0
    messages: int = 0
    closed: int = 0
    exports: int = 0
    care_orders: int = 0  # recurring care plans' orders made
    reminders: int = 0  # volunteers reminded of a care order past its time
    step_reminders: int = 0  # requests whose step is past 75% of its time: its holders reminded
    urged: int = 0  # requests overdue since before today: urged by the platform
    proposals: int = 0  # requests waiting for dispatch given their suggestion (routing)


def deliver() -> Pass:
    made, sent = outbox.drain()
    # The dispatch suggestions of new requests, kept for the dispatchers' queue (the routing app).
    from routing.proposals import make_pending

    return Pass(notifications=made, messages=sent, proposals=make_pending())


def exports() -> Pass:
    """Makes the long Excel exports waiting (analysis.jobs): on a thread of their
    own in `loop`, so that a long one never holds up a text message's code."""
    # Imported here: the notifications app does not depend on analysis at import time.
    from analysis.jobs import run_pending

    # Large county set-up workbooks (county_setup.jobs) are checked and applied on this thread too,
    # and counted with the exports.
    from county_setup.jobs import run_pending as run_setup_imports

    return Pass(exports=run_pending() + run_setup_imports())


def timers() -> Pass:
    from appeals.services import close_expired_evaluations
    from appeals.timers import remind_due_soon, urge_overdue
    from care.schedule import make_orders
    from care.services import remind_missed

    closed = close_expired_evaluations()
    reminded_steps, urged = remind_due_soon(), urge_overdue()
    made, reminded = make_orders(), remind_missed()
    # What the timers wrote (a close tells nobody today; a reminder is a text message) goes out in the same pass.
    done = deliver()
    done.closed, done.care_orders, done.reminders = closed, made, reminded
    done.step_reminders, done.urged = reminded_steps, urged
    return done


def loop(interval: float = 1.0, *, stop=lambda: False) -> None:
    """Delivers every `interval` seconds and runs the timers every minute; an
    error is logged and the loop goes on (the next pass retries)."""
    threading.Thread(target=_exports_loop, args=(interval, stop), name="exports", daemon=True).start()
    last_timers = 0.0
    while not stop():
        close_old_connections()
        try:
            if time.monotonic() - last_timers >= TIMER_SECONDS:
                timers()
                last_timers = time.monotonic()
            else:
                deliver()
        except Exception:  # noqa: BLE001 — a worker outlives one failed pass
            logger.exception("worker pass failed")
        time.sleep(interval)


def _exports_loop(interval: float, stop) -> None:
    while not stop():
        close_old_connections()
        try:
            exports()
        except Exception:  # noqa: BLE001 — as the loop above
            logger.exception("export pass failed")
        time.sleep(interval)
