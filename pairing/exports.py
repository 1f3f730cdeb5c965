"""The organiser's cadre and pairing lists as spreadsheets that import back: the columns and
headers of the cadre and pairing import templates (cadre_import.ALIASES, pairing_import.ALIASES),
and values written as those imports read them, in Chinese whatever the page's language.

Phone numbers are masked unless the user holds the full-PII permission; a masked sheet says so in
a line above its header, and the cadre import leaves a masked number as stored (it cannot carry
the number back). Only active pairings are exported: the pairing import matches rows to them.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts.exports import export_list
from accounts.masking import can_see_full_pii, mask_phone
from accounts.models import OrgUnit
from enterprises.spreadsheets.workbooks import template_headers
from pairing import cadre_import, pairing_import

MASKED_NOTE = gettext_lazy(
    "说明：手机号已打码（如 138****1234）。导入本表时，打码的手机号不会修改系统中的号码。"
)


def _unit_label(unit: OrgUnit, shared_names: set[str]) -> str:
    """The unit as the cadre import finds it: its name, or its code where names repeat."""
    return unit.code if unit.name in shared_names else unit.name


def export_cadres(request, cadres, kind: str, *, filters: dict):
    """The cadres of the page (scoped and filtered as it is) as a cadre import sheet."""
    full_pii = can_see_full_pii(request.user)
    shared_names = set(
        OrgUnit.objects.values("name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )

    def row_of(cadre):
        phone = cadre.user.phone
        values = {
            "name": cadre.user.display_name,
            "staff_no": cadre.staff_no,
            "phone": phone if full_pii else mask_phone(phone),
            "unit": _unit_label(cadre.unit, shared_names),
            "post": cadre.post,
            "rank": str(cadre.get_rank_display()),
            "status": str(cadre.get_status_display()),
        }
        return [values[field] for field in cadre_import.ALIASES]

    with translation.override(settings.LANGUAGE_CODE):  # the labels the import reads
        return export_list(
            request,
            kind,
            cadres,
            row_of,
            headers=template_headers(cadre_import.ALIASES, cadre_import.REQUIRED),
            name="cadres",
            title=str(cadre_import.SHEET_TITLE),
            filters=filters,
            full_pii=full_pii,
            note=None if full_pii else str(MASKED_NOTE),
        )


def export_pairings(request, pairings, kind: str, *, filters: dict):
    """The active pairings of the page as a pairing import sheet. It holds no phone numbers."""

    def row_of(pairing):
        values = {
            "uscc": pairing.enterprise.uscc,
            "enterprise": pairing.enterprise.name,
            "staff_no": pairing.cadre.staff_no,
            "role": str(pairing.get_role_display()),
            "campaign": pairing.campaign.name,
            "group": pairing.group.name if pairing.group_id else "",
            "batch": pairing.batch.name if pairing.batch_id else "",
            "start": pairing.start,
        }
        return [values[field] for field in pairing_import.ALIASES]

    with translation.override(settings.LANGUAGE_CODE):
        return export_list(
            request,
            kind,
            pairings,
            row_of,
            headers=template_headers(pairing_import.ALIASES, pairing_import.REQUIRED),
            name="pairings",
            title=str(pairing_import.SHEET_TITLE),
            filters=filters,
            full_pii=False,  # no phone or ID number in it
        )
