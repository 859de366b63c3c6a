"""The long fault run: `make chaos`, or `.venv/bin/python -m bench.chaos --help`.

On a dedicated PostgreSQL database (created and dropped here; migrate + load_demo),
served by gunicorn with two workers on 127.0.0.1 only:

1. sustained intake load from Python threads, each submission with its own
   Idempotency-Key and retried with the same key on any error or timeout, while
   gunicorn workers are killed with SIGKILL several times and PostgreSQL is
   restarted once; afterwards every submission that ever got a 2xx exists exactly
   once, no key made two rows, every timeline starts with "submit" and chains its
   statuses, and the server answered again within seconds of each fault;
2. races through the HTTP API with tokens: two handlers signing the same request,
   a reply racing a return, two dispatchers dispatching: exactly one wins, the
   loser hears 409, and no timeline has a gap or a double.

Prints what it tried and what survived; exits non-zero when anything was lost.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from argparse import Namespace
from collections import Counter, defaultdict
from pathlib import Path

from bench.run import Bench

HOST = "127.0.0.1"  # the only target, ever


def log(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pg_version() -> str:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").exists() else []
    return versions[-1] if versions else "15"


def request(
    url: str, method: str = "GET", body: dict | None = None, headers: dict | None = None, timeout: float = 10
) -> tuple[int, dict | str]:
    """(status, parsed body); status 0 for a connection error or timeout."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    except (OSError, ValueError) as e:  # refused, reset, timeout, truncated answer
        return 0, str(e)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")[:200]


class Chaos(Bench):
    def __init__(self, args):
        super().__init__(
            Namespace(
                pg=args.pg, db=args.db, port=args.port or free_port(), workers=2, reuse=False, password=args.password
            )
        )
        self.opts = args
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.tries = Counter()
        self.accepted: dict[str, set[int]] = defaultdict(set)  # key -> ids answered with 2xx
        self.submitted_keys: list[str] = []
        self.gave_up: list[str] = []
        self.faults: list[dict] = []
        self.problems: list[str] = []

    # ------------------------------------------------------------ set-up
    def create(self) -> None:
        log(f"creating database {self.opts.db}")
        self.admin_sql(f'DROP DATABASE IF EXISTS "{self.opts.db}" WITH (FORCE)')
        self.admin_sql(f'CREATE DATABASE "{self.opts.db}"')
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_demo")
        # A second handler of the demo handler's unit, for the signing race.
        self.manage(
            "shell",
            "-c",
            (
                "from django.contrib.auth import get_user_model as g; from organisations.models import Role; "
                "u = g().objects.get(username='handler'); r = Role.objects.get(user=u, name='handler'); "
                f"v = g().objects.create_user('handler2', password={self.opts.password!r}); "
                "Role.objects.create(user=v, name='handler', unit=r.unit)"
            ),
        )

    def intake_body(self, key: str) -> dict:
        return {**self.template, "title": f"混沌测试 {key[:8]}", "description": f"chaos submission {key} 楼道灯不亮"}

    def prepare_template(self) -> None:
        unit_id, community = self.sql(
            "SELECT r.unit_id, n.code FROM organisations_role r JOIN auth_user u ON u.id = r.user_id "
            "JOIN organisations_unit_jurisdiction j ON j.unit_id = r.unit_id "
            "JOIN organisations_node n ON n.id = j.node_id WHERE u.username = 'handler' AND r.name = 'handler' "
            "ORDER BY n.path LIMIT 1"
        )[0]
        category = self.sql(
            "SELECT code FROM appeals_category c WHERE active AND parent_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM appeals_category k WHERE k.parent_id = c.id) ORDER BY code LIMIT 1"
        )[0][0]
        self.unit_id = unit_id
        self.template = {
            "category": category,
            "type": "help",
            "address": "3号楼",
            "community": community,
            "contact_name": "混沌",
            "contact_phone": "13800001111",
            "urgency": "normal",
        }

    # ------------------------------------------------------------ load and faults
    def submitter(self) -> None:
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            body = self.intake_body(key)
            with self.lock:
                self.submitted_keys.append(key)
            deadline = time.monotonic() + 60
            while True:
                status, answer = request(
                    self.url + "/api/v1/appeals", "POST", body, {"Idempotency-Key": key}, timeout=5
                )
                with self.lock:
                    self.tries["requests"] += 1
                    self.tries[f"status_{status}"] += 1
                    if 200 <= status < 300:
                        self.accepted[key].add(answer["id"])
                if 200 <= status < 300:
                    # One retry of an answered key as well: it must give the same id.
                    if len(self.accepted) % 25 == 0:
                        status2, again = request(
                            self.url + "/api/v1/appeals", "POST", body, {"Idempotency-Key": key}, timeout=5
                        )
                        if 200 <= status2 < 300:
                            with self.lock:
                                self.tries["replays"] += 1
                                self.accepted[key].add(again["id"])
                    break
                if 400 <= status < 500 and status not in (408, 409, 429):
                    with self.lock:
                        self.problems.append(f"key {key}: refused {status} {answer}")
                    break
                if time.monotonic() > deadline:
                    with self.lock:
                        self.gave_up.append(key)
                    break
                with self.lock:
                    self.tries["retries"] += 1
                time.sleep(0.2)

    def healthy(self) -> bool:
        status, _ = request(
            self.url + "/api/v1/appeals?page_size=1", headers={"Authorization": f"Token {self.probe}"}, timeout=2
        )
        return status == 200

    def recovery(self, kind: str, started: float) -> None:
        while time.monotonic() - started < 60:
            if self.healthy():
                break
            time.sleep(0.05)
        took = time.monotonic() - started
        ok = self.healthy() and took <= self.opts.max_recovery
        self.faults.append({"fault": kind, "recovered_s": round(took, 2), "recovered": ok})
        log(
            f"fault {kind}: answering again after {took:.2f} s"
            if ok
            else f"fault {kind}: not answering within {self.opts.max_recovery} s ({took:.2f} s)"
        )

    def kill_worker(self) -> None:
        pids = self.worker_pids()
        if not pids:
            self.problems.append("no gunicorn worker to kill")
            return
        t = time.monotonic()
        os.kill(pids[0], signal.SIGKILL)
        self.recovery(f"SIGKILL worker {pids[0]}", t)
        while time.monotonic() - t < 30:
            alive = [p for p in self.worker_pids() if p != pids[0]]
            if len(alive) >= 2:
                break
            time.sleep(0.05)
        self.faults[-1]["workers_back_s"] = round(time.monotonic() - t, 2)

    def restart_postgres(self) -> None:
        t = time.monotonic()
        cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "restart"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            self.problems.append(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
        self.recovery("PostgreSQL restart", t)

    def load_with_faults(self) -> None:
        a = self.opts
        self.probe = self.token("supervisor")
        threads = [threading.Thread(target=self.submitter, daemon=True) for _ in range(a.threads)]
        log(
            f"intake load: {a.threads} threads for {a.load_seconds} s; {a.kills} worker kills"
            + (", one PostgreSQL restart" if a.restart_pg else "")
        )
        for t in threads:
            t.start()
        faults = ["kill"] * a.kills
        if a.restart_pg:
            faults.insert(len(faults) // 2, "pg")
        gap = a.load_seconds / (len(faults) + 1)
        started = time.monotonic()
        for i, fault in enumerate(faults, 1):
            time.sleep(max(0.0, started + gap * i - time.monotonic()))
            self.kill_worker() if fault == "kill" else self.restart_postgres()
        time.sleep(max(0.0, started + a.load_seconds - time.monotonic()))
        self.stop.set()
        for t in threads:
            t.join(timeout=90)
        log(
            f"load done: {len(self.submitted_keys)} submissions, {self.tries['requests']} HTTP posts, "
            f"{self.tries['retries']} retries, {self.tries['replays']} deliberate replays"
        )

    def check_intake(self) -> dict:
        rows = self.sql("SELECT id, description FROM appeals_appeal WHERE description LIKE 'chaos submission %%'")
        per_key = defaultdict(list)
        for pk, description in rows:
            per_key[description.split()[2]].append(pk)
        ids = {pk for pk, _ in rows}
        lost = [k for k, got in self.accepted.items() if not got <= ids]
        twice = {k: v for k, v in per_key.items() if len(v) > 1}
        answered_twice = {k: v for k, v in self.accepted.items() if len(v) > 1}
        answered_other = [k for k, got in self.accepted.items() if per_key.get(k) and set(per_key[k]) != got]
        gaps = self.timeline_problems(sorted(ids))
        for k in lost:
            self.problems.append(f"key {k} was answered 2xx with {self.accepted[k]} but is not stored")
        for k, v in twice.items():
            self.problems.append(f"key {k} made {len(v)} rows: {v}")
        for k, v in answered_twice.items():
            self.problems.append(f"key {k} was answered with different ids {sorted(v)}")
        for k in answered_other:
            self.problems.append(f"key {k} answered {self.accepted[k]}, stored {per_key[k]}")
        self.problems += gaps
        unanswered_stored = [k for k in per_key if k not in self.accepted]
        return {
            "submissions": len(self.submitted_keys),
            "answered_2xx": len(self.accepted),
            "rows": len(rows),
            "gave_up": len(self.gave_up),
            "stored_without_a_2xx_seen": len(unanswered_stored),
            "lost": len(lost),
            "duplicated_keys": len(twice),
            "timeline_problems": len(gaps),
        }

    def timeline_problems(self, ids: list[int]) -> list[str]:
        if not ids:
            return []
        events = defaultdict(list)
        for appeal_id, action, from_status, to_status in self.sql(
            "SELECT appeal_id, action, from_status, to_status FROM appeals_appealevent "
            "WHERE appeal_id = ANY(%s) ORDER BY appeal_id, at, id",
            [ids],
        ):
            events[appeal_id].append((action, from_status, to_status))
        status = dict(self.sql("SELECT id, status FROM appeals_appeal WHERE id = ANY(%s)", [ids]))
        out = []
        for pk in ids:
            chain = events.get(pk, [])
            if not chain or chain[0][0] != "submit":
                out.append(f"request {pk}: timeline does not start with submit: {chain[:2]}")
                continue
            current = chain[0][2]
            for action, before, after in chain[1:]:
                if after and before != current:
                    out.append(f"request {pk}: {action} from {before!r} but the request was {current!r}")
                current = after or current
            if current != status[pk]:
                out.append(f"request {pk}: timeline ends at {current!r}, request is {status[pk]!r}")
            moves = Counter((a, b, c) for a, b, c in chain if b != c)
            doubled = [m for m, n in moves.items() if n > 1 and m[0] in ("sign", "dispatch", "reply", "return")]
            if doubled:
                out.append(f"request {pk}: doubled steps {doubled}")
        return out

    # ------------------------------------------------------------ races
    def create_via_api(self, n: int) -> list[int]:
        ids = []
        for _ in range(n):
            key = uuid.uuid4().hex
            status, answer = request(
                self.url + "/api/v1/appeals", "POST", self.intake_body(key), {"Idempotency-Key": key}
            )
            if status != 201:
                raise SystemExit(f"could not create a request for the races: {status} {answer}")
            ids.append(answer["id"])
        return ids

    def act(self, token: str, pk: int, action: str, body: dict | None = None) -> tuple[int, dict | str]:
        return request(
            f"{self.url}/api/v1/appeals/{pk}/{action}",
            "POST",
            body or {},
            {"Authorization": f"Token {token}"},
            timeout=20,
        )

    def walk(self, pk: int, steps: list[tuple[str, str, dict]]) -> None:
        for who, action, body in steps:
            status, answer = self.act(self.tokens[who], pk, action, body)
            if status != 200:
                raise SystemExit(f"preparing request {pk}: {who} {action} -> {status} {answer}")

    def race(self, name: str, pairs: int, prepare: list, contenders: list[tuple[str, str, dict]]) -> dict:
        ids = self.create_via_api(pairs)
        for pk in ids:
            self.walk(pk, prepare)
        results: dict[int, list] = defaultdict(list)
        barrier = threading.Barrier(pairs * len(contenders))

        def go(pk, who, action, body):
            barrier.wait()
            status, answer = self.act(self.tokens[who], pk, action, body)
            with self.lock:
                results[pk].append((who, action, status, answer if status >= 400 else ""))

        threads = [threading.Thread(target=go, args=(pk, *c)) for pk in ids for c in contenders]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wins = losses_409 = 0
        for pk, outcome in results.items():
            codes = sorted(s for _, _, s, _ in outcome)
            wins += codes.count(200)
            losses_409 += codes.count(409)
            if codes != [200, 409]:
                self.problems.append(f"race {name} on request {pk}: {outcome}")
        self.problems += self.timeline_problems(ids)
        events = self.sql(
            "SELECT count(*) FROM appeals_appealevent WHERE appeal_id = ANY(%s) AND action = ANY(%s)",
            [ids, [c[1] for c in contenders]],
        )[0][0]
        if events != pairs:
            self.problems.append(f"race {name}: {events} events of the racing actions for {pairs} races")
        line = {
            "race": name,
            "races": pairs,
            "actions": pairs * len(contenders),
            "winners": wins,
            "losers_409": losses_409,
            "racing_events": events,
        }
        log(f"race {name}: {pairs} races, {wins} winners, {losses_409} losers with 409, {events} events")
        return line

    def races(self) -> list[dict]:
        self.tokens = {u: self.token(u) for u in ("dispatcher", "dispatcher_county", "handler", "handler2")}
        unit = {"unit": self.unit_id}
        registered = [("dispatcher", "register", {})]
        dispatched = registered + [("dispatcher", "dispatch", unit)]
        signed = dispatched + [("handler", "sign", {})]
        n = self.opts.race_pairs
        return [
            self.race("two handlers sign", n, dispatched, [("handler", "sign", {}), ("handler2", "sign", {})]),
            self.race(
                "reply against return",
                n,
                signed,
                [
                    ("handler", "reply", {"result": "resolved", "content": "已修复"}),
                    ("handler2", "return", {"reason": "不属于本单位"}),
                ],
            ),
            self.race(
                "two dispatchers dispatch",
                n,
                registered,
                [("dispatcher", "dispatch", unit), ("dispatcher_county", "dispatch", unit)],
            ),
        ]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__.split("\n\n")[0])
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--db", default="hubiying_chaos", help="the dedicated database (created and dropped)")
    p.add_argument("--port", type=int, default=0, help="0: a free port on 127.0.0.1")
    p.add_argument("--threads", type=int, default=8, help="intake threads")
    p.add_argument("--load-seconds", type=int, default=60)
    p.add_argument("--kills", type=int, default=4, help="gunicorn workers killed with SIGKILL during the load")
    p.add_argument(
        "--no-pg-restart",
        dest="restart_pg",
        action="store_false",
        help="do not restart PostgreSQL (it is shared with whatever else uses it)",
    )
    p.add_argument(
        "--max-recovery",
        type=float,
        default=10.0,
        help="seconds within which the server must answer again after each fault",
    )
    p.add_argument("--race-pairs", type=int, default=17, help="races of each kind (2 actions each)")
    p.add_argument("--password", default=os.environ.get("HUBIYING_DEMO_PASSWORD", "demo"))
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = p.parse_args(argv)
    if not args.pg.startswith(("postgres://postgres@127.0.0.1", "postgresql://postgres@127.0.0.1")):
        raise SystemExit("chaos only ever targets PostgreSQL on 127.0.0.1")
    chaos = Chaos(args)
    t0 = time.monotonic()
    summary: dict = {}
    try:
        chaos.create()
        chaos.prepare_template()
        chaos.start_server()
        log(f"gunicorn -w 2 on {chaos.url}")
        chaos.load_with_faults()
        summary["intake"] = chaos.check_intake()
        summary["faults"] = chaos.faults
        summary["races"] = chaos.races()
    finally:
        chaos.stop.set()
        chaos.stop_server()
        if not args.keep:
            try:
                chaos.drop_database()
            except Exception as exc:  # noqa: BLE001 - report, do not hide the run's own error
                log(f"could not drop {args.db}: {exc}")
    summary["tries"] = dict(chaos.tries)
    summary["total_s"] = round(time.monotonic() - t0, 1)
    summary["problems"] = chaos.problems[:50]
    summary["problem_count"] = len(chaos.problems)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    for fault in chaos.faults:
        if not fault["recovered"]:
            chaos.problems.append(f"{fault['fault']}: no recovery")
    log(
        "SURVIVED: nothing lost, nothing doubled, every race had one winner"
        if not chaos.problems
        else f"FAILED: {len(chaos.problems)} problems (see above)"
    )
    return 1 if chaos.problems else 0


if __name__ == "__main__":
    sys.exit(main())
