"""Recomputes every micro-fund's balance from its ledger lines and checks each
entry; prints the differences and exits 1 when there is any."""

from django.core.management.base import BaseCommand, CommandError

from fund import ledger
from fund.models import Fund


class Command(BaseCommand):
    help = "Check every micro-fund's balance against the sum of its entries (exit status 1 on any difference)."

    def handle(self, *args, **options):
        problems = ledger.reconcile()
        funds = Fund.objects.count()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} difference(s) in {funds} fund(s)")
        self.stdout.write(f"{funds} fund(s): every balance is the sum of its entries.")
