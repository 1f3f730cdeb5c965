"""Helpers shared by view tests."""

import io
import threading

import openpyxl
import pytest
from django.contrib.auth import SESSION_KEY  # noqa: F401  (documented: force_login sets it)
from django.db import connection, connections

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


def at_once(*calls) -> list[str]:
    """Run the calls on two real connections at the same moment; each result's class name."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; this run uses " + connection.vendor)
    barrier = threading.Barrier(len(calls))
    results = []

    def run(call):
        try:
            barrier.wait()
            call()
            results.append("ok")
        except Exception as error:  # noqa: BLE001 (the caller checks which)
            results.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return sorted(results)
