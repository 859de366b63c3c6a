"""The figures at a large city's size: `make bench-analysis`, or
`.venv/bin/python -m bench.figures --help`.

Creates a dedicated PostgreSQL database, migrates it, runs
`manage.py bench_figures` (generation and timings, see its docstring), prints
a table and writes bench/results/figures-latest.json and .md. The database is
dropped afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
GOAL_MS = 200.0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--appeals", type=int, default=10_000_000, help="requests to generate (default 10,000,000)")
    p.add_argument("--repeat", type=int, default=7, help="timed runs per scope and period (default 7)")
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--db", default="hubiying_bench_figures")
    p.add_argument("--reuse", action="store_true", help="time the database of a previous --keep run")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--retally", action="store_true", help="with --reuse: sum the tallies again first")
    a = p.parse_args(argv)
    env = {**os.environ, "DATABASE_URL": f"{a.pg}/{a.db}", "HUBIYING_DEBUG": "0", "HUBIYING_HTTPS": "0",
           "DJANGO_SETTINGS_MODULE": "bench.settings", "HUBIYING_BENCH": "1",
           "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789", "LOG_LEVEL": "ERROR"}
    started = time.monotonic()
    if not a.reuse:
        with psycopg.connect(f"{a.pg}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{a.db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{a.db}"')
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "figures-latest.json"
    try:
        cmd = [sys.executable, "manage.py", "bench_figures", "--appeals", str(a.appeals), "--repeat", str(a.repeat),
               "--json", str(out), *(["--reuse"] if a.reuse else []),
               *(["--retally"] if a.retally else [])]
        subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    finally:
        if not a.keep:
            with psycopg.connect(f"{a.pg}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{a.db}" WITH (FORCE)')
    results = json.loads(out.read_text())
    results["run_at"] = datetime.now().isoformat(timespec="seconds")
    results["total_s"] = round(time.monotonic() - started, 1)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    table = report(results)
    (RESULTS / "figures-latest.md").write_text(table + "\n")
    print(table)
    fast = all(t["median_ms"] < GOAL_MS and t.get("page_median_ms", 0) < GOAL_MS for t in results["timings"])
    return 0 if fast and results["check"]["equal"] else 1


def report(r: dict) -> str:
    lines = [f"Figures at {r['appeals']:,} requests (PostgreSQL), {r.get('run_at', '')}.", ""]
    if "generate_s" in r:
        lines.append(f"Generated in {r['generate_s']} s (inserts {r.get('insert_s')} s, indexes "
                     f"{r.get('indexes_s')} s, tallies {r.get('tallies_s')} s).")
    lines.append("Rows: " + ", ".join(f"{t} {v['rows']:,} ({v['mb']:,} MB)" for t, v in r["rows"].items()) + ".")
    lines.append(f"City tallies against a direct sum of its facts: {'equal' if r['check']['equal'] else 'DIFFER'}.")
    lines += ["", "Server time in ms (median and max of the runs): `/api/v1/stats`'s work, the dashboard's view, "
              "and what it loads apart: its hotspot map and frequent words (cached; timed uncached).",
              "", "| scope | period | received | stats median | stats max | dashboard median | dashboard max "
              "| map median | words median | under 200 ms |", "|---|---|---|---|---|---|---|---|---|---|"]
    for t in r["timings"]:
        ok = t["median_ms"] < GOAL_MS and t.get("page_median_ms", 0) < GOAL_MS
        lines.append(f"| {t['scope']} | {t['period']} | {t['received']:,} | {t['median_ms']} | {t['max_ms']} | "
                     f"{t.get('page_median_ms', '')} | {t.get('page_max_ms', '')} | {t.get('map_median_ms', '')} | "
                     f"{t.get('words_median_ms', '')} | "
                     f"{'yes' if ok else '**no**'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
