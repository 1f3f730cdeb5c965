"""The login gates: second factor (enrol and verify a TOTP app) and the forced password change."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit, totp
from accounts.middleware import mark_second_factor_ok, needs_second_factor
from accounts.models import AuditEntry, TOTPDevice, User

ISSUER = "干部联企服务平台"
MAX_OTP_FAILURES = 5
OTP_FAILURES_KEY = "pairing_otp_failures"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("动态口令"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _accept_code(device: TOTPDevice, code: str) -> bool:
    """Check a code against the device under a row lock, so one code is never accepted twice."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        step = totp.matching_step(locked.secret, code, after_step=locked.last_used_step)
        if step is None:
            return False
        locked.last_used_step = step
        if locked.confirmed_at is None:
            locked.confirmed_at = timezone.now()
        locked.save(update_fields=["last_used_step", "confirmed_at"])
        return True


def _after_code(request, device: TOTPDevice, form: CodeForm, action: str):
    """Shared by setup and verify: accept and move on, or count the failure (5 end the session)."""
    if _accept_code(device, form.cleaned_data["code"]):
        request.session.pop(OTP_FAILURES_KEY, None)
        mark_second_factor_ok(request)
        audit.record(action, request=request, obj=request.user)
        return redirect("home")
    failures = request.session.get(OTP_FAILURES_KEY, 0) + 1
    request.session[OTP_FAILURES_KEY] = failures
    audit.record("otp_failed", request=request, result=AuditEntry.Result.FAILED)
    if failures >= MAX_OTP_FAILURES:
        logout(request)
        messages.error(request, _("动态口令错误次数过多，请重新登录。"))
        return redirect("login")
    form.add_error("code", _("动态口令不正确或已使用，请输入手机上显示的最新口令。"))
    return None


@login_required
def otp_setup(request):
    """Enrol an authenticator app: show the secret as a QR code, confirm with a first code."""
    user: User = request.user
    if not needs_second_factor(user):
        return redirect("home")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": totp.new_secret()}
    )
    if device.confirmed_at is not None:
        return redirect("otp_verify")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        response = _after_code(request, device, form, "otp_enrolled")
        if response is not None:
            return response
    uri = totp.provisioning_uri(device.secret, user.get_username(), ISSUER)
    context = {
        "form": form,
        "secret": device.secret,
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
def otp_verify(request):
    user: User = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return redirect("otp_setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        response = _after_code(request, device, form, "otp_verified")
        if response is not None:
            return response
    return render(request, "accounts/otp_verify.html", {"form": form})


class ForcedPasswordChangeView(PasswordChangeView):
    """Django's password change, which also clears the first-login flag and is audited."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        with transaction.atomic():
            user = form.save()
            User.objects.filter(pk=user.pk).update(must_change_password=False)
            audit.record("password_changed", request=self.request, user=user, obj=user)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("密码已修改。"))
        return redirect(self.get_success_url())
