"""Errors of the API as RFC 9457 problem details (application/problem+json).

Every error under /api/v1/ answers in this one shape, whoever raised it: a view, the API's
authentication, Django's URL resolver (404, 405) or a middleware (413, the NUL guard's 400).
`ProblemMiddleware` rewrites any other error response there, so no HTML page ever reaches a client.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/v1/"
# Pages of the API that are not JSON resources: their own errors are left as they are.
NOT_RESOURCES = (f"{API_PREFIX}docs",)


class FieldErrors(Exception):
    """Input at fault, found by a service: {field: message}. Answered 422 with field errors."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def titles() -> dict[int, tuple[str, str]]:
    """(slug of the type URI, title) of each status, in the reader's language."""
    return {
        400: ("bad-request", _("请求有误")),
        401: ("unauthenticated", _("未认证")),
        403: ("forbidden", _("无权访问")),
        404: ("not-found", _("未找到")),
        405: ("method-not-allowed", _("不支持该请求方法")),
        409: ("conflict", _("冲突")),
        413: ("too-large", _("请求体过大")),
        415: ("unsupported-media-type", _("不支持的内容类型")),
        422: ("invalid", _("参数校验未通过")),
        429: ("rate-limited", _("请求过于频繁")),
        500: ("server-error", _("服务器内部错误")),
    }


def problem(
    status: int,
    detail: str,
    *,
    errors: list[dict] | None = None,
    headers: dict | None = None,
    title: str | None = None,
) -> HttpResponse:
    """A problem details response: type, title, status, detail, and field errors when the input
    was at fault (each with `field` and `detail`)."""
    slug, default_title = titles().get(status, ("error", _("错误")))
    body = {
        "type": f"{API_PREFIX}problems/{slug}",
        "title": title or default_title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def default_detail(status: int) -> str:
    return {
        400: _("请求无法解析。"),
        401: _("缺少或无效的访问令牌：请在 Authorization 头中发送 Bearer 令牌。"),
        403: _("该令牌无权执行此操作。"),
        404: _("找不到该资源，或不在您的数据范围内。"),
        405: _("该地址不支持此请求方法。"),
        413: _("请求体超过上限。"),
        429: _("请求过于频繁，请稍后再试。"),
    }.get(status, _("请求未能完成。"))


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX) and not request.path.startswith(NOT_RESOURCES)


class ProblemMiddleware:
    """Under /api/v1/: refuses an over-large body before anything reads it (413), and turns any
    error response that is not yet a problem into one (keeping its Allow/Retry-After headers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request):
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_BODY_BYTES:
            return too_large()
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            CONTENT_TYPE
        ):
            kept = {
                h: response[h]
                for h in ("Allow", "Retry-After", "WWW-Authenticate")
                if h in response
            }
            detail = default_detail(response.status_code)
            if response.get("Content-Type", "").startswith("text/plain"):  # a guard's own words
                detail = response.content.decode(errors="replace")[:500] or detail
            return problem(response.status_code, detail, headers=kept)
        return response


def too_large() -> HttpResponse:
    return problem(
        413,
        _("请求体不能超过 %(mb)s MB（附件各不超过 %(each)s MB）。")
        % {
            "mb": settings.API_MAX_BODY_BYTES // 2**20,
            "each": settings.TICKET_ATTACHMENT_MAX_BYTES // 2**20,
        },
    )
