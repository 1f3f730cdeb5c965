from enterprises.import_command import ImportCommand
from pairing import unit_import


class Command(ImportCommand):
    help = (
        "Import org units (upsert by unit code, parents first, all or nothing); --dry-run "
        "writes nothing."
    )
    kind = "units"

    def plan(self, stream, filename, *, actor, options, progress):
        progress(0, "check")
        return unit_import.read_plan(stream, filename, actor=actor)

    def commit(self, plan, *, actor, filename, progress):
        progress(0.5, "write")
        unit_import.commit(plan, actor=actor, filename=filename, via="command")
