from django.core.management.base import BaseCommand

from notifications import worker


class Command(BaseCommand):
    help = ("One pass of the background work, for cron: close requests whose evaluation window has ended, "
            "make the care plans' orders, remind volunteers of missed ones, deliver waiting notifications and text "
            "messages.")

    def handle(self, *args, **options):
        done = worker.timers()
        self.stdout.write(f"closed {done.closed}, care orders {done.care_orders}, reminders {done.reminders}, "
                          f"notifications {done.notifications}, messages {done.messages}")
