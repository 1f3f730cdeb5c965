from enterprises import roster_import
from enterprises.import_command import ImportCommand
from enterprises.import_jobs import import_area, mapping_unit


class Command(ImportCommand):
    help = (
        "Import an enterprise roster (upsert by USCC, all or nothing), as the roster import page "
        "does, with the importing user's unit's header mappings; --dry-run writes nothing."
    )
    kind = "enterprises"

    def plan(self, stream, filename, *, actor, options, progress):
        return roster_import.read_plan(
            stream,
            filename,
            on_progress=lambda fraction, stage: progress(fraction / 2, stage),
            aliases=roster_import.aliases_for(mapping_unit(actor)),
            area=import_area(actor),
        )

    def commit(self, plan, *, actor, filename, progress):
        roster_import.commit(
            plan,
            actor=actor,
            filename=filename,
            via="command",
            on_progress=lambda fraction, stage: progress(0.5 + fraction / 2, stage),
        )
