"""The JSON API under /api/v1/ (django-ninja): one object assembled from each app's api.py.

Authentication: `Authorization: Bearer <token>` of an API client (accounts/api_clients.py). The
client acts as its service user, a leader of its area, so every read is the same `visible_to`
QuerySet a page uses, and an object outside the area answers 404. Each call is audited, counted
against the client's rate limit (per minute, in Django's cache: Redis when configured), and every
error is a problem details document (pairing/api_problems.py).
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from accounts import audit
from accounts.api_clients import client_for_token
from accounts.models import AuditEntry
from pairing.api_problems import CONTENT_TYPE, FieldErrors, problem, too_large


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict] | None = None


# The errors every authenticated operation may answer, documented on each.
ERRORS = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    413: Problem,
    422: Problem,
    429: Problem,
}


class Refused(Exception):
    def __init__(self, status: int, detail: str, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}


class ScopeMissing(Refused):
    def __init__(self, scope: str):
        super().__init__(403, _("该令牌没有 %(scope)s 权限。") % {"scope": scope})


def rate_limit(client) -> None:
    """At most `rate_per_minute` calls in each clock minute; the 429 says when to come back."""
    window = int(time.time() // 60)
    key = f"api-rate:{client.prefix}:{window}"  # the prefix: never reused, unlike an id
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    if count > client.rate_per_minute:
        wait = 60 - int(time.time()) % 60
        raise Refused(
            429,
            _("每分钟最多 %(n)s 次请求，请 %(s)s 秒后再试。")
            % {"n": client.rate_per_minute, "s": wait},
            {"Retry-After": str(wait)},
        )


class ClientToken(HttpBearer):
    def authenticate(self, request, token):
        client = client_for_token(token or "")
        if client is None:
            audit.record(
                "api_auth_failed",
                request=request,
                username=f"api:{(token or '')[:15]}",
                result=AuditEntry.Result.DENIED,
            )
            return None
        if not client.is_usable:
            revoked = client.revoked_at is not None
            audit.record(
                "api_auth_failed",
                request=request,
                user=client.user,
                obj=client,
                changes={"reason": "revoked" if revoked else "expired"},
                result=AuditEntry.Result.DENIED,
            )
            raise Refused(
                401, _("该令牌已被吊销。") if revoked else _("该令牌已过期，请联系系统管理员。")
            )
        rate_limit(client)
        request.api_client = client
        request.user = client.acting_user()
        audit.record(
            f"api_{request.method.lower()}",
            user=request.user,
            request=request,
            obj=client,
            changes={"path": request.path, "query": request.META.get("QUERY_STRING", "")[:200]},
        )
        # Written at most once a minute per client, so calls cost no extra write each.
        if cache.add(f"api-used:{client.prefix}", 1, timeout=60):
            type(client).objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return client


def require_scope(request, scope: str) -> None:
    if not request.api_client.has_scope(scope):
        raise ScopeMissing(scope)


class PairingAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Errors are documented as application/problem+json, the type they are sent as."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[CONTENT_TYPE] = content.pop("application/json")
        return schema


api = PairingAPI(
    title="Pairing API",
    version="1",
    description=_(
        "干部联企服务平台的对外接口。认证：`Authorization: Bearer <令牌>`，令牌由系统管理员创建。"
        "错误以 RFC 9457 problem details（application/problem+json）返回。回调签名："
        '`X-Pairing-Signature: sha256=HMAC-SHA256(密钥, 时间戳 + "." + 请求体)`，'
        "时间戳在 `X-Pairing-Timestamp`（Unix 秒），投递编号在 `X-Pairing-Delivery`。"
    ),
    urls_namespace="api",
    auth=ClientToken(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(Refused)
def _refused(request, exc: Refused):
    return problem(exc.status, exc.detail, headers=exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(
        401,
        _("缺少或无效的访问令牌：请在 Authorization 头中发送 Bearer 令牌。"),
        headers={"WWW-Authenticate": 'Bearer realm="pairing"'},
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = []
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form")]
        errors.append({"field": ".".join(loc) or "body", "detail": str(error.get("msg", ""))})
    return problem(422, _("请求参数有误，请按 errors 逐项修改。"), errors=errors)


@api.exception_handler(FieldErrors)
def _field_errors(request, exc: FieldErrors):
    errors = [{"field": name, "detail": str(message)} for name, message in exc.errors.items()]
    return problem(422, _("请求参数有误，请按 errors 逐项修改。"), errors=errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, _("找不到该资源，或不在本客户端的数据范围内。"))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem(exc.status_code, str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return too_large()


def _mount() -> None:
    from enterprises.api import router as enterprises
    from issues.api import router as tickets
    from reports.api import router as figures

    api.add_router("/tickets", tickets)
    api.add_router("/enterprises", enterprises)
    api.add_router("/figures", figures)


_mount()
