"""Several servers and workers at once: `make cluster` (a few minutes), or
`.venv/bin/python -m bench.cluster --help`.

On a dedicated PostgreSQL database (created and dropped here; migrate +
load_demo) and one Redis on this machine (the cache and Celery's broker, each
in a database of its own, flushed first):

1. two application servers (gunicorn, two workers each), two Celery workers and
   one beat (the timers every few seconds);
2. intake from Python threads through both servers in turn, each submission with
   its own Idempotency-Key and phone and retried with the same key on any error;
   a number of open requests made due for their 75% reminder beforehand;
3. one Celery worker killed with SIGKILL in the middle of the deliveries, and
   started again a few seconds later;
4. then waits until nothing is left to deliver, and counts: every submission
   answered 2xx exists once, every submission's event was delivered and its
   resident texted exactly once (an SMS backend that appends every send to a
   file: a second send of one message would be a second line), no reminder sent
   twice and every due one sent.

Prints what it tried and the counts; exits non-zero when anything was lost or
repeated.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from argparse import Namespace
from collections import Counter

from bench.chaos import free_port, request
from bench.run import RESULTS, ROOT, VENV_BIN, Bench

HOST = "127.0.0.1"
SMS_LOG_ENV = "HUBIYING_CLUSTER_SMS_LOG"


class RecordingBackend:
    """The cluster's SMS provider: every send is one line appended to a file (O_APPEND: whole lines from
    several processes), so that a message sent twice shows as two lines."""

    def send(self, phone: str, template: str, params: dict, text: str) -> str:
        line = json.dumps({"phone": phone, "template": template, "no": params.get("no", ""), "pid": os.getpid()})
        fd = os.open(os.environ[SMS_LOG_ENV], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
        return "recorded"


def log(message: str) -> None:
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Cluster(Bench):
    def __init__(self, args):
        super().__init__(Namespace(pg=args.pg, db=args.db, port=free_port(), workers=2, reuse=False,
                                   password=args.password, appeals=0, pool=0))
        self.opts = args
        self.sms_log = RESULTS / "cluster-sms.tmp"
        self.env.update({
            "REDIS_URL": f"{args.redis}/{args.cache_db}",
            "CELERY_BROKER_URL": f"{args.redis}/{args.broker_db}",
            "SMS_BACKEND": "bench.cluster.RecordingBackend",
            SMS_LOG_ENV: str(self.sms_log),
            "HUBIYING_SMS_QUIET_HOURS": "off",
            "HUBIYING_TIMERS_SECONDS": "3",
            "SMS_CLAIM_TIMEOUT_SECONDS": "20",  # a killed worker's claimed messages come back quickly
            "HUBIYING_LOG_FORMAT": "text",
        })
        self.ports = [free_port(), free_port()]
        self.servers: list[subprocess.Popen] = []
        self.workers: dict[str, subprocess.Popen] = {}
        self.beat: subprocess.Popen | None = None
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.tries = Counter()
        self.accepted: dict[str, int] = {}  # Idempotency-Key -> the id answered
        self.phones: dict[str, str] = {}
        self.problems: list[str] = []

    # ------------------------------------------------------------ set-up
    def flush_redis(self) -> None:
        import redis

        for db in (self.opts.cache_db, self.opts.broker_db):
            redis.Redis.from_url(f"{self.opts.redis}/{db}").flushdb()

    def create(self) -> None:
        log(f"creating database {self.opts.db}, flushing Redis databases {self.opts.cache_db} and "
            f"{self.opts.broker_db}")
        self.admin_sql(f'DROP DATABASE IF EXISTS "{self.opts.db}" WITH (FORCE)')
        self.admin_sql(f'CREATE DATABASE "{self.opts.db}"')
        self.flush_redis()
        self.sms_log.unlink(missing_ok=True)
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_demo")
        self.manage("collectstatic", "--noinput", "-v0")
        # The demo's own waiting events and messages are delivered now, before anything is counted.
        self.manage("run_timers")
        self.sms_log.unlink(missing_ok=True)
        category, community = self.sql(
            "SELECT c.code, (SELECT n.code FROM organisations_node n WHERE n.kind = 'community' ORDER BY n.path "
            "LIMIT 1) FROM appeals_category c WHERE c.active AND c.parent_id IS NOT NULL ORDER BY c.code LIMIT 1")[0]
        self.template = {"category": category, "type": "help", "address": "3号楼", "community": community,
                         "contact_name": "集群", "urgency": "normal"}

    def start_servers(self) -> None:
        for port in self.ports:
            cmd = [str(VENV_BIN / "gunicorn"), "hubiying.wsgi", "-w", "2", "-b", f"{HOST}:{port}",
                   "--log-level", "warning"]
            self.servers.append(subprocess.Popen(cmd, cwd=ROOT, env=self.env, start_new_session=True))
        for port in self.ports:
            for _ in range(150):
                status, _body = request(f"http://{HOST}:{port}/healthz", timeout=2)
                if status == 200:
                    break
                time.sleep(0.2)
            else:
                raise SystemExit(f"the server on {port} did not come up")
        log(f"two application servers on {self.ports}")

    def start_worker(self, name: str) -> None:
        cmd = [str(VENV_BIN / "celery"), "-A", "hubiying", "-q", "worker", "--concurrency", "2", "-n", f"{name}@%h",
               "--loglevel", "warning", "--without-gossip", "--without-mingle"]
        self.workers[name] = subprocess.Popen(cmd, cwd=ROOT, env=self.env, start_new_session=True)

    def start_celery(self) -> None:
        for name in ("w1", "w2"):
            self.start_worker(name)
        schedule = RESULTS / "cluster-beat.tmp"
        schedule.unlink(missing_ok=True)
        self.beat = subprocess.Popen([str(VENV_BIN / "celery"), "-A", "hubiying", "-q", "beat", "--loglevel", "warning",
                                      "--schedule", str(schedule)], cwd=ROOT, env=self.env, start_new_session=True)
        log("two Celery workers (w1, w2; two processes each) and one beat")

    def make_reminders_due(self) -> list[int]:
        """Open requests whose step is past 75% of its time right now: each must be reminded exactly once."""
        ids = [r[0] for r in self.sql(
            "SELECT id FROM appeals_appeal WHERE status IN ('submitted', 'registered', 'dispatched', 'signed', "
            "'in_progress') ORDER BY id LIMIT %s", [self.opts.due])]
        self.sql_write(
            "UPDATE appeals_appeal SET step_started = now() - interval '3 hours', "
            "step_warn_at = now() - interval '1 minute', step_due = now() + interval '2 hours' WHERE id = ANY(%s)",
            [ids])
        return ids

    def sql_write(self, sql: str, params=None) -> None:
        import psycopg

        with psycopg.connect(self.db_url, autocommit=True) as conn:
            conn.execute(sql, params)

    # ------------------------------------------------------------ load and the fault
    def submitter(self, n: int) -> None:
        turn = n
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            phone = "139" + str(uuid.uuid4().int)[:8]
            body = {**self.template, "title": f"集群测试 {key[:8]}", "description": f"cluster {key} 楼道灯不亮",
                    "contact_phone": phone}
            with self.lock:
                self.phones[key] = phone
            deadline = time.monotonic() + 60
            while True:
                port = self.ports[turn % 2]
                turn += 1
                status, answer = request(f"http://{HOST}:{port}/api/v1/appeals", "POST", body,
                                         {"Idempotency-Key": key}, timeout=5)
                with self.lock:
                    self.tries["requests"] += 1
                    self.tries[f"status_{status}"] += 1
                if 200 <= status < 300:
                    with self.lock:
                        if key in self.accepted and self.accepted[key] != answer["id"]:
                            self.problems.append(f"key {key} answered two ids")
                        self.accepted[key] = answer["id"]
                    break
                if (400 <= status < 500 and status not in (408, 409, 429)) or time.monotonic() > deadline:
                    with self.lock:
                        self.problems.append(f"key {key}: {status} {str(answer)[:120]}")
                    break
                time.sleep(0.2)

    def kill_worker(self, name: str) -> None:
        proc = self.workers[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log(f"SIGKILL to Celery worker {name} and its processes, in the middle of the deliveries")

    def load(self) -> None:
        threads = [threading.Thread(target=self.submitter, args=(i,), daemon=True) for i in range(self.opts.threads)]
        for t in threads:
            t.start()
        log(f"intake through both servers from {self.opts.threads} threads for {self.opts.seconds} s")
        time.sleep(self.opts.seconds / 2)
        self.kill_worker("w1")
        time.sleep(self.opts.restart_after)
        self.start_worker("w1")
        log("w1 started again")
        time.sleep(max(0, self.opts.seconds / 2 - self.opts.restart_after))
        self.stop.set()
        for t in threads:
            t.join(timeout=70)

    def waiting(self) -> tuple[int, int]:
        events = self.sql("SELECT count(*) FROM appeals_appealevent WHERE notified_at IS NULL")[0][0]
        messages = self.sql("SELECT count(*) FROM notifications_smsmessage WHERE sent_at IS NULL AND dropped = '' "
                            "AND attempts < 5")[0][0]
        return events, messages

    def drain(self) -> float:
        started = time.monotonic()
        while time.monotonic() - started < self.opts.drain_timeout:
            events, messages = self.waiting()
            if not events and not messages:
                return time.monotonic() - started
            time.sleep(1)
        events, messages = self.waiting()
        self.problems.append(f"after {self.opts.drain_timeout} s still waiting: {events} events, {messages} messages")
        return time.monotonic() - started

    # ------------------------------------------------------------ the counts
    def check(self, due: list[int]) -> dict:
        ids = list(self.accepted.values())
        rows = {r[0]: r[1] for r in self.sql(
            "SELECT id, tracking_no FROM appeals_appeal WHERE id = ANY(%s)", [ids])}
        keys = self.sql("SELECT count(*), count(DISTINCT key) FROM appeals_idempotencykey")[0]
        lost = [i for i in ids if i not in rows]
        made_by_us = self.sql("SELECT count(*) FROM appeals_appeal WHERE title LIKE '集群测试 %%'")[0][0]
        sends = [json.loads(line) for line in self.sms_log.read_text().splitlines()] if self.sms_log.exists() else []
        by_message = Counter((s["template"], s["no"]) for s in sends)
        repeated = {k: n for k, n in by_message.items() if n > 1}
        received = {no for (template, no) in by_message if template == "appeal_received"}
        not_texted = [rows[i] for i in ids if i in rows and rows[i] not in received]
        undelivered = self.sql("SELECT count(*) FROM appeals_appealevent e WHERE e.appeal_id = ANY(%s) "
                               "AND e.action = 'submit' AND e.notified_at IS NULL", [ids])[0][0]
        notified = self.sql("SELECT count(DISTINCT n.event_id) FROM notifications_notification n JOIN "
                            "appeals_appealevent e ON e.id = n.event_id WHERE e.appeal_id = ANY(%s) AND "
                            "e.action = 'submit'", [ids])[0][0]
        reminders = dict(self.sql("SELECT appeal_id, count(*) FROM appeals_appealevent WHERE action = 'remind' "
                                  "GROUP BY appeal_id"))
        twice = {a: n for a, n in reminders.items() if n > 1}
        missed = [a for a in due if reminders.get(a, 0) != 1]
        rows_per_message = self.sql("SELECT template, params->>'no', count(*) FROM notifications_smsmessage "
                                    "GROUP BY 1, 2 HAVING count(*) > 1")
        result = {
            "submissions_answered_2xx": len(ids), "rows_made_by_the_run": made_by_us,
            "lost_after_2xx": len(lost), "rows_without_a_2xx_seen": made_by_us - len(ids),
            "idempotency_keys": keys[0], "duplicate_keys": keys[0] - keys[1],
            "submit_events_undelivered": undelivered, "submit_events_with_in_app_notifications": notified,
            "texts_sent": len(sends), "texts_sent_twice": len(repeated),
            "message_rows_made_twice_for_one_event": len(rows_per_message),
            "residents_not_texted": len(not_texted),
            "reminders_due": len(due), "reminders_sent": sum(reminders.get(a, 0) for a in due),
            "reminders_missed": len(missed), "reminders_sent_twice": len(twice),
            "requests": dict(self.tries),
        }
        for name, bad in (("lost", lost), ("texted twice", list(repeated)[:5]), ("not texted", not_texted[:5]),
                          ("reminder missed", missed[:5]), ("reminded twice", list(twice)[:5]),
                          ("message rows twice", rows_per_message[:5])):
            if bad:
                self.problems.append(f"{name}: {bad}")
        if made_by_us != len(ids):
            self.problems.append(f"{made_by_us} rows for {len(ids)} answered submissions")
        if undelivered:
            self.problems.append(f"{undelivered} submit events never delivered")
        return result

    def teardown(self) -> None:
        for proc in [*self.servers, *self.workers.values(), *([self.beat] if self.beat else [])]:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(proc.pid, signal.SIGKILL)

    def run(self) -> int:
        started = time.monotonic()
        self.create()
        try:
            due = self.make_reminders_due()
            self.start_servers()
            self.start_celery()
            self.load()
            drained = self.drain()
            result = self.check(due)
        finally:
            self.teardown()
            if not self.opts.keep:
                self.admin_sql(f'DROP DATABASE IF EXISTS "{self.opts.db}" WITH (FORCE)')
        result.update({"drained_in_s": round(drained, 1), "wall_s": round(time.monotonic() - started, 1),
                       "problems": self.problems})
        print(json.dumps(result, ensure_ascii=False, indent=2))
        log(f"answered {result['submissions_answered_2xx']} submissions through two servers; lost "
            f"{result['lost_after_2xx']}, duplicated {result['duplicate_keys']}; texts {result['texts_sent']} "
            f"(twice: {result['texts_sent_twice']}, residents not texted: {result['residents_not_texted']}); "
            f"reminders {result['reminders_sent']} of {result['reminders_due']} due (twice: "
            f"{result['reminders_sent_twice']}); drained {result['drained_in_s']} s after the load")
        log("OK" if not self.problems else "PROBLEMS: " + "; ".join(self.problems))
        return 1 if self.problems else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--db", default="hubiying_cluster")
    p.add_argument("--redis", default=os.environ.get("CLUSTER_REDIS", "redis://127.0.0.1:6379"))
    p.add_argument("--cache-db", type=int, default=6)
    p.add_argument("--broker-db", type=int, default=7)
    p.add_argument("--threads", type=int, default=6)
    p.add_argument("--seconds", type=float, default=40, help="how long the intake load runs")
    p.add_argument("--restart-after", type=float, default=5, help="seconds before the killed worker comes back")
    p.add_argument("--due", type=int, default=60, help="open requests made due for a reminder")
    p.add_argument("--drain-timeout", type=float, default=120)
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--password", default=os.environ.get("HUBIYING_DEMO_PASSWORD", "demo"))
    return Cluster(p.parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
