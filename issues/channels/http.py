"""One small JSON POST for the channels that speak HTTP, with a short timeout: a dead gateway
fails the job (which RQ retries), never a user's request."""

from __future__ import annotations

import json
import urllib.request

from django.conf import settings


class ChannelError(Exception):
    """The gateway or robot refused the message or could not be reached."""


def post_json(url: str, payload: dict, *, headers: dict | None = None) -> dict:
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.CHANNEL_TIMEOUT_SECONDS) as response:
            raw = response.read(65536)
    except OSError as error:  # URLError, HTTPError, timeouts, refused connections
        raise ChannelError(f"{url}: {error}") from error
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {}
