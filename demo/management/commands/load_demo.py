import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError

from appeals.models import Status
from demo.build import demo_exists, foreign_data
from demo.loader import load
from organisations.models import Node


class Command(BaseCommand):
    help = (
        "Load the demo county (呼图壁县 and 昌吉市 › 延安北路街道) with its units, categories, accounts and "
        "about 500 requests made through the real services. Replaces a previously loaded demo. Refuses to "
        "delete anything while the database holds data that is not the demo's, or (production settings, "
        "DEBUG off) to replace a loaded demo, unless --force. Every account's password is "
        "HUBIYING_DEMO_PASSWORD or 'demo'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the database already has an administrative tree.")
        parser.add_argument("--requests", type=int, default=500, help="How many requests to make (default 500).")
        parser.add_argument("--force", action="store_true",
                            help="Load even beside other data, or with DEBUG off: the demo's own rows are replaced; "
                                 "nothing else is deleted, and real people's roles are never touched.")

    def handle(self, *args, **options):
        if options["if_empty"] and Node.objects.exists():
            self.stdout.write("The database already has an administrative tree: the demo was not loaded.")
            return
        if not 30 <= options["requests"] <= 5000:
            raise CommandError("--requests must be between 30 and 5000.")
        if not options["force"]:
            others = foreign_data()
            if others:
                raise CommandError(
                    "Refused: this database holds data that is not the demo's: " + "; ".join(others)
                    + ". Nothing was changed. Use a fresh database, or --force to load the demo beside it."
                )
            if demo_exists() and not settings.DEBUG:
                raise CommandError(
                    "Refused: a demo is loaded and these are production settings (DEBUG off); reloading deletes "
                    "it. Nothing was changed. Use --force, or HUBIYING_DEBUG=1."
                )
        password = os.environ.get("HUBIYING_DEMO_PASSWORD") or "demo"
        try:
            figures = load(password=password, requests=options["requests"])
        except ProtectedError as error:
            raise CommandError(
                "The demo cannot be replaced: other data still refers to it "
                f"({len(error.protected_objects)} protected rows, e.g. a real person's role on a demo place). "
                "Nothing was changed. Use a fresh database."
            ) from None
        self.stdout.write(self.style.SUCCESS(
            "Demo county loaded in {seconds:.1f} s: {nodes} places, {units} handling units, {categories} "
            "categories, {accounts} accounts, {requests} requests with {events} timeline events.".format(**figures)
        ))
        by_status = figures["by_status"]
        self.stdout.write("  " + ", ".join(f"{s} {by_status.get(s, 0)}" for s in Status.values))
        self.stdout.write(f"  overdue now {figures['overdue']}, due soon {figures['due_soon']}")
        secret = "the password in HUBIYING_DEMO_PASSWORD" if os.environ.get("HUBIYING_DEMO_PASSWORD") else "'demo'"
        self.stdout.write(
            "  Log in as resident, gridworker, handler, dispatcher, supervisor, leader, outsider or admin "
            f"with {secret}."
        )
