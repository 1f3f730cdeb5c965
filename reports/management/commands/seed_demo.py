import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from enterprises.models import Enterprise
from reports.demo import SCALES, Size, seed


class Command(BaseCommand):
    help = (
        "Build a synthetic demo province (two cities, 15,000 enterprises, 3,000 cadres, two "
        "campaigns with pairings, visits, tickets and a year of history, and demo logins), or "
        "with --scale province a large province for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="city")
        parser.add_argument("--enterprises", type=int, help="override the scale's enterprise count")
        parser.add_argument("--cadres", type=int, help="override the scale's cadre count")
        parser.add_argument("--towns", type=int, help="override the scale's town/street count")
        parser.add_argument("--tickets", type=int, help="override the scale's ticket count")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same city)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if any enterprise exists"
        )

    def handle(self, *args, **options):
        if Enterprise.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库已有数据，跳过演示数据生成。")
                return
            raise CommandError(
                "数据库已有企业数据；演示数据只能生成到空数据库中（可用 --if-empty 跳过）。"
            )
        base = SCALES[options["scale"]]
        size = Size(
            enterprises=options["enterprises"] or base.enterprises,
            cadres=options["cadres"] or base.cadres,
            towns=options["towns"] or base.towns,
            counties=base.counties,
            cities=base.cities,
            tickets=options["tickets"] if options["tickets"] is not None else base.tickets,
            visits_per_enterprise=base.visits_per_enterprise,
        )
        # Deadlines count working days: bring in the official holidays the package knows first.
        call_command("seed_work_calendar", stdout=self.stdout, stderr=self.stderr)
        started = time.perf_counter()
        counts = seed(size, seed=options["seed"])
        seconds = time.perf_counter() - started
        summary = "，".join(f"{name} {n:,}" for name, n in counts.items())
        self.stdout.write(f"演示数据已生成（{seconds:.1f} 秒）：{summary}")
