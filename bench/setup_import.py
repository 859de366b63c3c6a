"""The county set-up import at a county's size: `.venv/bin/python -m bench.setup_import`.

A generated county of 15 towns, 200 communities, 1,500 grids, 300 units and
3,000 people (and 25 categories, 6 time limits) in the set-up template is
imported into an empty database (a temporary SQLite file, or --database-url),
then imported again, which must change nothing; then exported and imported
once more (a dry run). Prints the time of each step and the machine.
The goal: the first import well under a minute on two cores.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 60.0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--towns", type=int, default=15)
    p.add_argument("--communities", type=int, default=200)
    p.add_argument("--grids", type=int, default=1500)
    p.add_argument("--units", type=int, default=300)
    p.add_argument("--people", type=int, default=3000)
    p.add_argument("--database-url", help="default: a temporary SQLite file")
    a = p.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="bench-setup-"))
    os.environ["DATABASE_URL"] = a.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("HUBIYING_DEBUG", "1")  # no production secret needed for a scratch database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubiying.settings")
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return run(a)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(a) -> int:
    from county_setup import workbook
    from county_setup.apply import import_workbook
    from county_setup.generate import county_workbook

    sizes = {"towns": a.towns, "communities": a.communities, "grids": a.grids, "units": a.units, "people": a.people}
    started = time.perf_counter()
    data = county_workbook(**sizes)
    made = time.perf_counter() - started

    def timed(content: bytes, *, dry_run: bool = False):
        t = time.perf_counter()
        outcome = import_workbook(io.BytesIO(content), dry_run=dry_run)
        return outcome, time.perf_counter() - t

    first, first_s = timed(data)
    second, second_s = timed(data)
    t = time.perf_counter()
    exported = workbook.export()
    export_s = time.perf_counter() - t
    third, third_s = timed(exported, dry_run=True)
    totals = [o.report["counts"]["totals"] for o in (first, second, third)]
    print(f"machine: {platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"{os.environ['DATABASE_URL'].split(':')[0]}")
    print(f"county: {sizes} — {sum(totals[0].values())} rows, workbook {len(data) / 1024:.0f} KB made in {made:.1f} s")
    print(f"first import (all created):       {first_s:6.2f} s  {totals[0]}")
    print(f"second import (nothing changes):  {second_s:6.2f} s  {totals[1]}")
    print(f"export:                           {export_s:6.2f} s")
    print(f"export → import (dry run):        {third_s:6.2f} s  {totals[2]}")
    ok = (first.applied and totals[1]["created"] == totals[1]["changed"] == 0
          and totals[2]["created"] == totals[2]["changed"] == totals[2]["refused"] == 0 and first_s < GOAL_S)
    print(f"goal: first import under {GOAL_S:.0f} s, re-import and round trip change nothing — "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
