"""The Django admin's import screens (django-import-export) for the roster. Every row goes
through the roster import's own parser, `roster_import.parse_row`, so the admin and the import
pages apply one set of rules: the same aliases, folding, lookups and messages."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import fields, resources, widgets

from accounts import audit
from accounts.models import OrgUnit
from enterprises import roster_import
from enterprises.models import Enterprise, Industry, Tag
from enterprises.spreadsheets import reader


class EnterpriseResource(resources.ModelResource):
    town = fields.Field("town", "town", widgets.ForeignKeyWidget(OrgUnit))
    industry = fields.Field("industry", "industry", widgets.ForeignKeyWidget(Industry))
    tags = fields.Field("tags", "tags", widgets.ManyToManyWidget(Tag))

    class Meta:
        model = Enterprise
        import_id_fields = ("uscc",)
        fields = ("uscc", *(f.removesuffix("_id") for f in roster_import.COMPARED), "tags")
        skip_unchanged = True
        report_skipped = True

    def before_import(self, dataset, **kwargs):
        try:
            self.header = reader.find_header(
                [(1, list(dataset.headers))], roster_import.ALIASES, roster_import.REQUIRED
            )
        except reader.UnreadableSheet as exc:
            raise ValidationError(str(exc)) from exc
        self.lookups = roster_import.Lookups()
        # The office's headers (企业名称, 信用代码 …) renamed to the fields they were found to hold,
        # so the resource finds its id field whatever alias the sheet used.
        by_index = {index: name for name, index in self.header.columns.items()}
        dataset.headers = [by_index.get(i, h) for i, h in enumerate(dataset.headers)]
        self.headers = list(dataset.headers)

    def before_import_row(self, row, **kwargs):
        """Parse the office's row by the roster's rules, then hand the resource its fields."""
        number = kwargs.get("row_number", 0) + 1
        errors = []
        _uscc, parsed = roster_import.parse_row(
            number, [row.get(h) for h in self.headers], self.header, self.lookups, errors
        )
        if parsed is None:
            raise ValidationError(
                {NON_FIELD_ERRORS: [f"{e.column}“{e.value}”：{e.message}" for e in errors]}
            )
        enterprise, tags = parsed, parsed.tags
        row.clear()
        row.update(
            {name: getattr(enterprise, name) for name in self._meta.fields if name != "tags"}
        )
        row["town"] = enterprise.town_id
        row["industry"] = enterprise.industry_id or ""
        row["tags"] = ",".join(str(t.pk) for t in tags)

    def after_import(self, dataset, result, **kwargs):
        if not kwargs.get("dry_run"):
            totals = result.totals
            audit.record(
                "import",
                user=kwargs.get("user"),
                changes={
                    "kind": "enterprises",
                    "via": "admin",
                    "created": totals.get("new", 0),
                    "updated": totals.get("update", 0),
                    "unchanged": totals.get("skip", 0),
                },
            )
