"""API clients: integrating systems (the 12345 hotline, a city's data platform) that call
/api/v1/ with a bearer token.

A token is shown once, at creation, and stored as a lookup prefix plus the SHA-256 of the whole
token: a stolen table yields no usable token, and a look-up reads one indexed row. Each client acts
through its own service user, whose scope is the client's area, so every read goes through the same
`visible_to(user)` QuerySets as a leader of that area (accounts/scoping.py), and every call is
audited under that user's name.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import EncryptedCharField
from accounts.roles import Role

TOKEN_PREFIX = "pk_"
PREFIX_CHARS = 12  # hex characters of the look-up prefix
DEFAULT_LIFETIME = datetime.timedelta(days=365)
# The role a service user acts in: a leader of the client's area reads everything in it.
SERVICE_ROLE = Role.LEADER


class Scope(models.TextChoices):
    TICKETS_WRITE = "tickets:write", _("登记12345转办诉求")
    TICKETS_READ = "tickets:read", _("查询诉求及办理记录")
    ENTERPRISES_READ = "enterprises:read", _("查询企业档案（脱敏）")
    FIGURES_READ = "figures:read", _("查询地区指标")


class WebhookEvent(models.TextChoices):
    ASSIGNED = "ticket.assigned", _("诉求交办")
    RESOLVED = "ticket.resolved", _("诉求办结")
    ESCALATED = "ticket.escalated", _("诉求提级")
    OVERDUE = "ticket.overdue", _("诉求超期")


def _default_expiry():
    return timezone.now() + DEFAULT_LIFETIME


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    name = models.CharField(_("名称"), max_length=100, unique=True)
    area = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("数据范围"), on_delete=models.PROTECT, related_name="+"
    )
    scopes = models.JSONField(_("权限"), default=list)
    # The account the client acts as: raises its tickets, appears in the timeline and the audit
    # trail. It has no password and no groups, so it can never sign in to a page.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务账号"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    prefix = models.CharField(_("令牌前缀"), max_length=PREFIX_CHARS, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField(_("有效期至"), default=_default_expiry)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField(_("每分钟请求上限"), default=120)
    webhook_url = models.URLField(_("回调地址"), blank=True)
    webhook_secret = EncryptedCharField(_("回调签名密钥"), blank=True, editable=False)
    webhook_events = models.JSONField(_("回调事件"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近调用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def _usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    # Not the decorator: mutmut leaves decorated functions unmutated.
    is_usable = property(_usable)

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def acting_user(self):
        """The service user with the client's scope: a leader of the client's area, for this
        object's lifetime (one request)."""
        user = self.user
        user.jurisdiction_unit = self.area
        user.__dict__["roles"] = frozenset({SERVICE_ROLE})
        return user


def new_token() -> tuple[str, str, str]:
    """(token, prefix, hash). The prefix is part of the token, so a look-up needs no scan."""
    prefix = secrets.token_hex(PREFIX_CHARS // 2)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, _hash(token)


def create_client(
    *,
    name: str,
    area,
    scopes: list[str],
    created_by=None,
    expires_at: datetime.datetime | None = None,
    webhook_url: str = "",
    webhook_events: list[str] | None = None,
    rate_per_minute: int = 120,
) -> tuple[ApiClient, str]:
    """Create a client and its service user; returns the client and its token (shown once)."""
    from accounts import audit
    from accounts.models import User

    # A with block rather than the decorator: mutmut leaves decorated functions unmutated.
    with transaction.atomic():
        unknown = set(scopes) - set(Scope.values)
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
        token, prefix, digest = new_token()
        user = User.objects.create(
            username=f"api-{prefix}",
            display_name=str(name)[:50],
            password=make_password(None),  # unusable: a service account never signs in
            jurisdiction_unit=area,
        )
        client = ApiClient.objects.create(
            name=name,
            area=area,
            scopes=sorted(set(scopes)),
            user=user,
            prefix=prefix,
            token_hash=digest,
            expires_at=expires_at or _default_expiry(),
            webhook_url=webhook_url,
            webhook_secret=secrets.token_hex(32) if webhook_url else "",
            webhook_events=sorted(set(webhook_events or [])),
            rate_per_minute=rate_per_minute,
            created_by=created_by,
        )
        audit.record(
            "api_client_create",
            user=created_by,
            obj=client,
            changes={
                "scopes": client.scopes,
                "area": area.code,
                "expires_at": str(client.expires_at),
            },
        )
        return client, token


def revoke_client(client: ApiClient, *, by=None, request=None) -> None:
    from accounts import audit

    with transaction.atomic():  # not the decorator: mutmut leaves decorated functions unmutated
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
            audit.record("api_client_revoke", user=by, request=request, obj=client)


def client_for_token(token: str) -> ApiClient | None:
    """The client the token belongs to, or None for an unknown or wrong token. The caller refuses
    a revoked or expired one (`is_usable`), with its own message."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    prefix = token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_CHARS]
    client = ApiClient.objects.select_related("user", "area").filter(prefix=prefix).first()
    if client is None or not hmac.compare_digest(client.token_hash, _hash(token)):
        return None
    return client
