from enterprises.import_command import SheetImportCommand
from pairing import cadre_import


class Command(SheetImportCommand):
    help = (
        "Import cadres with their posts (upsert by staff number, all or nothing); --dry-run "
        "writes nothing."
    )
    kind, module = "cadres", cadre_import
