import threading

from django.core.management.commands.runserver import Command as RunserverCommand

from pairing import schedule

# How long a stopping server waits for a job in progress before leaving it to the process's end.
STOP_WAIT_SECONDS = 5


class Command(RunserverCommand):
    help = (
        "The development server with the periodic jobs of pairing/schedule.py in a background "
        "thread, for embedded mode (no Redis: jobs run inline). `make run` serves with it."
    )

    def inner_run(self, *args, **options):
        """The serving process runs the scheduler: with the autoreloader, the child it restarts on
        each code change (and its scheduler with it), never the parent that only watches files;
        so one scheduler runs however the server is started."""
        stop = threading.Event()
        scheduler = threading.Thread(
            target=schedule.run_forever, args=(stop,), name="scheduler", daemon=True
        )
        scheduler.start()
        self.stdout.write("Periodic jobs (pairing/schedule.py) run in this process.\n")
        try:
            super().inner_run(*args, **options)
        finally:
            stop.set()
            scheduler.join(STOP_WAIT_SECONDS)
