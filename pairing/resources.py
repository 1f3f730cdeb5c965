"""The Django admin's import screens (django-import-export) for cadres and pairings.

A cadre or pairing sheet is read as a whole, not row by row: a row is matched by staff number or
mobile, checked against the other rows and against the pairing rules, and written through the
services (a transfer keeps the post history, a pairing is made by pair_many). So these resources
hand the screen's rows to the import pages' own modules, `cadre_import.plan_sheet` and
`pairing_import.plan_sheet`, and write with their `commit`: the admin and the pages apply one set
of rules and give the same messages. This module only turns a plan into the screen's preview.
Mobile numbers show masked, as on the import pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from types import ModuleType

from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.results import Error, Result, RowResult

from accounts.masking import UNMASKED_MOBILE, mask_phone
from enterprises.spreadsheets.cells import fold
from enterprises.spreadsheets.reader import UnreadableSheet
from enterprises.spreadsheets.validation import Sheet, sheet_from_rows
from pairing import cadre_import, pairing_import


def _shown(value, *, phone: bool = False) -> str:
    """A cell as the screen shows it: a phone column's number masked however it is written,
    and any mobile number in the other cells."""
    text = fold(value)
    return mask_phone(text) if phone else UNMASKED_MOBILE.sub(lambda m: mask_phone(m.group()), text)


class PlanResource(resources.Resource):
    """Imports a whole sheet through an import module's plan_sheet and commit."""

    module: ModuleType  # ALIASES, REQUIRED, plan_sheet, commit
    phone_fields: tuple[str, ...] = ()

    def __init__(self, request=None, **kwargs):
        super().__init__(**kwargs)
        self.request = request

    @classmethod
    def get_display_name(cls):
        return str(cls.module.SHEET_TITLE)

    def get_user_visible_fields(self):
        """The columns the import page lists: each field's first header name."""
        return [fields.Field(column_name=names[0]) for names in self.module.ALIASES.values()]

    def plan(self, sheet: Sheet, user):
        raise NotImplementedError

    def kinds(self, plan) -> Callable[[int], str]:
        """The import type (new, update or skip) of a valid row, by its number."""
        raise NotImplementedError

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        result = self.get_result_class()()
        user = kwargs.get("user")
        numbered = [(1, list(dataset.headers or []))]
        numbered += [(number, list(values)) for number, values in enumerate(dataset, start=2)]
        try:
            sheet = sheet_from_rows(numbered, self.module.ALIASES, self.module.REQUIRED)
            plan = self.plan(sheet, user)
        except UnreadableSheet as exc:
            result.append_base_error(Error(ValidationError(str(exc))))
            return result
        self._preview(result, numbered, sheet, plan)
        if plan.ok and not dry_run:
            self.module.commit(
                plan,
                actor=user,
                request=self.request,
                filename=kwargs.get("file_name") or "",
                via="admin",
            )
        return result

    def _preview(self, result: Result, numbered, sheet: Sheet, plan) -> None:
        headers = [_shown(h) for h in dict(numbered)[sheet.header.row]]
        result.diff_headers = headers
        result.total_rows = len(sheet.rows)
        columns = sheet.header.columns
        phones = {columns[name] for name in self.phone_fields if name in columns}
        phone_labels = {sheet.header.labels[name] for name in self.phone_fields if name in columns}
        errors = defaultdict(lambda: defaultdict(list))
        for e in plan.errors:
            value = _shown(e.value, phone=e.column in phone_labels)
            errors[e.row][e.column].append(f"“{value}”：{e.message}")
        kinds = self.kinds(plan)
        for number, values in sheet.rows:
            shown = [_shown(v, phone=i in phones) for i, v in enumerate(values)]
            shown += [""] * (len(headers) - len(values))
            if number in errors:
                result.append_invalid_row(
                    number,
                    dict(zip(headers, shown, strict=False)),
                    ValidationError({column: m for column, m in errors[number].items()}),
                )
                result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
                continue
            row = RowResult()
            row.import_type = kinds(number)
            row.diff = shown[: len(headers)]
            result.append_row_result(row)
            result.increment_row_result_total(row)


class CadreResource(PlanResource):
    """Cadres upserted by staff number (or mobile), by cadre_import's rules."""

    module = cadre_import
    phone_fields = ("phone",)

    def plan(self, sheet, user):
        return cadre_import.plan_sheet(sheet)

    def kinds(self, plan):
        kinds = {row.number: RowResult.IMPORT_TYPE_NEW for row in plan.create} | {
            row.number: RowResult.IMPORT_TYPE_UPDATE for _cadre, row in plan.update
        }
        return lambda number: kinds.get(number, RowResult.IMPORT_TYPE_SKIP)


class PairingResource(PlanResource):
    """Pairings made within the importing user's jurisdiction, by pairing_import's rules; each
    row names its campaign."""

    module = pairing_import

    def plan(self, sheet, user):
        return pairing_import.plan_sheet(sheet, actor=user)

    def kinds(self, plan):
        """A valid row is either already paired alike (unchanged) or a new pairing."""
        unchanged = set(plan.unchanged_rows)
        return lambda number: (
            RowResult.IMPORT_TYPE_SKIP if number in unchanged else RowResult.IMPORT_TYPE_NEW
        )
