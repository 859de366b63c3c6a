"""`manage.py import_setup FILE.xlsx [--dry-run]`: checks the workbook and,
unless a dry run or any row is refused, applies it in one transaction.
Exit 0: applied (or would apply) cleanly; 1: refused rows (the report says
which) or a file that is not a workbook. New people's first-login links are
printed (or written with --links FILE.xlsx)."""

import io

from django.core.management.base import BaseCommand, CommandError
from openpyxl import Workbook

from county_setup import reader, welcome
from county_setup.apply import import_workbook
from county_setup.report import as_text


class Command(BaseCommand):
    help = "Imports a county set-up workbook (tree, units, people, categories, time limits)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file to read")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--links", help="write the new people's first-login links to this .xlsx instead of "
                                            "printing them")

    def handle(self, *args, file: str, dry_run: bool, links: str | None, **options):
        try:
            with open(file, "rb") as f:
                outcome = import_workbook(io.BytesIO(f.read()), dry_run=dry_run)
        except OSError as error:
            raise CommandError(str(error)) from error
        except reader.BadWorkbook as error:
            self.stderr.write(str(error))
            raise SystemExit(1) from error
        self.stdout.write(as_text(outcome.report))
        if outcome.report["refused"]:
            raise SystemExit(1)
        waiting = welcome.waiting(outcome.created_users)
        if links and waiting:
            book = Workbook()
            for row in waiting:
                book.active.append([row["username"], row["name"], row["phone"], row["link"]])
            book.save(links)
            self.stdout.write(links)
        else:
            for row in waiting:
                self.stdout.write(f"{row['username']}\t{row['link']}")
