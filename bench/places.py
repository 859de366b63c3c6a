"""The nearest places and the 15-minute circle's coverage at a city's size:
`make bench-places`, or `.venv/bin/python -m bench.places --help`.

For each backend: a dedicated database (SQLite: a temporary file; PostgreSQL:
`hubiying_bench_places`, dropped afterwards unless --keep), migrated, then
`manage.py bench_places` (generation and timings, see its docstring) with
DJANGO_SETTINGS_MODULE=bench.settings. Prints one table against the goals
(the nearest query under 20 ms of server time with 10,000 places; the coverage
of 500 compounds by 300 places under a second) and writes
bench/results/places-latest.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
NEAREST_GOAL_MS = 20.0
COVERAGE_GOAL_MS = 1000.0
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--places", type=int, default=10_000, help="places to generate (default 10,000)")
    p.add_argument("--repeat", type=int, default=30, help="timed calls per query (default 30)")
    p.add_argument("--at", help="HH:MM: pin the clock to today at this local time (default: the real clock)")
    p.add_argument("--profile", action="store_true", help="also print a cProfile of each API query")
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--pg-db", default="hubiying_bench_places")
    p.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    a = p.parse_args(argv)
    started = time.monotonic()
    RESULTS.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-places-"))
    results = {"run_at": datetime.now().isoformat(timespec="seconds"), "places": a.places, "repeat": a.repeat,
               "load_start": list(os.getloadavg()), "backends": {}}
    try:
        for backend in (("sqlite", "postgresql") if a.db == "both" else
                        ("postgresql",) if a.db == "postgres" else ("sqlite",)):
            results["backends"][backend] = run(backend, a, scratch)
    finally:
        if a.keep:
            print(f"kept: {scratch} (SQLite), {a.pg}/{a.pg_db} (PostgreSQL)", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    results["total_s"] = round(time.monotonic() - started, 1)
    (RESULTS / "places-latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    table = report(results)
    (RESULTS / "places-latest.md").write_text(table + "\n")
    print(table)
    return 0 if all(ok for *_row, ok in rows(results) if ok is not None) else 1


def run(backend: str, a, scratch: Path) -> dict:
    if backend == "sqlite":
        url = f"sqlite:///{scratch / 'bench-places.sqlite3'}"
    else:
        import psycopg

        url = f"{a.pg}/{a.pg_db}"
        with psycopg.connect(f"{a.pg}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{a.pg_db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{a.pg_db}"')
    env = {**os.environ, "DATABASE_URL": url, "HUBIYING_DEBUG": "0", "HUBIYING_HTTPS": "0",
           "DJANGO_SETTINGS_MODULE": "bench.settings", "HUBIYING_BENCH": "1",
           "HUBIYING_CACHE_DIR": str(scratch / f"cache-{backend}"),
           "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789", "LOG_LEVEL": "ERROR",
           "PYTHONWARNINGS": "ignore:No directory at:UserWarning"}  # no collectstatic needed in-process
    out = scratch / f"{backend}.json"
    load = os.getloadavg()[0]
    try:
        t = time.monotonic()
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        migrate_s = round(time.monotonic() - t, 1)
        cmd = [sys.executable, "manage.py", "bench_places", "--places", str(a.places), "--repeat", str(a.repeat),
               "--json", str(out), *(["--at", a.at] if a.at else []), *(["--profile"] if a.profile else [])]
        # Generated in one process, measured in a fresh one, as a server's.
        subprocess.run([*cmd, "--phase", "generate"], cwd=ROOT, env=env, check=True)
        subprocess.run([*cmd, "--phase", "measure"], cwd=ROOT, env=env, check=True)
    finally:
        if backend == "postgresql" and not a.keep:
            import psycopg

            with psycopg.connect(f"{a.pg}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{a.pg_db}" WITH (FORCE)')
    result = json.loads(out.read_text())
    result["migrate_s"] = migrate_s
    result["load_start"] = round(load, 2)
    return result


def rows(r: dict):
    """(backend, what, found, median, p95, cpu, goal, met) per line of the table."""
    for backend, b in r["backends"].items():
        name = NAMES.get(backend, backend)
        for q in b["nearest"]:
            ok = q["api"]["median_ms"] < NEAREST_GOAL_MS
            yield (name, f"`GET /api/v1/places` {q['query']}", f"{q['found_median']:g} ({q['box_rows_median']:g})",
                   q["api"]["median_ms"], q["api"]["p95_ms"], q["api"].get("cpu_median_ms", ""), "20 ms", ok)
        for q in b["nearest"]:
            yield (name, f"`nearby.search` {q['query']}", "", q["search"]["median_ms"], q["search"]["p95_ms"],
                   q["search"].get("cpu_median_ms", ""), "", None)
        c = b["coverage"]
        yield (name, f"`coverage.compute` {c['compounds']} × {c['places']}", "", c["compute"]["median_ms"],
               c["compute"]["p95_ms"], "", "1 s", c["compute"]["median_ms"] < COVERAGE_GOAL_MS)
        yield (name, f"`/work/coverage/` page ({c['page_kb']} KB)", "", c["page"]["median_ms"], c["page"]["p95_ms"],
               "", "1 s", c["page"]["median_ms"] < COVERAGE_GOAL_MS)


def report(r: dict) -> str:
    lines = [f"Service places at {r['places']:,} places over 20 × 20 km, {r['run_at']} "
             f"(load average at the start {r['load_start'][0]:.2f}; {r['total_s']} s in all).", ""]
    for backend, b in r["backends"].items():
        lines.append(f"- {NAMES.get(backend, backend)}: generated in {b['generate_s']} s "
                     f"({', '.join(f'{k} {v:,}' for k, v in b['rows'].items())}); clock {b['clock']}; "
                     f"load average {b.get('load_start', '?')} at its start; "
                     f"{b['nearest'][0]['queries']} queries per API call.")
    lines += ["", f"Server time in ms, in-process (median and p95 of {r['repeat']} calls at random points, "
              "radius 2,000 m; the API through the whole middleware stack, anonymous). "
              "Found: places in the answer, median (rows the bounding box read). CPU: this process's CPU time, median "
              "(without PostgreSQL's own; not inflated by other busy processes). Met: by the median.", "",
              "| backend | what | found (box) | median | p95 | CPU | goal | met |", "|---|---|---|---|---|---|---|---|"]
    for name, what, found, median, p95, cpu, goal, ok in rows(r):
        met = "" if ok is None else ("yes" if ok else "**no**")
        lines.append(f"| {name} | {what} | {found} | {median} | {p95} | {cpu} | {goal} | {met} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
