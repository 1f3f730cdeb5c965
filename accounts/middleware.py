"""Session rules of MLPS 2.0 level 3 that Django does not enforce by itself.

The idle timeout is Django's own: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST, checked
against the session row's expiry on the server. This middleware adds the absolute cap: a session
ends a fixed time after login, however active it is.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

AUTH_AT_KEY = "pairing_auth_at"


def mark_login(request) -> None:
    """Called at login: the absolute cap counts from here."""
    request.session[AUTH_AT_KEY] = int(time.time())


class SessionCapMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(AUTH_AT_KEY)
            if started is None or time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("登录已超过最长时限，请重新登录。"))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)
