from django.core.management.base import BaseCommand

from notifications import worker


class Command(BaseCommand):
    help = ("One pass of the background work, for cron: close requests whose evaluation window has ended, "
            "remind the holders of steps past 75% of their time, urge those overdue since before today, "
            "make the care plans' orders, remind volunteers of missed ones, deliver waiting notifications and text "
            "messages.")

    def handle(self, *args, **options):
        done = worker.timers()
        self.stdout.write(f"closed {done.closed}, steps reminded {done.step_reminders}, urged {done.urged}, "
                          f"care orders {done.care_orders}, reminders {done.reminders}, "
                          f"notifications {done.notifications}, messages {done.messages}")
