"""Group robots: a 企业微信 (WeCom) group robot and a 钉钉 (DingTalk) custom robot.

Both take {"msgtype": "text", "text": {"content": ...}} at their webhook address (WeCom's
"群机器人配置说明", DingTalk's "自定义机器人发送群消息"). A DingTalk robot with 加签 wants
`timestamp` (ms) and `sign` added to the address's query, where sign is
urlencode(base64(HMAC-SHA256(key=secret, msg=timestamp + "\\n" + secret))).
Both answer {"errcode": 0, "errmsg": "ok"} when they take it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse

from issues.channels.http import ChannelError, post_json


def text_message(content: str) -> dict:
    return {"msgtype": "text", "text": {"content": content}}


def _check(answer: dict, name: str) -> None:
    if answer.get("errcode", 0) != 0:
        raise ChannelError(f"{name} refused the message: {answer.get('errmsg', '')}")


class WeComRobot:
    name = "wecom"

    def __init__(self, url: str):
        self.url = url

    def send(self, content: str) -> None:
        _check(post_json(self.url, text_message(content)), "WeCom robot")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 of HMAC-SHA256 over "timestamp\\nsecret" keyed by the secret,
    URL-encoded for the query string."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


class DingTalkRobot:
    name = "dingtalk"

    def __init__(self, url: str, secret: str = ""):
        self.url, self.secret = url, secret

    def signed_url(self, timestamp_ms: int | None = None) -> str:
        if not self.secret:
            return self.url
        timestamp_ms = timestamp_ms or int(time.time() * 1000)
        sign = dingtalk_sign(self.secret, timestamp_ms)
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}timestamp={timestamp_ms}&sign={sign}"

    def send(self, content: str) -> None:
        _check(post_json(self.signed_url(), text_message(content)), "DingTalk robot")
