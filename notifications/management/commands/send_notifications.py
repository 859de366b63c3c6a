from django.core.management.base import BaseCommand

from notifications.outbox import deliver_pending


class Command(BaseCommand):
    help = "Turn timeline events not yet delivered into notifications."

    def handle(self, *args, **options):
        total = 0
        while made := deliver_pending():
            total += made
        self.stdout.write(f"{total} notifications")
