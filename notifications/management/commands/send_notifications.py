from django.core.management.base import BaseCommand

from appeals.models import AppealEvent
from notifications.outbox import deliver_pending


class Command(BaseCommand):
    help = "Turn timeline events not yet delivered into notifications."

    def handle(self, *args, **options):
        total = 0
        # A batch may make no notification (events nobody must act on), so drain until none waits.
        while AppealEvent.objects.filter(notified_at__isnull=True).exists():
            total += deliver_pending()
        self.stdout.write(f"{total} notifications")
