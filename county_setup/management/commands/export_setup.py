"""`manage.py export_setup FILE.xlsx`: the configuration now, in the set-up
template's layout (everything: the command line is the server's own)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from county_setup import workbook


class Command(BaseCommand):
    help = "Writes the county's configuration (tree, units, people, categories, time limits) to an Excel workbook."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file to write")

    def handle(self, *args, file: str, **options):
        Path(file).write_bytes(workbook.export())
        self.stdout.write(f"{file}")
