"""Message channels beside the in-app inbox and email: SMS (a gateway behind one interface) and
the 企业微信 / 钉钉 group robots. Each is chosen by a setting, like Django's EMAIL_BACKEND:

- SMS_BACKEND: a dotted path to a class with `send(phone, text)`; by default the console/file
  backend, which writes each text to SMS_FILE_PATH (or the log when that is empty).
- WECOM_ROBOT_URL, DINGTALK_ROBOT_URL (+ DINGTALK_ROBOT_SECRET): group robots' webhook addresses;
  empty means the channel is off. GROUP_ROBOT_KINDS names the notifications they post.

Nothing here runs in a user's request: callers enqueue issues.channels.jobs after commit.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _backend(path: str):
    return import_string(path)


def sms_backend():
    """An instance of the configured SMS backend."""
    return _backend(settings.SMS_BACKEND)()


def group_robots() -> list:
    """The group robots switched on in the settings."""
    from issues.channels.robots import DingTalkRobot, WeComRobot

    found = []
    if settings.WECOM_ROBOT_URL:
        found.append(WeComRobot(settings.WECOM_ROBOT_URL))
    if settings.DINGTALK_ROBOT_URL:
        found.append(DingTalkRobot(settings.DINGTALK_ROBOT_URL, settings.DINGTALK_ROBOT_SECRET))
    return found
