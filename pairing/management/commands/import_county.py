import json
import sys
from pathlib import Path

from django.core.management.base import CommandError

from enterprises.import_command import ImportCommand, summary
from pairing import onboarding
from pairing.models import Campaign


class Command(ImportCommand):
    help = (
        "Set up a county from its sheets (--units, --cadres, --enterprises, --pairings; any of "
        "them), each checked against the ones before it, all four written or none; --dry-run "
        "reports what each would do and what refers to something missing."
    )
    kind = "county"

    def add_arguments(self, parser):
        for kind in onboarding.ORDER:
            parser.add_argument(f"--{kind}", help=f"the {kind} sheet")
        parser.add_argument("--campaign", type=int, help="the campaign's id, for pairing rows")
        parser.add_argument("--dry-run", action="store_true", help="plan and report, write nothing")
        parser.add_argument("--json", action="store_true", help="a JSON summary on standard output")
        parser.add_argument("--user", help="who imports; default: the system admin")

    def handle(self, *args, **options):
        sheets = {}
        for kind in onboarding.ORDER:
            if options.get(kind):
                path = Path(options[kind])
                try:
                    sheets[kind] = (path.read_bytes(), path.name)
                except OSError as exc:
                    raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        if not sheets:
            raise CommandError(
                "name at least one sheet: --units, --cadres, --enterprises, --pairings"
            )
        campaign = None
        if options.get("campaign"):
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
        actor = self.actor(options["user"])
        dry_run = options["dry_run"]
        outcomes = onboarding.run(sheets, actor=actor, campaign=campaign, commit=not dry_run)
        ok = all(o.ok for o in outcomes)
        result = {
            "dry_run": dry_run,
            "ok": ok,
            "imported": ok and not dry_run,
            "sheets": [
                summary(o.kind, o.filename, o.plan, dry_run=dry_run, ok=o.ok, refusal=o.refusal)
                | {"missing": o.missing}
                for o in outcomes
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            for sheet in result["sheets"]:
                self.report(sheet)
        if not ok:
            sys.exit(1)
