"""Encryption at rest for the few values that must be read back in clear (TOTP secrets): AES-256-GCM
with a random 96-bit nonce, and the field's name as associated data, so a value copied into
another column does not decrypt.

The key is derived (HKDF-SHA256) from the FIELD_ENCRYPTION_KEY setting, or from SECRET_KEY when
that is unset. Values are encrypted with the first key and decrypted with whichever of the key and
its fallbacks (FIELD_ENCRYPTION_KEY_FALLBACKS, or SECRET_KEY_FALLBACKS when keys come from
SECRET_KEY) opens them, so a key can be rotated. A value no key opens raises DecryptionError: it
never passes silently as garbage.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"
NONCE_BYTES = 12
MIN_KEY_LENGTH = 32


class DecryptionError(ImproperlyConfigured):
    """A stored value that none of the configured keys opens: the key is not the one it was
    encrypted with, or the value was altered."""


def _derive(material: str, source: str) -> bytes:
    # The source is part of the derivation: FIELD_ENCRYPTION_KEY=x and SECRET_KEY=x give two keys.
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"pairing.accounts.crypto",
        info=f"field encryption v1 from {source}".encode(),
    ).derive(material.encode())


def _keys() -> list[bytes]:
    """The encryption key first, then the keys it replaced."""
    own = getattr(settings, "FIELD_ENCRYPTION_KEY", "")
    if own:
        materials = [own, *getattr(settings, "FIELD_ENCRYPTION_KEY_FALLBACKS", [])]
        for material in materials:
            if len(material) < MIN_KEY_LENGTH:
                raise ImproperlyConfigured(
                    f"FIELD_ENCRYPTION_KEY and its fallbacks must be at least {MIN_KEY_LENGTH} "
                    "characters long"
                )
        return [_derive(material, "FIELD_ENCRYPTION_KEY") for material in materials]
    materials = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_derive(material, "SECRET_KEY") for material in materials]


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(plaintext: str, *, purpose: str) -> str:
    """`plaintext` encrypted for the field named `purpose` (e.g. "accounts.totpdevice.secret")."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_keys()[0]).encrypt(nonce, plaintext.encode(), purpose.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, *, purpose: str) -> str:
    if not is_encrypted(token):
        raise DecryptionError(
            f"{purpose} holds a value that is not encrypted; run `manage.py migrate`, whose "
            "accounts migration 0008 encrypts the values stored before"
        )
    try:
        raw = base64.urlsafe_b64decode(token[len(PREFIX) :].encode("ascii"))
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{purpose} holds a damaged encrypted value") from None
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for key in _keys():
        try:
            return AESGCM(key).decrypt(nonce, sealed, purpose.encode()).decode()
        except InvalidTag:
            continue
    raise DecryptionError(
        f"{purpose} cannot be decrypted: it was encrypted with another key. Set "
        "FIELD_ENCRYPTION_KEY (or, when it is unset, SECRET_KEY) back to the key in use when it "
        "was stored, or list that key in FIELD_ENCRYPTION_KEY_FALLBACKS (SECRET_KEY_FALLBACKS)"
    )
