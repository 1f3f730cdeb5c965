"""A firm's file through the API: what the roster page shows, personal data masked."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from accounts.api_clients import Scope
from accounts.masking import mask_phone
from enterprises.models import Enterprise
from enterprises.uscc import normalise
from pairing.api import ERRORS, require_scope

router = Router(tags=["enterprises"])


class Town(Schema):
    code: str
    name: str


class FirmFile(Schema):
    credit_code: str
    name: str
    kind: str
    town: Town
    industry: str | None
    tags: list[str]
    scale: str
    production_status: str
    employees: int | None
    annual_output: float | None
    legal_representative: str
    contact_name: str
    contact_phone: str
    address: str
    founded: datetime.date | None


@router.get(
    "/{credit_code}", response={200: FirmFile, **ERRORS}, summary="企业档案（个人信息脱敏）"
)
def enterprise_file(request, credit_code: str):
    """Phone numbers are masked (138****1234) whatever the client's scope."""
    require_scope(request, Scope.ENTERPRISES_READ)
    firm = get_object_or_404(
        Enterprise.objects.visible_to(request.user)
        .select_related("town", "industry")
        .prefetch_related("tags"),
        uscc=normalise(credit_code)[:18],
    )
    return {
        "credit_code": firm.uscc,
        "name": firm.name,
        "kind": firm.kind,
        "town": {"code": firm.town.code, "name": firm.town.name},
        "industry": str(firm.industry) if firm.industry_id else None,
        "tags": [t.name for t in firm.tags.all()],
        "scale": firm.scale,
        "production_status": firm.production_status,
        "employees": firm.employees,
        "annual_output": float(firm.annual_output) if firm.annual_output is not None else None,
        "legal_representative": firm.legal_representative,
        "contact_name": firm.contact_name,
        "contact_phone": mask_phone(firm.contact_phone),
        "address": firm.address,
        "founded": firm.founded,
    }
