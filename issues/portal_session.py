"""The firm portal's session: who is signed in, kept apart from a cadre's login.

A firm is signed in when the session holds its FirmAccount id (never Django's auth user), so
request.user stays anonymous and every cadre page sends a firm to the login page. A browser with
a cadre signed in is never treated as a firm, and a cadre's login drops any firm sign-in.
"""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

from enterprises.models import FirmAccount

ACCOUNT_KEY = "portal_account"
AT_KEY = "portal_at"
PHONE_KEY = "portal_phone"
PENDING_KEY = "portal_pending_firm"  # the firm whose code was sent, between the two steps
KEYS = (ACCOUNT_KEY, AT_KEY, PHONE_KEY, PENDING_KEY)


def sign_in(request, account: FirmAccount, phone_masked: str) -> None:
    for key in KEYS:
        request.session.pop(key, None)
    request.session.cycle_key()  # a new session id at sign-in (no fixation)
    request.session[ACCOUNT_KEY] = account.pk
    request.session[AT_KEY] = int(time.time())
    request.session[PHONE_KEY] = phone_masked


def sign_out(request) -> None:
    request.session.flush()


def current(request) -> FirmAccount | None:
    """The signed-in firm's account, or None (also for a browser where a cadre is signed in,
    and after the absolute session cap)."""
    if request.user.is_authenticated:
        return None
    pk = request.session.get(ACCOUNT_KEY)
    if not pk:
        return None
    if time.time() - request.session.get(AT_KEY, 0) > settings.SESSION_ABSOLUTE_SECONDS:
        sign_out(request)
        return None
    account = FirmAccount.objects.select_related("enterprise", "user").filter(pk=pk).first()
    if account is not None:
        account.user._firm_enterprise_id = account.enterprise_id
    return account


def firm_required(view):
    """The view runs with request.firm set, or the browser goes to the portal's login."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        account = current(request)
        if account is None:
            login = reverse("portal_login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        request.firm = account
        return view(request, *args, **kwargs)

    return wrapped


@receiver(user_logged_in)
def _drop_firm_on_cadre_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        for key in KEYS:
            request.session.pop(key, None)
