from django.core.management.base import CommandError

from enterprises.import_command import ImportCommand
from pairing import pairing_import
from pairing.models import Campaign


class Command(ImportCommand):
    help = (
        "Import pairings as an organiser (--user) within their area, by the pairing rules, all "
        "or nothing; --campaign serves rows that name none; --dry-run writes nothing."
    )
    kind = "pairings"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--campaign", type=int, help="the campaign's id, for rows without one")

    def plan(self, stream, filename, *, actor, options, progress):
        campaign = None
        if options.get("campaign"):
            campaign = Campaign.objects.filter(pk=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"no campaign {options['campaign']}")
        progress(0, "check")
        return pairing_import.read_plan(stream, filename, actor=actor, campaign=campaign)

    def commit(self, plan, *, actor, filename, progress):
        progress(0.5, "write")
        pairing_import.commit(plan, actor=actor, filename=filename, via="command")
