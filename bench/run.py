"""The benchmark suite: `make bench`, or `.venv/bin/python -m bench.run --help`.

1. creates a dedicated PostgreSQL database, migrates it, loads the demo county
   and bulk-loads N requests with their timelines (bench_generate);
2. serves the application the way production does (gunicorn, 2 sync workers,
   DJANGO_SETTINGS_MODULE=bench.settings with HUBIYING_BENCH=1, HUBIYING_DEBUG=0);
3. drives it with wrk on 127.0.0.1, one scenario after another, each with a
   short warm-up and a bounded measured run, while sampling the workers' memory;
4. counts the SQL queries of the read pages at two page sizes and explains the
   slowest ones (bench_queries);
5. prints one table and writes the results as JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LUA = BENCH / "lua"
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent

GOAL_INTAKE_RATIO = 0.6
GOAL_READ_P50_MS = 15.0


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


# --------------------------------------------------------------------------- setup

class Bench:
    def __init__(self, args):
        self.args = args
        self.base_url = args.pg.rstrip("/")
        self.db_url = f"{self.base_url}/{args.db}"
        self.port = args.port
        self.url = f"http://127.0.0.1:{self.port}"
        self.tmp = RESULTS / "run.tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DATABASE_URL": self.db_url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "HUBIYING_BENCH": "1",
            "HUBIYING_DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "HUBIYING_HTTPS": "0",  # plain HTTP on loopback
            "DB_CONN_MAX_AGE": "600",
            "LOG_LEVEL": "ERROR",
            "BENCH_LUA_DIR": str(LUA),
        }
        self.results: dict = {"scenarios": [], "setup": {}}
        self.server: subprocess.Popen | None = None
        self.sampler = None

    def manage(self, *argv: str, capture: bool = False) -> str:
        cmd = [sys.executable, "manage.py", *argv]
        if capture:  # shows the output as it comes and returns it
            lines = []
            with subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=subprocess.PIPE, text=True) as proc:
                for line in proc.stdout:
                    print(line, end="", flush=True)
                    lines.append(line)
            if proc.returncode:
                raise SystemExit(f"{' '.join(argv)} failed with exit status {proc.returncode}")
            return "".join(lines)
        subprocess.run(cmd, cwd=ROOT, env=self.env, check=True)
        return ""

    def admin_sql(self, sql: str) -> None:
        with psycopg.connect(f"{self.base_url}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def sql(self, sql: str, params=None) -> list:
        with psycopg.connect(self.db_url) as conn:
            return conn.execute(sql, params).fetchall()

    def create_database(self) -> None:
        a = self.args
        if a.reuse:
            log(f"reusing database {a.db}")
            return
        log(f"creating database {a.db}")
        self.admin_sql(f'DROP DATABASE IF EXISTS "{a.db}" WITH (FORCE)')
        self.admin_sql(f'CREATE DATABASE "{a.db}"')
        t = time.monotonic()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_demo")
        self.results["setup"]["migrate_and_demo_s"] = round(time.monotonic() - t, 1)
        log(f"generating {a.appeals:,} requests with their timelines")
        t = time.monotonic()
        out = self.manage("bench_generate", "--appeals", str(a.appeals), "--pool", str(a.pool), capture=True)
        summary = json.loads(out.strip().splitlines()[-1])
        summary["wall_s"] = round(time.monotonic() - t, 1)
        self.results["setup"]["generate"] = summary

    def drop_database(self) -> None:
        log(f"dropping database {self.args.db}")
        self.admin_sql(f'DROP DATABASE IF EXISTS "{self.args.db}" WITH (FORCE)')

    # ---------------------------------------------------------------- server
    def start_server(self) -> None:
        self.manage("collectstatic", "--noinput", "-v0")
        cmd = [str(VENV_BIN / "gunicorn"), "hubiying.wsgi", "-w", str(self.args.workers),
               "-b", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        self.results["server"] = {
            "command": " ".join(["gunicorn", *cmd[1:]]),
            "worker_class": "sync", "workers": self.args.workers, "threads": 1,
            "settings": "bench.settings (hubiying.settings + bench app), HUBIYING_DEBUG=0, CONN_MAX_AGE=600",
        }
        log("starting " + " ".join(cmd[1:]))
        self.server = subprocess.Popen(cmd, cwd=ROOT, env=self.env, start_new_session=True)
        for _ in range(100):
            try:
                with urllib.request.urlopen(self.url + "/bench/json", timeout=2) as r:
                    if r.status == 200 and len(self.worker_pids()) == self.args.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not come up")

    def stop_server(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
        self.server = None

    def worker_pids(self) -> list[int]:
        if not self.server:
            return []
        path = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    # ----------------------------------------------------------- credentials
    def post_json(self, path: str, body: dict, headers: dict | None = None) -> dict:
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def token(self, username: str) -> str:
        return self.post_json("/api/v1/auth/token", {"username": username, "password": self.args.password})["token"]

    def session_cookie(self, username: str) -> str:
        """Logs in through the login page like a browser; returns the Cookie header."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(self.url + "/login/", timeout=10).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": username, "password": self.args.password,
                                       "csrfmiddlewaretoken": csrf}).encode()
        req = urllib.request.Request(self.url + "/login/", data=form, headers={"Referer": self.url + "/login/"})
        opener.open(req, timeout=10).read()
        cookies = {c.name: c.value for c in jar}
        if "sessionid" not in cookies:
            raise SystemExit(f"could not log in as {username}")
        return f"sessionid={cookies['sessionid']}"

    # -------------------------------------------------------------- load runs
    def wrk(self, name: str, path: str, script: str, connections: int, env: dict | None = None,
            duration: float | None = None) -> dict:
        duration = duration or self.args.duration
        cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency",
               "-s", str(LUA / script), self.url + path]
        out = subprocess.run(cmd, env={**self.env, **(env or {})}, capture_output=True, text=True, check=True)
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
        if line is None:
            raise SystemExit(f"wrk printed no result for {name}:\n{out.stdout}\n{out.stderr}")
        r = json.loads(line[len("BENCHJSON "):])
        seconds = r["duration_us"] / 1e6
        errors = sum(r[k] for k in r if k.startswith("errors_"))
        if r["requests"] < 10 and "warm-up" not in name:
            log(f"warning: {name} completed only {r['requests']} requests: its latencies mean nothing "
                "(use a longer --duration)")
        return {
            "enough_requests": r["requests"] >= 10,
            "name": name, "path": path, "connections": connections, "seconds": round(seconds, 2),
            "requests": r["requests"], "rps": round(r["requests"] / seconds, 1),
            "p50_ms": round(r["p50_us"] / 1000, 2), "p90_ms": round(r["p90_us"] / 1000, 2),
            "p99_ms": round(r["p99_us"] / 1000, 2), "max_ms": round(r["max_us"] / 1000, 2),
            "errors": errors, "non_2xx": r["errors_status"],
            "errors_detail": {k[7:]: r[k] for k in r if k.startswith("errors_") and r[k]},
        }

    def scenario(self, name: str, path: str, script: str, connections: int, env: dict | None = None,
                 warmup: bool = True, before=None, label: str = "") -> dict:
        if warmup and self.args.warmup > 0:
            self.wrk(name + " (warm-up)", path, script, connections, env, duration=self.args.warmup)
        if before:
            env = {**(env or {}), **before()}
        self.sampler.mark()
        result = self.wrk(name, path, script, connections, env)
        result["label"] = label or name
        result["worker_rss_mb"] = self.sampler.window_peak_mb()
        result["worker_hwm_mb"] = self.sampler.hwm_mb()
        result.update(self.sampler.cpu_used(result["requests"]))
        self.results["scenarios"].append(result)
        flag = f"  ({result['non_2xx']} non-2xx, {result['errors']} errors)" if result["errors"] else ""
        log(f"{result['label']:<44} c={connections:<3} {result['rps']:>8.1f} req/s  "
            f"p50 {result['p50_ms']:>7.2f} ms  p99 {result['p99_ms']:>8.2f} ms{flag}")
        return result

    def pool_ids(self, status: str) -> dict:
        unit = self.results["setup"]["pool_unit_id"]
        rows = self.sql("SELECT id FROM appeals_appeal WHERE unit_id = %s AND status = %s ORDER BY id",
                        [unit, status])
        path = self.tmp / f"ids-{status}.txt"
        path.write_text("".join(f"{r[0]}\n" for r in rows))
        log(f"{len(rows):,} {status} requests in the pool")
        return {"BENCH_IDS": str(path)}

    def run_scenarios(self) -> None:
        a = self.args
        s = self.results["setup"]
        log("signing in (API tokens, a session through the login page)")
        dispatcher_cookie = self.session_cookie(a.dispatcher)
        supervisor_token = self.token(a.supervisor)
        handler_token = self.token(a.handler)
        s["pool_unit_id"] = self.sql(
            "SELECT r.unit_id FROM organisations_role r JOIN auth_user u ON u.id = r.user_id "
            "WHERE u.username = %s AND r.name = 'handler'", [a.handler])[0][0]
        s["appeals_in_db"] = self.sql("SELECT count(*) FROM appeals_appeal")[0][0]
        s["events_in_db"] = self.sql("SELECT count(*) FROM appeals_appealevent")[0][0]
        # The leaf categories, but those with required questions (whose answers differ per category).
        cats = [r[0] for r in self.sql(
            "SELECT code FROM appeals_category c WHERE active AND NOT EXISTS "
            "(SELECT 1 FROM appeals_category k WHERE k.parent_id = c.id AND k.active) AND NOT EXISTS "
            "(SELECT 1 FROM appeals_question q WHERE q.category_id = c.id AND q.active AND q.required "
            "AND q.variable) ORDER BY code")]
        s["open311_key"] = "bench-open311-key"
        with psycopg.connect(self.db_url) as conn:  # the Open311 client the GeoReport scenario files as
            conn.execute("INSERT INTO open311_apiclient (name, contact, key_hash, active, created_at) "
                         "VALUES ('bench', '', %s, true, now()) ON CONFLICT (key_hash) DO NOTHING",
                         [hashlib.sha256(s["open311_key"].encode()).hexdigest()])
        places = [r[0] for r in self.sql(
            "SELECT name FROM organisations_node WHERE kind IN ('compound', 'community') ORDER BY path")]
        top = self.sql("SELECT c.code FROM appeals_appeal a JOIN appeals_category k ON k.id = a.category_id "
                       "JOIN appeals_category c ON c.id = k.parent_id GROUP BY c.code ORDER BY count(*) DESC "
                       "LIMIT 1")
        states = "status=dispatched&status=signed&status=in_progress"
        s["list_filter"] = f"{states}&category={top[0][0]}" if top else states
        list_path = "/api/v1/appeals?" + s["list_filter"]
        s["list_user"], s["queue_user"], s["action_user"] = a.supervisor, a.dispatcher, a.handler

        self.sampler = RssSampler(self.worker_pids, a.db)
        self.sampler.start()
        api = {"BENCH_TOKEN": supervisor_token}
        page = {"BENCH_COOKIE": dispatcher_cookie}
        c = a.connections
        self.scenario("ceiling_json", "/bench/json", "get.lua", c, label="ceiling: bare Django JSON view")
        self.scenario("ceiling_commit", "/bench/commit", "commit.lua", c,
                      label="ceiling: bare view, one INSERT per POST")
        for conns in (1, c):
            self.scenario(f"queue_page_c{conns}", "/work/", "get.lua", conns, page,
                          label="queue page /work/ (dispatcher)")
        for conns in (1, c):
            self.scenario(f"list_api_c{conns}", list_path, "get.lua", conns, api,
                          label="GET /api/v1/appeals filtered (supervisor)")
        self.scenario("list_api_unfiltered_c1", "/api/v1/appeals", "get.lua", 1, api,
                      label="GET /api/v1/appeals unfiltered (supervisor)")
        self.scenario("list_api_search_c1", "/api/v1/appeals?q=" + urllib.parse.quote("电梯"), "get.lua", 1, api,
                      label="GET /api/v1/appeals?q=电梯 (supervisor)")
        handler = {"BENCH_TOKEN": handler_token}
        self.scenario("action_sign", "/", "action.lua", c, {**handler, "BENCH_ACTION": "sign", "BENCH_BODY": "{}"},
                      warmup=False, before=lambda: self.pool_ids("dispatched"),
                      label="POST /api/v1/appeals/{id}/sign (handler)")
        body = json.dumps({"result": "resolved", "content": "已安排人员现场处理，问题已解决。"}, ensure_ascii=False)
        self.scenario("action_reply", "/", "action.lua", c, {**handler, "BENCH_ACTION": "reply", "BENCH_BODY": body},
                      warmup=False, before=lambda: self.pool_ids("signed"),
                      label="POST /api/v1/appeals/{id}/reply (handler)")
        intake = {"BENCH_CATEGORIES": ",".join(cats), "BENCH_PLACES": ",".join(places)}
        self.scenario("intake", "/api/v1/appeals", "intake.lua", c, intake,
                      label="POST /api/v1/appeals (resident intake)")
        self.scenario("intake_idempotent", "/api/v1/appeals", "intake.lua", c, {**intake, "BENCH_IDEMPOTENCY": "1"},
                      label="  the same with an Idempotency-Key")
        self.scenario("intake_open311", "/open311/v2/requests.json", "open311.lua", c,
                      {**intake, "BENCH_KEY": s["open311_key"]},
                      label="POST /open311/v2/requests.json (a GeoReport client)")
        self.sampler.stop()
        self.results["memory"] = {
            "worker_peak_rss_mb": self.sampler.peak_mb(),
            "worker_vmhwm_mb": self.sampler.hwm_mb(),
            "how": "VmRSS of each gunicorn worker sampled every 100 ms from /proc/<pid>/status; "
                   "VmHWM is the kernel's own peak since the worker started",
        }

    def count_queries(self) -> None:
        log("counting queries per request and explaining the slowest (bench_queries)")
        out = self.tmp / "queries.json"
        self.manage("bench_queries", "--out", str(out), "--dispatcher", self.args.dispatcher,
                    "--supervisor", self.args.supervisor, "--handler", self.args.handler,
                    "--list-filter", self.results["setup"]["list_filter"])
        self.results["queries"] = json.loads(out.read_text())

    # ---------------------------------------------------------------- report
    def machine(self) -> dict:
        cpu = ""
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        pg = self.sql("SHOW server_version")[0][0]
        settings = {name: self.sql(f"SHOW {name}")[0][0] for name in (
            "shared_buffers", "work_mem", "synchronous_commit", "fsync", "max_connections")}
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
        return {
            "nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "python": platform.python_version(), "postgresql": pg,
            "postgresql_settings": settings, "wrk": wrk_version.strip(),
        }

    def summary(self) -> dict:
        by = {r["name"]: r for r in self.results["scenarios"]}
        q = self.results.get("queries", {})
        commit = by.get("ceiling_commit", {}).get("rps") or 0
        intake = by.get("intake", {}).get("rps") or 0
        ratio = round(intake / commit, 3) if commit else None
        open311 = by.get("intake_open311", {}).get("rps") or 0
        open311_ratio = round(open311 / commit, 3) if commit else None
        goals = {
            "intake_to_commit_ratio": {"value": ratio, "goal": f">= {GOAL_INTAKE_RATIO}",
                                       "met": ratio is not None and ratio >= GOAL_INTAKE_RATIO},
            "open311_intake_to_commit_ratio": {"value": open311_ratio, "goal": f">= {GOAL_INTAKE_RATIO}",
                                               "met": open311_ratio is not None and open311_ratio >= GOAL_INTAKE_RATIO},
        }
        for key in ("queue_page_c1", "list_api_c1"):
            p50 = by.get(key, {}).get("p50_ms") if by.get(key, {}).get("enough_requests") else None
            goals[f"{key}_p50_ms"] = {"value": p50, "goal": f"< {GOAL_READ_P50_MS}",
                                      "met": p50 is not None and p50 < GOAL_READ_P50_MS}
        for key in ("queue_page", "list_api"):
            info = q.get(key, {})
            goals[f"{key}_no_n_plus_1"] = {"value": info.get("counts"), "goal": "same count at both page sizes",
                                           "met": bool(info) and not info.get("grows_with_page_size", True)}
        return goals

    def table(self) -> str:
        rows = []
        head = ("| scenario | clients | req/s | p50 ms | p99 ms | errors | CPU ms/req workers | "
                f"CPU ms/req PostgreSQL | CPU of others | worker RSS MB |\n|{'---|' * 10}")
        for r in self.results["scenarios"]:
            rows.append(f"| {r['label']} | {r['connections']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
                        f"{r['p99_ms']:.1f} | {r['errors']} | {r['worker_cpu_ms_per_request']:.1f} | "
                        f"{r['postgres_cpu_ms_per_request']:.1f} | {r['other_processes_pct']:.0f}% | "
                        f"{r['worker_rss_mb']:.0f} |")
        lines = [head, *rows, ""]
        goals = self.results["goals"]
        lines.append("| goal | measured | target | met |\n|---|---|---|---|")
        for name, g in goals.items():
            value = g["value"]
            if isinstance(value, dict):
                value = ", ".join(f"{k}: {v}" for k, v in value.items())
            lines.append(f"| {name} | {value} | {g['goal']} | {'yes' if g['met'] else '**no**'} |")
        mem = self.results.get("memory", {})
        lines.append("")
        lines.append(f"Peak worker memory: {mem.get('worker_peak_rss_mb')} MB VmRSS sampled, "
                     f"{mem.get('worker_vmhwm_mb')} MB VmHWM (kernel peak).")
        q = self.results.get("queries", {})
        if q:
            lines.append("")
            lines.append("| page | queries per request (page size → count) | most repeated statement |\n|---|---|---|")
            for info in q.values():
                if isinstance(info, dict) and "counts" in info:
                    counts = ", ".join(f"{k} → {v}" for k, v in info["counts"].items())
                    lines.append(f"| {info['label']} | {counts} | {info['max_repeat']}× |")
        m = self.results["machine"]
        s = self.results["setup"]
        lines.append("")
        lines.append(f"Machine: {m['nproc']} × {m['cpu']}, {m['memory_gib']} GiB, Linux {m['kernel']}, "
                     f"PostgreSQL {m['postgresql']}, Python {m['python']}, {m['wrk']}. "
                     f"Data: {s.get('appeals_in_db', 0):,} requests, {s.get('events_in_db', 0):,} timeline events. "
                     f"Run {self.results['started']} UTC, {self.args.duration} s per scenario.")
        return "\n".join(lines)

    def write(self) -> None:
        self.results["machine"] = self.machine()
        self.results["goals"] = self.summary()
        self.results["args"] = vars(self.args)
        stamp = self.results["started"].replace(":", "").replace("-", "")
        text = json.dumps(self.results, indent=2, ensure_ascii=False, default=str)
        RESULTS.mkdir(exist_ok=True)
        table = self.table()
        if self.args.name:  # an experiment: its own files, latest.* and the README stay as they are
            (RESULTS / f"bench-{self.args.name}.json").write_text(text)
            (RESULTS / f"bench-{self.args.name}.md").write_text(table + "\n")
            self.args.update_readme = False
        else:
            (RESULTS / f"bench-{stamp}.json").write_text(text)
            (RESULTS / "latest.json").write_text(text)
            (RESULTS / "latest.md").write_text(table + "\n")
        print()
        print(table)
        print()
        log(f"results: {RESULTS / ('bench-' + self.args.name + '.json' if self.args.name else 'latest.json')}")
        readme = BENCH / "README.md"
        if self.args.update_readme and readme.exists():
            text = readme.read_text()
            new = re.sub(r"(<!-- bench:table -->\n).*?(<!-- /bench:table -->)", lambda m: m.group(1) + table +
                         "\n" + m.group(2), text, flags=re.S)
            readme.write_text(new)


class RssSampler(threading.Thread):
    """Samples the gunicorn workers' resident memory every 100 ms."""

    def __init__(self, pids, db: str):
        super().__init__(daemon=True)
        self.pids = pids
        self.db = db
        self.running = True
        self.cpu_start: dict = {}
        self.peak_kb = 0
        self.window_kb = 0
        self.hwm_kb = 0

    @staticmethod
    def status(pid: int, field: str) -> int:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return 0
        m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
        return int(m.group(1)) if m else 0

    def run(self):
        while self.running:
            for pid in self.pids():
                rss = self.status(pid, "VmRSS")
                self.peak_kb = max(self.peak_kb, rss)
                self.window_kb = max(self.window_kb, rss)
            time.sleep(0.1)

    def mark(self):
        self.window_kb = 0
        self.cpu_start = self.cpu()

    def cpu(self) -> dict:
        """CPU seconds used so far by the workers, by PostgreSQL, and by the whole machine."""
        tick = os.sysconf("SC_CLK_TCK")

        def proc_cpu(pid) -> float:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return 0.0
            return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

        postgres = 0.0
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if not (entry / "comm").read_text().startswith("postgres"):
                        continue
                    title = (entry / "cmdline").read_text().replace("\0", " ")
                except OSError:
                    continue
                # Backends of our database, parallel workers and the server's own
                # processes (WAL writer, checkpointer...); not other databases' backends.
                client = "127.0.0.1(" in title or "[local]" in title
                if f" {self.db} " in title or not client:
                    postgres += proc_cpu(entry.name)
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = values[3] + values[4]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"workers": sum(proc_cpu(p) for p in self.pids()), "postgres": postgres,
                "load_generator": children.ru_utime + children.ru_stime,
                "busy": (sum(values) - idle) / tick, "all": sum(values) / tick}

    def cpu_used(self, requests: int) -> dict:
        end = self.cpu()
        d = {k: end[k] - self.cpu_start[k] for k in end}
        per = max(requests, 1)
        others = d["busy"] - d["workers"] - d["postgres"] - d["load_generator"]
        return {
            "worker_cpu_ms_per_request": round(d["workers"] * 1000 / per, 2),
            "postgres_cpu_ms_per_request": round(d["postgres"] * 1000 / per, 2),
            "wrk_cpu_ms_per_request": round(d["load_generator"] * 1000 / per, 3),
            "machine_busy_pct": round(100 * d["busy"] / d["all"], 1) if d["all"] else None,
            # CPU taken by anything else on the machine while the scenario ran (should be ~0%).
            "other_processes_pct": round(100 * max(others, 0) / d["all"], 1) if d["all"] else None,
        }

    def window_peak_mb(self) -> float:
        return round(self.window_kb / 1024, 1)

    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)

    def hwm_mb(self) -> float:
        return round(max([self.status(pid, "VmHWM") for pid in self.pids()] or [0]) / 1024, 1)

    def stop(self):
        self.running = False
        self.join(timeout=2)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--appeals", type=int, default=1_000_000, help="requests to generate (default 1,000,000)")
    p.add_argument("--pool", type=int, default=8000, help="dispatched and signed requests for the actions")
    p.add_argument("--duration", type=int, default=15, help="seconds per measured scenario (default 15)")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before each scenario (default 3)")
    p.add_argument("--connections", type=int, default=16, help="concurrent clients of the loaded runs (16)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (2, as production on 2 cores)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"),
                   help="PostgreSQL server URL without a database name")
    p.add_argument("--db", default="hubiying_bench", help="the dedicated database (created and dropped)")
    p.add_argument("--reuse", action="store_true", help="reuse the database of a previous --keep run")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--password", default=os.environ.get("HUBIYING_DEMO_PASSWORD", "demo"))
    p.add_argument("--dispatcher", default="dispatcher")
    p.add_argument("--supervisor", default="supervisor")
    p.add_argument("--handler", default="handler")
    p.add_argument("--name", default="", help="an experiment's name: write bench-NAME.json/.md, not latest.*")
    p.add_argument("--no-readme", dest="update_readme", action="store_false",
                   help="do not put the table into bench/README.md")
    args = p.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does it when run as root)")
    bench = Bench(args)
    bench.results["started"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    load = [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    bench.results["loadavg_at_start"] = load
    if load[0] > 1.0:
        log(f"warning: the machine is busy (load average {load[0]:.1f}): other processes will skew the figures")
    t0 = time.monotonic()
    try:
        bench.create_database()
        bench.start_server()
        bench.run_scenarios()
        bench.stop_server()
        bench.count_queries()
        bench.results["total_s"] = round(time.monotonic() - t0, 1)
        bench.write()
    finally:
        bench.stop_server()
        if not args.keep:
            bench.drop_database()
        shutil.rmtree(bench.tmp, ignore_errors=True)
    log(f"done in {time.monotonic() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
