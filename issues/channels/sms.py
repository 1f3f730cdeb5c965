"""SMS backends. Each has `send(phone, text)`; the setting SMS_BACKEND picks one.

The default, ConsoleSMSBackend, sends nothing: it appends each text to SMS_FILE_PATH (one line:
time, number, text), or logs it when SMS_FILE_PATH is empty. `make run` points it at
var/sms.log, where the portal's sign-in codes can be read. HTTPSMSBackend posts to a gateway.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

from django.conf import settings

from accounts.masking import mask_phone
from issues.channels.http import ChannelError, post_json

logger = logging.getLogger(__name__)


class ConsoleSMSBackend:
    def send(self, phone: str, text: str) -> None:
        path = settings.SMS_FILE_PATH
        if not path:
            logger.info("SMS to %s: %s", mask_phone(phone), text)
            return
        # A development backend: the file holds the number in full, as a phone would show it.
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{stamp}\t{phone}\t{text}\n")


class HTTPSMSBackend:
    """A gateway that takes {"phone": ..., "text": ..., "sign": ...} as JSON at SMS_GATEWAY_URL,
    with SMS_GATEWAY_TOKEN as a bearer token, and answers {"ok": true} (or any 2xx without an
    "ok": false). Providers with another shape get a subclass that overrides `payload`."""

    def payload(self, phone: str, text: str) -> dict:
        return {"phone": phone, "text": text, "sign": settings.SMS_SIGNATURE}

    def send(self, phone: str, text: str) -> None:
        headers = {}
        if settings.SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
        answer = post_json(settings.SMS_GATEWAY_URL, self.payload(phone, text), headers=headers)
        if answer.get("ok") is False:
            raise ChannelError(f"SMS gateway refused the text: {answer.get('error', '')}")
