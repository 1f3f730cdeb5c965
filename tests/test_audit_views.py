"""The audit trail for its reviewers: the audit admin reads and exports everyone's entries but
their own; the security admin reads the audit admins'; nobody else reads any; exports are
themselves audited and safe to open in Excel."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from accounts import audit
from accounts.middleware import mark_second_factor_ok
from accounts.models import AuditEntry
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    """Log in past the second-factor gate, as a privileged user who entered their code."""
    client.force_login(user)
    session = client.session

    class _Request:
        pass

    request = _Request()
    request.session = session
    mark_second_factor_ok(request)
    session.save()
    return client


@pytest.fixture
def trail():
    auditor = make_user("auditor", username="shenji")
    secadmin = make_user("security_admin", username="anquan")
    cadre = make_user("cadre", username="ganbu")
    audit.record("login", user=cadre)
    audit.record("export", user=cadre, changes={"rows": 3})
    audit.record("login", user=auditor)
    audit.record("login_failed", username="=cmd|' /C calc'!A0", result=AuditEntry.Result.FAILED)
    return {"auditor": auditor, "secadmin": secadmin, "cadre": cadre}


def listed_actions(response):
    return [(e.username, e.action) for e in response.context["page"]]


def test_the_audit_admin_reads_everyone_but_themselves(client, trail):
    response = signed_in(client, trail["auditor"]).get(reverse("audit_list"))
    assert response.status_code == 200
    rows = listed_actions(response)
    assert ("ganbu", "login") in rows and ("ganbu", "export") in rows
    assert all(username != "shenji" for username, _action in rows)


def test_the_security_admin_reads_only_the_audit_admins_entries(client, trail):
    response = signed_in(client, trail["secadmin"]).get(reverse("audit_list"))
    assert listed_actions(response) == [("shenji", "login")]


@pytest.mark.parametrize("role", ["cadre", "handler", "organiser", "leader", "admin"])
def test_other_roles_are_refused_and_the_refusal_is_recorded(client, trail, role):
    user = make_user(role)
    response = signed_in(client, user).get(reverse("audit_list"))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(user=user, action="access_denied").exists()


def test_filters_narrow_the_list(client, trail):
    url = reverse("audit_list") + "?username=ganbu&action=export"
    response = signed_in(client, trail["auditor"]).get(url)
    assert listed_actions(response) == [("ganbu", "export")]


def test_a_reversed_date_range_is_an_error_not_a_crash(client, trail):
    response = signed_in(client, trail["auditor"]).get(
        reverse("audit_list") + "?start=2026-11-02&end=2026-11-01"
    )
    assert response.status_code == 200
    assert "起始日期不能晚于截止日期" in response.content.decode()
    assert listed_actions(response) == []


def test_xlsx_export_escapes_formulas_and_is_recorded(client, trail):
    response = signed_in(client, trail["auditor"]).get(reverse("audit_list") + "?export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    usernames = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=cmd|' /C calc'!A0" in usernames
    assert not any(isinstance(u, str) and u.startswith("=") for u in usernames)
    assert AuditEntry.objects.filter(user=trail["auditor"], action="audit_export").exists()


def test_csv_export_has_a_bom_for_excel_and_escapes_formulas(client, trail):
    response = signed_in(client, trail["auditor"]).get(reverse("audit_list") + "?export=csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][1] == "登录名"
    assert [r[1] for r in rows[1:] if "calc" in r[1]] == ["'=cmd|' /C calc'!A0"]
