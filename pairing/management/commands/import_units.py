from enterprises.import_command import SheetImportCommand
from pairing import unit_import


class Command(SheetImportCommand):
    help = (
        "Import org units (upsert by unit code, parents first, all or nothing); --dry-run "
        "writes nothing."
    )
    kind, module = "units", unit_import
