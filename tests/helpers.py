"""Helpers shared by view tests."""

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
