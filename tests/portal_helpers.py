"""Shared by the portal's tests: a firm with a contact mobile, its cadre, and reading the code
the console/file SMS backend wrote."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse

from accounts.models import OrgUnit
from tests import factories as f

MOBILE = "13812345678"


def portal_world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    town = f.make_unit(parent=county, code="E1")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D")
    firm = f.make_enterprise(town=town, contact_phone=MOBILE, contact_name="王经理")
    other = f.make_enterprise(town=town, contact_phone="13900009999")
    cadre = f.make_cadre(
        user=f.make_user("cadre", home_unit=town, phone="13700001111", display_name="李干部")
    )
    campaign = f.make_campaign(scope_unit=city)
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign)
    return {
        "firm": firm,
        "other": other,
        "cadre": cadre.user,
        "dept": dept,
        "organiser": f.make_user("organiser", jurisdiction_unit=county),
        "handler": f.make_user("handler", home_unit=dept, display_name="赵承办"),
        "campaign": campaign,
    }


def last_code(sms_file: Path, phone: str = MOBILE) -> str:
    lines = [line for line in sms_file.read_text("utf-8").splitlines() if f"\t{phone}\t" in line]
    return re.search(r"验证码：(\d{6})", lines[-1]).group(1)


def portal_sign_in(client: Client, firm, sms_file: Path, **extra) -> Client:
    response = client.post(reverse("portal_login"), {"uscc": firm.uscc}, **extra)
    assert response.status_code == 302, response.content.decode()[:2000]
    code = last_code(sms_file, firm.contact_phone)
    response = client.post(reverse("portal_verify"), {"code": code}, **extra)
    assert response.status_code == 302 and response["Location"] == reverse("portal_home")
    return client


def run_jobs_at_once(monkeypatch) -> None:
    """Jobs queued after commit run at once, in this process: a test's transaction never
    commits, and the tests read what the job wrote (a run with REDIS_URL would queue it for a
    worker that is not there)."""
    from pairing import queue

    monkeypatch.setattr(queue, "is_embedded", lambda: True)
    monkeypatch.setattr(queue.transaction, "on_commit", lambda send, robust=False: send())
