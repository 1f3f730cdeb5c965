"""Confirming an import is the uploader's act (issue 21): only the uploader confirms or cancels
their import; another system admin may cancel, never confirm, one left unconfirmed for more than
24 hours. Both acts are audited. For the roster's, the cadres' and the pairings' imports."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, OrgUnit
from enterprises.models import Enterprise, RosterImport
from pairing.models import Pairing, PeopleImport
from tests import factories as f
from tests.helpers import sign_in
from tests.test_roster_import_pages import upload

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(hours=24)
CONFIRM = '<button type="submit" class="button primary">确认导入</button>'
CANCEL = '<button type="submit" class="button">取消这份导入</button>'


@pytest.fixture(autouse=True)
def embedded(settings):
    settings.REDIS_URL = ""  # the roster's write job runs inline


def signed_in(user) -> Client:
    return sign_in(Client(), user)


def roster_import(uploader, *, age=datetime.timedelta(0), status=RosterImport.Status.PLANNED):
    record = RosterImport.objects.create(
        uploaded_by=uploader, filename="名录.xlsx", file="imports/x.xlsx", status=status
    )
    RosterImport.objects.filter(pk=record.pk).update(uploaded_at=timezone.now() - age)
    return RosterImport.objects.get(pk=record.pk)


def people_import(uploader, kind, *, age=datetime.timedelta(0)):
    record = PeopleImport.objects.create(
        kind=kind,
        uploaded_by=uploader,
        filename="表.xlsx",
        file="imports/y.xlsx",
        status=RosterImport.Status.PLANNED,
    )
    PeopleImport.objects.filter(pk=record.pk).update(uploaded_at=timezone.now() - age)
    return PeopleImport.objects.get(pk=record.pk)


@pytest.fixture
def admins():
    return f.make_user("admin", is_staff=True), f.make_user("admin", is_staff=True)


KINDS = [
    ("roster_import", lambda uploader, **kw: roster_import(uploader, **kw)),
    ("cadre_import", lambda uploader, **kw: people_import(uploader, "cadres", **kw)),
]


@pytest.mark.parametrize("url,make", KINDS, ids=["roster", "cadres"])
def test_another_admin_may_not_confirm_and_cancels_only_after_24_hours(admins, url, make):
    uploader, other = admins
    record = make(uploader, age=DAY - datetime.timedelta(minutes=5))
    client = signed_in(other)
    page = client.get(reverse(f"{url}_detail", args=[record.pk])).content.decode()
    assert CONFIRM not in page and "只有上传人" in page and CANCEL not in page

    client.post(reverse(f"{url}_commit", args=[record.pk]))
    client.post(reverse(f"{url}_cancel", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.PLANNED  # neither confirmed nor cancelled

    type(record).objects.filter(pk=record.pk).update(uploaded_at=timezone.now() - DAY)
    page = client.get(reverse(f"{url}_detail", args=[record.pk])).content.decode()
    assert CANCEL in page and CONFIRM not in page
    client.post(reverse(f"{url}_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.PLANNED  # never confirmed by another
    response = client.post(reverse(f"{url}_cancel", args=[record.pk]), follow=True)
    record.refresh_from_db()
    assert record.status == RosterImport.Status.CANCELLED
    assert "已取消这份导入" in response.content.decode()
    entry = AuditEntry.objects.get(action=f"{url}_cancel")
    assert entry.user == other and entry.changes["uploaded_by"] == uploader.pk
    assert entry.changes["status"] == ["planned", "cancelled"]


@pytest.mark.parametrize("url,make", KINDS, ids=["roster", "cadres"])
def test_the_uploader_cancels_at_once(admins, url, make):
    uploader, _other = admins
    record = make(uploader)
    signed_in(uploader).post(reverse(f"{url}_cancel", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.CANCELLED
    assert AuditEntry.objects.filter(action=f"{url}_cancel", user=uploader).count() == 1


def test_the_uploader_confirms_the_roster_and_it_is_audited(
    admins, django_capture_on_commit_callbacks
):
    uploader, _other = admins
    town = f.make_unit(name="云溪镇", kind=OrgUnit.Kind.TOWN)
    client = signed_in(uploader)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, [["甲机械有限公司", f.make_uscc(1), town.name]])
    record = RosterImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster_import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.COMMITTED and Enterprise.objects.count() == 1
    assert AuditEntry.objects.get(action="roster_import_confirm").user == uploader


def test_a_pairing_import_is_confirmed_or_cancelled_by_its_uploader_only():
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="E")
    uploader = f.make_user("organiser", jurisdiction_unit=east)
    other = f.make_user("organiser", jurisdiction_unit=east)
    record = people_import(uploader, "pairings", age=2 * DAY)
    client = signed_in(other)
    for step in ("commit", "cancel"):
        response = client.post(reverse(f"pairing_import_{step}", args=[record.pk]))
        assert response.status_code == 404  # another organiser's import is not theirs to see
    signed_in(uploader).post(reverse("pairing_import_cancel", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.CANCELLED and Pairing.objects.count() == 0
    assert AuditEntry.objects.get(action="pairing_import_cancel").user == uploader
