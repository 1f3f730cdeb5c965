import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from pairing.management.commands.run_scheduler import loop


class Command(BaseCommand):
    help = (
        "The development server with the scheduler in a background thread, for embedded mode "
        "(no Redis: jobs run inline). This is what `make run` serves with."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        threading.Thread(target=loop, name="scheduler", daemon=True).start()
        # No autoreloader: it would start a second process, and a second scheduler.
        call_command("runserver", options["addrport"], use_reloader=False)
