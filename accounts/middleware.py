"""Session and login rules of MLPS 2.0 level 3 that Django does not enforce by itself.

The idle timeout is Django's own: SESSION_COOKIE_AGE, checked against the session's expiry on the
server, moved on by SessionTouchMiddleware at most once a SESSION_TOUCH_SECONDS.
SessionCapMiddleware adds the absolute cap; the SecurityGateMiddleware holds a signed-in user at
the second factor and at a due password change.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import PRIVILEGED

AUTH_AT_KEY = "pairing_auth_at"
TOUCHED_KEY = "pairing_touched_at"
OTP_OK_KEY = "pairing_otp_ok"

# Pages a held user may still reach: the gates themselves, logging out, the language switch.
GATE_EXEMPT_URL_NAMES = frozenset(
    {"logout", "password_change", "otp_verify", "otp_setup", "set_language"}
)


def mark_login(request) -> None:
    """Called at login: the absolute cap counts from here, and the second factor is still due."""
    request.session[AUTH_AT_KEY] = int(time.time())
    request.session.pop(OTP_OK_KEY, None)


def mark_second_factor_ok(request) -> None:
    request.session[OTP_OK_KEY] = True


def needs_second_factor(user) -> bool:
    return bool(PRIVILEGED & user.roles)


def fully_signed_in(request) -> bool:
    """Signed in and past the gates (the second factor, a password due for change): only then
    does the page offer the menu and the bell, which the gates would refuse anyway."""
    user = request.user
    if not user.is_authenticated:
        return False
    if needs_second_factor(user) and not request.session.get(OTP_OK_KEY):
        return False
    return not password_change_due(user)


def password_change_due(user) -> bool:
    """At first login (or after a reset), and once the password is older than the maximum age."""
    if user.must_change_password:
        return True
    changed = user.password_changed_at or user.date_joined
    max_age = datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    return changed is not None and timezone.now() - changed > max_age


class SessionTouchMiddleware:
    """Moves a session's idle expiry on without writing it on every request: it is saved (and its
    expiry set to now + SESSION_COOKIE_AGE) when the view changed it anyway, or when the last write
    is SESSION_TOUCH_SECONDS old. The idle limit is then kept to within that many seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A request without a session cookie has no key: nothing to load or keep alive.
        if session is not None and session.session_key and session.keys():
            now = int(time.time())
            stale = now - session.get(TOUCHED_KEY, 0) >= settings.SESSION_TOUCH_SECONDS
            if stale or session.modified:
                session[TOUCHED_KEY] = now
        return response


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


class SecurityGateMiddleware:
    """Privileged roles give a TOTP code before anything else; everyone changes a due password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in GATE_EXEMPT_URL_NAMES:
            return None
        if needs_second_factor(user) and not request.session.get(OTP_OK_KEY):
            device = getattr(user, "totp_device", None)
            confirmed = device is not None and device.confirmed_at is not None
            return redirect("otp_verify" if confirmed else "otp_setup")
        if password_change_due(user):
            messages.warning(request, _("请先修改密码：首次登录或密码已超过有效期。"))
            return redirect("password_change")
        return None


class LanguageMiddleware:
    """Simplified Chinese unless the user chose otherwise with the language switch (its cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the product speaks
    Chinese by default, and English only on request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
