"""The security administrator sets roles and jurisdictions, never their own; the system
administrator cannot; every change is recorded."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit, TOTPDevice, User
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def secadmin(client):
    user = f.make_user("security_admin", username="anquan")
    sign_in(client, user)
    return user


def roles_of(user):
    return sorted(User.objects.get(pk=user.pk).roles)


def test_the_user_list_shows_roles_and_searches(client, secadmin):
    f.make_user("leader", username="lingdao", display_name="林卫东")
    f.make_user("cadre", username="ganbu")
    response = client.get(reverse("security_users") + "?q=林卫")
    assert [u.username for u, _roles, _otp in response.context["rows"]] == ["lingdao"]
    assert "领导" in response.content.decode()


def test_setting_roles_and_jurisdiction_is_saved_and_recorded(client, secadmin):
    person = f.make_user("cadre")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY)
    response = client.post(
        reverse("security_user_roles", args=[person.pk]),
        {"roles": ["cadre", "leader"], "jurisdiction_unit": county.pk},
    )
    assert response.status_code == 302
    assert roles_of(person) == ["cadre", "leader"]
    assert User.objects.get(pk=person.pk).jurisdiction_unit == county
    entry = AuditEntry.objects.get(action="role_change")
    assert entry.user == secadmin and entry.object_id == str(person.pk)
    assert entry.changes["before"] == ["cadre"] and entry.changes["after"] == ["cadre", "leader"]


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        (["admin", "cadre"], "不能与其他角色兼任"),
        (["auditor", "security_admin"], "不能与其他角色兼任"),
        (["leader"], "须设置管辖范围"),
        (["bogus"], "bogus"),
    ],
)
def test_bad_role_sets_are_refused_and_change_nothing(client, secadmin, roles, message):
    person = f.make_user("cadre")
    response = client.post(reverse("security_user_roles", args=[person.pk]), {"roles": roles})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert roles_of(person) == ["cadre"]
    assert not AuditEntry.objects.filter(action="role_change").exists()


def test_nobody_changes_their_own_roles(client, secadmin):
    response = client.post(reverse("security_user_roles", args=[secadmin.pk]), {"roles": []})
    assert "不能修改自己的角色" in response.content.decode()
    assert roles_of(secadmin) == ["security_admin"]


def test_granting_the_admin_role_gives_admin_site_access_and_removing_it_takes_it(client, secadmin):
    person = f.make_user("cadre")
    client.post(reverse("security_user_roles", args=[person.pk]), {"roles": ["admin"]})
    assert User.objects.get(pk=person.pk).is_staff
    client.post(reverse("security_user_roles", args=[person.pk]), {"roles": ["cadre"]})
    assert not User.objects.get(pk=person.pk).is_staff


def test_resetting_a_second_factor_makes_the_user_enrol_again(client, secadmin):
    auditor = f.make_user("auditor")
    TOTPDevice.objects.create(user=auditor, secret="JBSWY3DPEHPK3PXP")
    response = client.post(reverse("security_user_reset_otp", args=[auditor.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    assert AuditEntry.objects.filter(action="otp_reset", object_id=str(auditor.pk)).exists()
    assert client.get(reverse("security_user_reset_otp", args=[auditor.pk])).status_code == 405


def test_the_system_admin_cannot_set_roles_anywhere(client):
    admin_user = f.make_user("admin", is_staff=True)
    person = f.make_user("cadre")
    sign_in(client, admin_user)
    assert client.get(reverse("security_users")).status_code == 403
    page = client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    assert 'name="groups"' not in page and 'name="jurisdiction_unit"' not in page
