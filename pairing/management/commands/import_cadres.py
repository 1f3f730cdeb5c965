from enterprises.import_command import ImportCommand
from pairing import cadre_import


class Command(ImportCommand):
    help = (
        "Import cadres with their posts (upsert by staff number, all or nothing); --dry-run "
        "writes nothing."
    )
    kind = "cadres"

    def plan(self, stream, filename, *, actor, options, progress):
        progress(0, "check")
        return cadre_import.read_plan(stream, filename, actor=actor)

    def commit(self, plan, *, actor, filename, progress):
        progress(0.5, "write")
        cadre_import.commit(plan, actor=actor, filename=filename, via="command")
