from django.core.management.base import BaseCommand

from notifications import worker


class Command(BaseCommand):
    help = ("One pass of the background work, for cron: close requests whose evaluation window has ended, "
            "deliver waiting notifications and text messages.")

    def handle(self, *args, **options):
        done = worker.timers()
        self.stdout.write(f"closed {done.closed}, notifications {done.notifications}, messages {done.messages}")
