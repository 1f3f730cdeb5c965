"""Helpers shared by view tests."""

import io

import openpyxl
from django.contrib.auth import SESSION_KEY  # noqa: F401  (documented: force_login sets it)

from accounts.middleware import OTP_OK_KEY


def sign_in(client, user, *, second_factor: bool = True):
    """Log `user` in; for the administrator roles, as if they had entered their TOTP code."""
    client.force_login(user)
    if second_factor:
        session = client.session
        session[OTP_OK_KEY] = True
        session.save()
    return client


def xlsx(*rows) -> io.BytesIO:
    """A workbook whose first sheet holds `rows`, ready to read."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out
