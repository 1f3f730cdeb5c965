"""What the import commands (import_roster, import_units, import_cadres, import_pairings) share:
read a file as the upload page does (a hostile file refused before parsing), plan, and commit all
or nothing unless --dry-run; a progress bar on standard error; with --json, a summary on standard
output (counts, skipped rows, every error with row, column, value and message). The exit status
is 0 only when the file imported (or, with --dry-run, would import) without errors."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.masking import UNMASKED_MOBILE, mask_phone
from accounts.models import User
from accounts.roles import Role
from enterprises.spreadsheets.reader import UnreadableSheet
from enterprises.spreadsheets.safety import UnsafeUpload

BAR_WIDTH = 30


class ProgressBar:
    """`[#######-----------]  35% check` redrawn in place on standard error."""

    def __init__(self, stream, label: str):
        self.stream, self.label, self.shown = stream, label, None

    def __call__(self, fraction: float, stage: str) -> None:
        percent = max(0, min(100, round(100 * fraction)))
        if (percent, stage) == self.shown:
            return
        self.shown = (percent, stage)
        filled = BAR_WIDTH * percent // 100
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}% {stage:<10}")
        self.stream.flush()

    def done(self) -> None:
        if self.shown is not None:
            self.stream.write("\n")
            self.stream.flush()


def summary(kind: str, filename: str, plan, *, dry_run: bool, ok: bool, refusal: str = ""):
    """The --json output: what the file did (or would do), every error, every row skipped.
    `ok`: no error, so it imported (or, on a dry run, would import); `imported`: it was written."""
    errors = [] if plan is None else plan.errors
    return {
        "kind": kind,
        "file": filename,
        "dry_run": dry_run,
        "ok": ok,
        "imported": ok and not dry_run,
        "refusal": refusal,
        "rows": 0 if plan is None else plan.rows,
        **({"created": 0, "updated": 0, "unchanged": 0} if plan is None else plan.counts),
        "rejected": len({e.row for e in errors}),
        "skipped": [
            {"row": row, "reason": f"{what}行"} for row, what in getattr(plan, "skipped", ())
        ],
        "unused_columns": [] if plan is None else list(plan.header.unused.values()),
        "errors": [
            {
                "row": e.row,
                "column": e.column,
                # Mobile numbers masked, as on the pages: the summary is kept in logs.
                "value": UNMASKED_MOBILE.sub(lambda m: mask_phone(m.group()), e.value),
                "message": e.message,
            }
            for e in errors
        ],
    }


class ImportCommand(BaseCommand):
    """A subclass names its `kind` and implements plan() and commit()."""

    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="the sheet (.xlsx, .xls, .csv, UTF-16 .txt)")
        parser.add_argument("--dry-run", action="store_true", help="plan and report, write nothing")
        parser.add_argument("--json", action="store_true", help="a JSON summary on standard output")
        parser.add_argument(
            "--user", help="who imports (for the audit trail); default: the system admin"
        )

    def actor(self, username: str | None) -> User:
        users = User.objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"no active user {username!r}")
            return user
        user = users.filter(groups__name=Role.ADMIN).order_by("pk").first()
        if user is None:
            raise CommandError("no system admin to record the import under: pass --user")
        return user

    def plan(self, stream, filename: str, *, actor, options, progress):
        raise NotImplementedError

    def commit(self, plan, *, actor, filename: str, progress) -> None:
        raise NotImplementedError

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        actor = self.actor(options["user"])
        progress = ProgressBar(self.stderr._out, f"{self.kind} {path.name}")
        plan, refusal = None, ""
        try:
            plan = self.plan(
                io.BytesIO(data), path.name, actor=actor, options=options, progress=progress
            )
        except (UnsafeUpload, UnreadableSheet) as exc:
            refusal = str(exc)
        ok = plan is not None and plan.ok
        if ok and not options["dry_run"]:
            self.commit(plan, actor=actor, filename=path.name, progress=progress)
            progress(1, "done")
        progress.done()
        dry_run = options["dry_run"]
        result = summary(self.kind, path.name, plan, dry_run=dry_run, ok=ok, refusal=refusal)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.report(result)
        if not ok:
            sys.exit(1)

    def report(self, result: dict) -> None:
        if result["refusal"]:
            self.stderr.write(result["refusal"])
            return
        verb = "would import" if result["dry_run"] else "imported"
        if not result["ok"]:
            verb = "refused, nothing written"
        self.stdout.write(
            f"{result['kind']}: {verb}; rows {result['rows']}, created {result['created']}, "
            f"updated {result['updated']}, unchanged {result['unchanged']}, "
            f"rejected {result['rejected']}, skipped {len(result['skipped'])}"
        )
        for skipped in result["skipped"]:
            self.stdout.write(f"  row {skipped['row']}: {skipped['reason']}, skipped")
        for error in result["errors"]:
            self.stdout.write(
                f"  row {error['row']} {error['column']} “{error['value']}”: {error['message']}"
            )


class SheetImportCommand(ImportCommand):
    """For an import module whose read_plan(stream, filename, actor=) and commit() take the
    importing user (units, cadres): the subclass names `module` and `kind`."""

    module = None

    def plan(self, stream, filename, *, actor, options, progress):
        progress(0, "check")
        return self.module.read_plan(stream, filename, actor=actor)

    def commit(self, plan, *, actor, filename, progress):
        progress(0.5, "write")
        self.module.commit(plan, actor=actor, filename=filename, via="command")
