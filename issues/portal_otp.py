"""The firm portal's sign-in: the firm's credit code, then a one-time code sent by SMS to a mobile
number on the firm's file. No passwords for firms.

A code has 6 digits, lives PORTAL_CODE_SECONDS (5 minutes), allows PORTAL_CODE_TRIES (5) tries
and is used once: a code entered again after signing in is refused. Only the firm's latest code
counts. Sends are limited per number (one a minute, PORTAL_CODES_PER_PHONE_HOUR an hour) and per
client address (PORTAL_CODES_PER_IP_HOUR an hour); wrong codes from one address lock its sign-ins
as wrong passwords do (accounts.lockout's window and threshold). Every send, refusal, failure and
sign-in is in the audit trail, as the firm ("firm:<credit code>") from the client's address.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, lockout
from accounts.masking import mask_phone
from accounts.models import AuditEntry
from enterprises.firm_accounts import account_for
from enterprises.models import Enterprise, FirmAccount, PortalCode
from enterprises.uscc import is_valid_uscc, normalise
from issues import channels
from pairing import queue

MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
SENT, REFUSED, FAILED, SIGNED_IN = (
    "portal_code_sent",
    "portal_code_refused",
    "portal_code_failed",
    "portal_login",
)
HOUR = datetime.timedelta(hours=1)


class SignInError(Exception):
    """Why the step was refused, in words for the firm."""


def find_firm(raw_code: str) -> Enterprise:
    code = normalise(raw_code or "")
    if not is_valid_uscc(code):
        raise SignInError(_("请输入正确的18位统一社会信用代码。"))
    firm = Enterprise.objects.filter(uscc=code).first()
    if firm is None:
        raise SignInError(_("平台中没有这家企业，请联系所在镇街或联企干部登记。"))
    return firm


def phones_on_file(enterprise: Enterprise) -> list[str]:
    """The mobile numbers on the firm's file that can receive a code (the contact's phone)."""
    compact = re.sub(r"[\s-]", "", enterprise.contact_phone or "")
    match = MOBILE.fullmatch(compact)
    return [match.group(1)] if match else []


def phone_digest(phone: str) -> str:
    """A keyed hash of a number, to count its codes without keeping it in clear."""
    key = hashlib.sha256(("portal-phone:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, phone.encode(), hashlib.sha256).hexdigest()


def _who(enterprise: Enterprise) -> str:
    return f"firm:{enterprise.uscc}"


def _refuse(enterprise, request, reason: str, message: str, action: str = REFUSED):
    audit.record(
        action,
        request=request,
        obj=enterprise,
        username=_who(enterprise),
        result=AuditEntry.Result.DENIED,
        changes={"reason": reason},
    )
    return SignInError(message)


def send_code(enterprise: Enterprise, *, request, now: datetime.datetime | None = None) -> str:
    """Send a new code to the firm's mobile; returns the number masked (138****1234). Raises
    SignInError when the firm has no mobile on file or a limit is reached (recorded)."""
    now = now or timezone.now()
    ip = audit.client_ip(request)
    phones = phones_on_file(enterprise)
    error = None
    with transaction.atomic():
        # One send at a time per firm, so two quick clicks cannot both pass the limits.
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        if not phones:
            error = _refuse(
                enterprise,
                request,
                "no_phone",
                _("企业档案中没有可接收短信的手机号，请联系所在镇街或联企干部更新联系电话。"),
            )
        else:
            phone = phones[0]
            digest = phone_digest(phone)
            to_phone = PortalCode.objects.filter(phone_digest=digest, created_at__gt=now - HOUR)
            last = to_phone.order_by("-created_at").values_list("created_at", flat=True).first()
            wait = settings.PORTAL_CODE_RESEND_SECONDS
            if last and (now - last).total_seconds() < wait:
                left = wait - int((now - last).total_seconds())
                error = _refuse(
                    enterprise,
                    request,
                    "resend",
                    _("验证码已发送，请 %(n)s 秒后再重新获取。") % {"n": left},
                )
            elif to_phone.count() >= settings.PORTAL_CODES_PER_PHONE_HOUR:
                error = _refuse(
                    enterprise,
                    request,
                    "phone_limit",
                    _("该手机号一小时内获取验证码次数过多，请稍后再试。"),
                )
            elif (
                ip
                and PortalCode.objects.filter(ip=ip, created_at__gt=now - HOUR).count()
                >= settings.PORTAL_CODES_PER_IP_HOUR
            ):
                error = _refuse(
                    enterprise, request, "ip_limit", _("本网络获取验证码次数过多，请稍后再试。")
                )
            else:
                row = PortalCode.objects.create(
                    enterprise=enterprise,
                    phone=phone,
                    phone_digest=digest,
                    code=f"{secrets.randbelow(10**6):06d}",
                    ip=ip,
                    created_at=now,
                    expires_at=now + datetime.timedelta(seconds=settings.PORTAL_CODE_SECONDS),
                )
                audit.record(
                    SENT,
                    request=request,
                    obj=enterprise,
                    username=_who(enterprise),
                    changes={"phone": mask_phone(phone)},
                )
                queue.enqueue(text_code, row.pk)
    if error:
        raise error
    return mask_phone(phones[0])


def text_code(code_id: int) -> None:
    """The job: text the code (loaded by id: no code or number in the job's arguments)."""
    row = PortalCode.objects.filter(pk=code_id, used_at__isnull=True).first()
    if row is None:
        return
    minutes = settings.PORTAL_CODE_SECONDS // 60
    text = _("【%(sign)s】企业服务入口登录验证码：%(code)s，%(n)s分钟内有效，请勿告诉他人。") % {
        "sign": settings.SMS_SIGNATURE,
        "code": row.code,
        "n": minutes,
    }
    channels.sms_backend().send(row.phone, text)


def verify(
    enterprise: Enterprise, code: str, *, request, now: datetime.datetime | None = None
) -> FirmAccount:
    """The firm's account when `code` is its latest code, unused, unexpired and within its tries;
    otherwise SignInError (recorded). A try past the limit is refused even with the right code."""
    now = now or timezone.now()
    code = (code or "").strip()
    error = None
    with transaction.atomic():
        if lockout.is_ip_locked(audit.client_ip(request), now) or _ip_failures(request, now):
            error = _refuse(
                enterprise, request, "ip_locked", _("本网络验证失败次数过多，请 10 分钟后再试。")
            )
        else:
            row = (
                PortalCode.objects.select_for_update()
                .filter(enterprise=enterprise)
                .order_by("-created_at", "-pk")
                .first()
            )
            if row is None or row.used_at is not None:
                error = _refuse(
                    enterprise,
                    request,
                    "used" if row else "none",
                    _("验证码无效或已使用，请重新获取。"),
                    FAILED,
                )
            elif row.expires_at <= now:
                error = _refuse(
                    enterprise, request, "expired", _("验证码已过期，请重新获取。"), FAILED
                )
            elif row.attempts >= settings.PORTAL_CODE_TRIES:
                error = _refuse(
                    enterprise,
                    request,
                    "tries",
                    _("验证码错误次数过多，请重新获取。"),
                    FAILED,
                )
            else:
                row.attempts += 1
                if not hmac.compare_digest(row.code.encode(), code.encode()):
                    row.save(update_fields=["attempts"])
                    left = settings.PORTAL_CODE_TRIES - row.attempts
                    error = _refuse(
                        enterprise,
                        request,
                        "wrong",
                        _("验证码不正确，还可以再试 %(n)s 次。") % {"n": left}
                        if left
                        else _("验证码错误次数过多，请重新获取。"),
                        FAILED,
                    )
                else:
                    row.used_at = now
                    row.save(update_fields=["attempts", "used_at"])
                    account = account_for(enterprise)
                    FirmAccount.objects.filter(pk=account.pk).update(last_signed_in=now)
                    audit.record(
                        SIGNED_IN,
                        request=request,
                        obj=enterprise,
                        username=_who(enterprise),
                        changes={"phone": mask_phone(row.phone)},
                    )
    if error:
        raise error
    return account


def _ip_failures(request, now) -> bool:
    """Wrong portal codes from the client's address in lockout's window, at its threshold."""
    ip = audit.client_ip(request)
    if not ip:
        return False
    failed = AuditEntry.objects.filter(
        ip=ip, action=FAILED, at__gte=now - lockout.WINDOW, at__lte=now
    )
    return failed.count() >= lockout.MAX_IP_FAILURES
