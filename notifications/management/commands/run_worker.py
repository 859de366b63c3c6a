import signal

from django.core.management.base import BaseCommand

from notifications import worker


class Command(BaseCommand):
    help = ("Run the background work until stopped: deliver notifications and text messages every second, "
            "run the timers every minute. `make run` starts it beside the server.")

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between deliveries (default 1).")

    def handle(self, *args, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        self.stdout.write("Hubiying worker: delivering notifications and text messages; Ctrl-C stops it.")
        try:
            worker.loop(options["interval"], stop=lambda: bool(stopping))
        except KeyboardInterrupt:
            pass
