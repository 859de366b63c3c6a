"""The background work's own figures: `make bench-timers`, or `.venv/bin/python -m bench.timers --help`.

On a PostgreSQL database of generated requests with their timelines (1 million
by default, made by `bench_generate` as `make bench` does; --reuse keeps one):

1. one timer sweep — closing expired evaluations, reminding steps past 75% of
   their time, urging steps overdue since before today (on a working day at
   10:00) — timed twice: the first pass does the work it finds (each timer
   writes at most its batch), the second finds nothing left: the cost of
   looking through a million requests;
2. notification throughput: a few thousand submissions' events put back in the
   outbox, then delivered (in-app notifications and text messages through the
   console SMS backend) — deliveries per second on one process.

Prints the figures and writes bench/results/timers-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from argparse import Namespace

from bench.run import RESULTS, Bench

SWEEP = """
import json, time
from datetime import datetime, time as clock, timedelta
from django.utils import timezone
from appeals import services, timers
from workcalendar.calendar import WorkCalendar

calendar = WorkCalendar.load()
day = timezone.localdate() + timedelta(days=1)
while not calendar.is_workday(day):
    day += timedelta(days=1)
at = timezone.make_aware(datetime.combine(day, clock(10, 0)))
found = {}
for name in ("first", "second"):
    parts = {}
    for timer, call in (("close", lambda: services.close_expired_evaluations(now=at)),
                        ("remind", lambda: timers.remind_due_soon(now=at)),
                        ("urge", lambda: timers.urge_overdue(now=at, calendar=calendar))):
        t = time.perf_counter()
        done = call()
        parts[timer] = {"done": done, "ms": round((time.perf_counter() - t) * 1000, 1)}
    parts["total_ms"] = round(sum(p["ms"] for p in parts.values()), 1)
    found[name] = parts
print("RESULT " + json.dumps(found))
"""

THROUGHPUT = """  # dispatches (the unit's handlers told) and replies (the resident texted, an account told)
import json, time
from django.db import connection
from appeals.models import AppealEvent
from notifications import outbox
from notifications.models import Notification, SmsMessage

from notifications.worker import deliver
deliver()  # whatever the sweep wrote goes first: only the events put back are timed
ids = list(AppealEvent.objects.filter(action__in=("dispatch", "reply")).order_by("-pk")
           .values_list("pk", flat=True)[:{n}])
Notification.objects.filter(event_id__in=ids).delete()
AppealEvent.objects.filter(pk__in=ids).update(notified_at=None)
SmsMessage.objects.all().delete()
t = time.perf_counter()
made, sent = outbox.drain()
seconds = time.perf_counter() - t
print("RESULT " + json.dumps({{"events": len(ids), "notifications": made, "texts": sent,
                              "seconds": round(seconds, 2),
                              "deliveries_per_s": round((made + sent) / seconds, 1) if seconds else None}}))
"""


def log(message: str) -> None:
    print(f"[timers {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Timers(Bench):
    def __init__(self, args):
        super().__init__(Namespace(pg=args.pg, db=args.db, port=0, workers=0, reuse=args.reuse,
                                   password=args.password, appeals=args.appeals, pool=1000))
        self.opts = args
        self.env.update({"SMS_BACKEND": "notifications.sms.ConsoleBackend", "LOG_LEVEL": "ERROR",
                         "HUBIYING_SMS_QUIET_HOURS": "off", "HUBIYING_LOG_FORMAT": "text"})

    def shell(self, code: str) -> dict:
        out = self.manage("shell", "-c", code, capture=True)
        line = next(line for line in reversed(out.splitlines()) if line.startswith("RESULT "))
        return json.loads(line[len("RESULT "):])

    def run(self) -> int:
        self.create_database()
        appeals = self.sql("SELECT count(*) FROM appeals_appeal")[0][0]
        events = self.sql("SELECT count(*) FROM appeals_appealevent")[0][0]
        log(f"{appeals:,} requests, {events:,} timeline events")
        import psycopg

        with psycopg.connect(self.db_url, autocommit=True) as conn:
            conn.execute("ANALYZE")
        log("one timer sweep, twice")
        sweep = self.shell(SWEEP)
        log(f"delivering {self.opts.deliveries} submissions' events again")
        throughput = self.shell(THROUGHPUT.format(n=self.opts.deliveries))
        try:
            machine = self.machine()
        except OSError:  # it also asks wrk for its version, which this run does not need
            machine = {}
        result = {"requests": appeals, "events": events, "sweep": sweep, "throughput": throughput,
                  "command": "make bench-timers", "machine": machine}
        (RESULTS / "timers-latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        print(json.dumps({k: v for k, v in result.items() if k != "machine"}, ensure_ascii=False, indent=2))
        log(f"sweep over {appeals:,} requests: {sweep['first']['total_ms']} ms with its work, "
            f"{sweep['second']['total_ms']} ms with none left; deliveries {throughput['deliveries_per_s']}/s "
            f"({throughput['notifications']} notifications and {throughput['texts']} texts in "
            f"{throughput['seconds']} s)")
        if not self.opts.keep:
            self.drop_database()
        return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--db", default="hubiying_timers")
    p.add_argument("--appeals", type=int, default=1_000_000)
    p.add_argument("--deliveries", type=int, default=3000)
    p.add_argument("--reuse", action="store_true", help="use the database as it is (made by an earlier --keep)")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--password", default=os.environ.get("HUBIYING_DEMO_PASSWORD", "demo"))
    return Timers(p.parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
