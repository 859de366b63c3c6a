from django.core.management.base import BaseCommand

from appeals.services import close_expired_evaluations
from notifications.outbox import deliver_pending


class Command(BaseCommand):
    help = "Close requests whose evaluation window has ended and deliver pending notifications. Run from cron."

    def handle(self, *args, **options):
        closed = close_expired_evaluations()
        delivered = deliver_pending()
        self.stdout.write(f"closed {closed}, notifications {delivered}")
