"""三权分立: three administrator accounts created by create_admins, never combined with another
role; createsuperuser disabled; the deploy check refuses active superusers."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_create_admins_makes_three_separate_accounts_that_must_change_password():
    out = io.StringIO()
    call_command("create_admins", stdout=out)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["admin1", "security_admin1", "auditor1"])
    }
    assert set(users) == {"admin1", "security_admin1", "auditor1"}
    assert {u.username: sorted(u.roles) for u in users.values()} == {
        "admin1": ["admin"],
        "security_admin1": ["security_admin"],
        "auditor1": ["auditor"],
    }
    assert all(u.must_change_password and not u.is_superuser for u in users.values())
    assert [u.username for u in users.values() if u.is_staff] == ["admin1"]
    # The printed temporary password logs in.
    line = next(line for line in out.getvalue().splitlines() if line.startswith("审计管理员"))
    assert users["auditor1"].check_password(line.split("临时密码 ")[1])


def test_create_admins_refuses_taken_names_and_creates_nothing(f):
    f.make_user(username="auditor1")
    with pytest.raises(CommandError, match="auditor1"):
        call_command("create_admins", stdout=io.StringIO())
    assert not User.objects.filter(username__in=["admin1", "security_admin1"]).exists()


def test_createsuperuser_is_disabled():
    with pytest.raises(CommandError, match="create_admins"):
        call_command("createsuperuser", "--noinput", username="root", email="r@example.com")
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("admin", "auditor"),
        ("auditor", "security_admin"),
        ("admin", "cadre"),
        ("leader", "auditor"),
    ],
)
def test_an_administrator_role_is_never_combined_with_another(f, first, second):
    user = f.make_user(first)
    group = Group.objects.get_or_create(name=second)[0]
    with pytest.raises(ValidationError, match="不能与其他角色兼任"), transaction.atomic():
        user.groups.add(group)
    with pytest.raises(ValidationError), transaction.atomic():
        group.user_set.add(user)
    assert sorted(User.objects.get(pk=user.pk).groups.values_list("name", flat=True)) == [first]


def test_business_roles_combine_freely(f):
    user = f.make_user("cadre")
    user.groups.add(Group.objects.get_or_create(name="handler")[0])
    assert set(User.objects.get(pk=user.pk).roles) == {"cadre", "handler"}


def test_deploy_check_refuses_an_active_superuser(f):
    def errors():
        messages = run_checks(include_deployment_checks=True, databases=["default"])
        return [m.id for m in messages if m.id == "accounts.E001"]

    assert errors() == []
    root = f.make_user(username="root", is_superuser=True, is_staff=True)
    assert errors() == ["accounts.E001"]
    root.is_active = False
    root.save()
    assert errors() == []
