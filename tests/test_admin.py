"""The Django admin: every model registered and usable by the system admin, closed to all others."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "enterprises", "pairing", "issues", "reports"}


def test_every_model_of_our_apps_is_registered():
    models = [
        m for m in apps.get_models() if m._meta.app_label in OUR_APPS and not m._meta.auto_created
    ]
    missing = [m._meta.label for m in models if not admin.site.is_registered(m)]
    assert missing == []


def test_the_system_admin_opens_every_page_their_permissions_allow(f, client, rf):
    user = f.make_user("admin", is_staff=True)
    sign_in(client, user)
    f.make_ticket()
    f.make_pairing()
    request = rf.get("/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label not in OUR_APPS:
            continue
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        allowed = 200 if model_admin.has_view_permission(request) else 403
        assert changelist.status_code == allowed, opts.label
        add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert add.status_code == (200 if model_admin.has_add_permission(request) else 403), (
            opts.label
        )


def test_the_system_admin_manages_accounts_but_cannot_read_the_audit_trail(f, client):
    sign_in(client, f.make_user("admin", is_staff=True))
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:issues_ticket_add")).status_code == 403


@pytest.mark.parametrize(
    "model", ["pairing_visit", "issues_ticket", "issues_ticketevent", "issues_meeting"]
)
def test_the_system_admin_sees_no_visits_tickets_or_meetings_in_the_admin(f, client, model):
    sign_in(client, f.make_user("admin", is_staff=True))
    f.make_ticket()
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert f"/admin/{model.replace('_', '/', 1)}/" not in index


@pytest.mark.parametrize(
    "role", ["cadre", "handler", "organiser", "leader", "security_admin", "auditor"]
)
def test_other_roles_cannot_enter_the_admin_or_the_job_dashboard(f, client, role):
    sign_in(client, f.make_user(role, is_staff=True))
    for url in [reverse("admin:index"), reverse("django_rq:home")]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_the_system_admin_sees_the_job_dashboard(f, client):
    sign_in(client, f.make_user("admin", is_staff=True))
    assert client.get(reverse("django_rq:home")).status_code == 200


@pytest.mark.parametrize("model", ["enterprises.enterprise", "pairing.pairing"])
def test_big_changelists_run_a_bounded_number_of_queries(
    f, client, django_assert_max_num_queries, model
):
    sign_in(client, f.make_user("admin", is_staff=True))
    for _ in range(15):
        f.make_pairing()
    app_label, model_name = model.split(".")
    with django_assert_max_num_queries(12):
        response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200


def test_phones_are_masked_in_the_admin_unless_the_admin_may_see_them_and_then_recorded(f, client):
    from django.contrib.auth.models import Permission

    from accounts.models import AuditEntry

    admin_user = f.make_user("admin", is_staff=True)
    person = f.make_user("cadre", phone="13912345678")
    sign_in(client, admin_user)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    html = client.get(url).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    assert not AuditEntry.objects.filter(action="pii_view").exists()
    admin_user.user_permissions.add(Permission.objects.get(codename="view_full_pii"))
    html = client.get(url).content.decode()
    assert "13912345678" in html
    entry = AuditEntry.objects.get(action="pii_view")
    assert (entry.user, entry.object_id) == (admin_user, str(person.pk))


def test_admin_changes_are_audited(f, client):
    from accounts.models import AuditEntry

    admin_user = f.make_user("admin", is_staff=True)
    unit = f.make_unit(name="旧名称")
    sign_in(client, admin_user)
    client.post(
        reverse("admin:accounts_orgunit_change", args=[unit.pk]),
        {"kind": unit.kind, "code": unit.code, "name": "新名称", "parent": ""},
    )
    change = AuditEntry.objects.get(action="admin_change")
    assert (change.user, change.object_id) == (admin_user, str(unit.pk))
    client.post(reverse("admin:accounts_orgunit_delete", args=[unit.pk]), {"post": "yes"})
    assert AuditEntry.objects.filter(action="admin_delete", object_id=str(unit.pk)).exists()
