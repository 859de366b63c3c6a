"""manage.py figures_report --scope <node id|unit-ID> --kind month --at 2026-11-15 --out FILE.docx|.xlsx

Writes the 运行通报 of a scope (a tree node's id or code, or unit-<id>) for the
week (Monday to Sunday), month or quarter holding --at (default: the last
complete one) to a Word or Excel file, for scripted sending. The text is in
--language (default: the site's, 简体中文)."""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from analysis.figures import Scope
from analysis.report_files import file_bytes
from analysis.reports import KINDS, build
from organisations.models import Node, Unit


def scope_of(value: str) -> Scope:
    value = value.strip()
    try:
        if value.startswith("unit-"):
            return Scope(unit=Unit.objects.get(pk=int(value[5:])))
        if value.isdigit():
            return Scope(node=Node.objects.get(pk=int(value)))
        return Scope(node=Node.objects.get(code=value))
    except (ValueError, Node.DoesNotExist, Unit.DoesNotExist):
        raise CommandError(_("There is no such scope: give a tree node's id or code, or unit-<id>.")) from None


class Command(BaseCommand):
    help = "Write the weekly, monthly or quarterly report of a scope to a .docx or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, help="A tree node's id or code, or unit-<id>.")
        parser.add_argument("--kind", choices=KINDS, default="month")
        parser.add_argument("--at", help="A day inside the period (YYYY-MM-DD); default: the last complete one.")
        parser.add_argument("--out", required=True, help="The file to write: its name ends in .docx or .xlsx.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="zh-hans (default) or en.")

    def handle(self, *args, scope, kind, at, out, language, **options):
        path = Path(out)
        ext = path.suffix.lower().lstrip(".")
        with translation.override(language):
            if ext not in ("docx", "xlsx"):
                raise CommandError(_("The file can be .docx or .xlsx."))
            try:
                day = date.fromisoformat(at) if at else None
            except ValueError:
                raise CommandError(_("Give the date as YYYY-MM-DD.")) from None
            report = build(scope_of(scope), kind, day)
            path.write_bytes(file_bytes(report, ext))
        self.stdout.write(f"{report.title}: {path}")
