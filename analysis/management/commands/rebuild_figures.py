"""manage.py rebuild_figures [--check] [--if-missing]

Works every request's facts out again from its timeline, sums them into the
tallies afresh, and says what differed from what was stored. --check changes
nothing and exits 1 when anything differs; --if-missing rebuilds only when
there are requests but no facts (a database from before the figures), and
sums the tallies afresh when there are facts but no place tallies (from before
the hotspot map and the towns' daily tallies)."""

import sys
import time

from django.core.management.base import BaseCommand

from analysis import keeping
from analysis.models import Fact, PlaceTally
from appeals.models import Appeal


class Command(BaseCommand):
    help = "Rebuild the figures from the timeline and report any difference."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Change nothing; exit 1 on any difference.")
        parser.add_argument("--if-missing", action="store_true",
                            help="Only when there are requests but no facts yet.")

    def handle(self, *args, check=False, if_missing=False, **options):
        if if_missing and Fact.objects.exists():
            if not PlaceTally.objects.exists():
                keeping.rebuild_tallies()
                self.stdout.write("Tallies summed afresh (a database from before the hotspot map).")
            return
        if if_missing and not Appeal.objects.exists():
            return
        started = time.monotonic()

        def progress(done, total):
            if done % 50000 < 2000 or done == total:
                self.stderr.write(f"  {done:,} / {total:,} requests")

        facts = keeping.fact_differences(fix=not check, progress=progress if options["verbosity"] > 1 else None)
        if not check:
            keeping.rebuild_tallies()
            self.stdout.write(f"{facts} requests' facts differed from their timelines; facts and tallies rebuilt "
                              f"in {time.monotonic() - started:.1f} s")
            return
        tallies, hours = keeping.tally_differences()
        self.stdout.write(
            f"{facts} requests' facts, {tallies} tally rows and {hours} handling-time rows differ from the "
            f"timeline; {time.monotonic() - started:.1f} s")
        if facts or tallies or hours:
            sys.exit(1)
