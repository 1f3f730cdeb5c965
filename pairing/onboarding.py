"""Setting up a county from its four sheets: org units, cadres, enterprises, pairings, planned (and
written) in that order inside one transaction, so each sheet is checked against what the sheets
before it would add: a cadre's unit may be a row of the units sheet, a pairing's firm a row of
the roster. A dry run rolls everything back and reports what each sheet would do and what refers
to something neither the system nor the earlier sheets hold; a commit keeps all four or nothing.

Each sheet goes through its own import module (the same rules, messages and audit as its page).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy

from accounts.models import User
from enterprises import roster_import
from enterprises.import_jobs import mapping_unit
from enterprises.spreadsheets.reader import UnreadableSheet
from enterprises.spreadsheets.safety import UnsafeUpload
from pairing import cadre_import, pairing_import, unit_import

# The order sheets refer to each other in: each may name what the ones before it hold.
ORDER = ("units", "cadres", "enterprises", "pairings")
LABELS = {
    "units": gettext_lazy("组织单位"),
    "cadres": gettext_lazy("干部名册"),
    "enterprises": gettext_lazy("企业名册"),
    "pairings": gettext_lazy("结对"),
}
ERRORS_SHOWN = 100  # per sheet on the dry run's page; each kind's own page pages them all
# The fields whose "no such …" errors are references to something missing.
REFERENCES = {
    "units": ["parent"],
    "cadres": ["unit"],
    "enterprises": ["town"],
    "pairings": ["staff_no", "uscc", "enterprise", "campaign"],
}
MODULES = {
    "units": unit_import,
    "cadres": cadre_import,
    "enterprises": roster_import,
    "pairings": pairing_import,
}


@dataclass
class SheetOutcome:
    kind: str
    filename: str
    plan: object | None = None
    refusal: str = ""  # the file as a whole refused (unsafe, no header)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.refusal and self.plan is not None and self.plan.ok

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def first_errors(self) -> list:
        return self.plan.errors[:ERRORS_SHOWN] if self.plan else []

    @property
    def skipped_rows(self) -> list[dict]:
        skipped = self.plan.skipped if self.plan else ()
        return [{"row": row, "kind": kind} for row, kind in skipped]

    @property
    def unused_columns(self) -> list[str]:
        return list(self.plan.header.unused.values()) if self.plan else []

    @property
    def missing(self) -> dict[str, list[str]]:
        """Values this sheet refers to that nothing holds, by the column that names them."""
        if self.plan is None:
            return {}
        labels = {
            self.plan.header.labels.get(name, MODULES[self.kind].ALIASES[name][0])
            for name in REFERENCES[self.kind]
        }
        found: dict[str, set[str]] = {}
        for error in self.plan.errors:
            if error.column in labels and ("不存在" in error.message or "没有" in error.message):
                found.setdefault(error.column, set()).add(error.value)
        return {column: sorted(values) for column, values in found.items()}


def _plan(kind: str, stream, filename: str, *, actor, campaign):
    if kind == "enterprises":
        aliases = roster_import.aliases_for(mapping_unit(actor))  # the unit's own mappings
        area = cadre_import.import_area(actor)
        return roster_import.read_plan(stream, filename, aliases=aliases, area=area)
    if kind == "pairings":
        # The system admin plans (and writes) pairings from the root of the tree, as the
        # pairing rules' operating area says; an organiser within their own area.
        return pairing_import.read_plan(stream, filename, actor=actor, campaign=campaign)
    return MODULES[kind].read_plan(stream, filename, actor=actor)


def run(
    sheets: dict[str, tuple[bytes, str]],
    *,
    actor: User,
    campaign=None,
    commit: bool = False,
    via: str = "onboarding",
) -> list[SheetOutcome]:
    """Plan the given sheets ({kind: (content, file name)}) in ORDER, each after writing the ones
    before it; then keep everything if `commit` and every sheet checks, else roll all back."""
    outcomes = []
    with transaction.atomic():
        for kind in (k for k in ORDER if k in sheets):
            content, filename = sheets[kind]
            outcome = SheetOutcome(kind, filename)
            outcomes.append(outcome)
            try:
                outcome.plan = _plan(
                    kind, io.BytesIO(content), filename, actor=actor, campaign=campaign
                )
            except (UnsafeUpload, UnreadableSheet) as exc:
                outcome.refusal = str(exc)
                continue
            outcome.counts = dict(outcome.plan.counts)
            last = kind == max(sheets, key=ORDER.index)
            if outcome.ok and (commit or not last):
                # Written (in the transaction) so the sheets after it are checked against it.
                MODULES[kind].commit(outcome.plan, actor=actor, filename=filename, via=via)
        if not commit or not all(o.ok for o in outcomes):
            transaction.set_rollback(True)
    return outcomes
