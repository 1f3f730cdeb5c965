"""The enterprise lists as spreadsheets: the roster's, and the campaign's uncovered firms."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accounts.exports import export_list
from accounts.masking import can_see_full_pii, mask_phone

EXPORT_HEADERS = [
    gettext_lazy("企业名称"),
    gettext_lazy("统一社会信用代码"),
    gettext_lazy("所属镇街"),
    gettext_lazy("行业"),
    gettext_lazy("标签"),
    gettext_lazy("规模"),
    gettext_lazy("年产值（万元）"),
    gettext_lazy("从业人数"),
    gettext_lazy("生产状态"),
    gettext_lazy("法定代表人"),
    gettext_lazy("联系人"),
    gettext_lazy("联系电话"),
]


def export_enterprises(request, enterprises, kind: str, *, name: str, title: str, filters: dict):
    """A list of enterprises (scoped and filtered as its page is) as a spreadsheet, phones masked
    without the full-PII permission; audited and formula-escaped by export_list. The roster's
    export and the campaign's uncovered firms share it. `enterprises` should carry their town,
    industry and tags (select_related, prefetch_related)."""
    full_pii = can_see_full_pii(request.user)

    def row_of(e):
        return [
            e.name,
            e.uscc,
            e.town.name,
            str(e.industry or ""),
            "、".join(t.name for t in e.tags.all()),
            e.get_scale_display(),
            e.annual_output,
            e.employees,
            e.get_production_status_display(),
            e.legal_representative,
            e.contact_name,
            e.contact_phone if full_pii else mask_phone(e.contact_phone),
        ]

    return export_list(
        request,
        kind,
        enterprises,
        row_of,
        headers=EXPORT_HEADERS,
        name=name,
        title=title,
        filters=filters,
        full_pii=full_pii,
    )
