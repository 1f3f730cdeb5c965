"""Signing in and out, and the landing page that sends each user to their role's home."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.forms import LoginForm
from accounts.roles import HOME_ORDER, Role

# Each role's home page, by URL name.
ROLE_HOME = {
    Role.CADRE: "cadre_home",
    Role.HANDLER: "handler_home",
    Role.ORGANISER: "organiser_home",
    Role.LEADER: "leader_home",
    Role.ADMIN: "admin_home",
    Role.SECURITY_ADMIN: "security_users",
    Role.AUDITOR: "audit_list",
}


def role_homes(user) -> list[tuple[str, str, str]]:
    """(role, label, url) of each of the user's roles, in HOME_ORDER."""
    return [
        (role.value, role.label, reverse(ROLE_HOME[role]))
        for role in HOME_ORDER
        if role in user.roles
    ]


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    homes = role_homes(request.user)
    if not homes:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(homes[0][2])
