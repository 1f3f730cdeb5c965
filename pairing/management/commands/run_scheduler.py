from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_datetime

from pairing import schedule


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they fall due (pairing/schedule.py); runs until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check the current minute and exit")
        parser.add_argument(
            "--now", help="with --once: the moment to check (ISO 8601), for testing"
        )

    def handle(self, *args, **options):
        if options["once"]:
            now = parse_datetime(options["now"]) if options["now"] else None
            started = schedule.run_due(now)
            self.stdout.write("enqueued: " + (", ".join(started) or "nothing"))
            return
        self.stdout.write("scheduler started")
        schedule.run_forever()
