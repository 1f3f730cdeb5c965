"""The client's address behind nginx: X-Forwarded-For is believed only from a trusted proxy, and
only its right end; the audit trail and the lockout both read it through one function."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts import lockout
from accounts.client_address import client_ip
from accounts.models import AuditEntry

PROXY = "127.0.0.2"


def request_from(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("10.0.0.9", "203.0.113.7")) == "10.0.0.9"


def test_a_trusted_proxy_names_the_client(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from(PROXY, "203.0.113.7")) == "203.0.113.7"


def test_a_forged_header_sent_straight_to_the_app_is_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from("127.0.0.1", "203.0.113.7")) == "127.0.0.1"


def test_a_forged_left_part_behind_the_proxy_is_ignored(settings):
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw.
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from(PROXY, "1.2.3.4, 198.51.100.20")) == "198.51.100.20"


def test_trusted_hops_are_skipped_and_networks_are_accepted(settings):
    settings.TRUSTED_PROXIES = ["10.8.0.0/16", PROXY]
    assert client_ip(request_from(PROXY, "198.51.100.20, 10.8.3.4")) == "198.51.100.20"


@pytest.mark.parametrize("header", ["", "not-an-address", "1.2.3.4, garbage"])
def test_a_missing_or_malformed_header_falls_back_to_the_peer(settings, header):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from(PROXY, header)) == PROXY


@pytest.mark.django_db
def test_a_failed_login_through_the_proxy_is_audited_and_counted_by_the_client(settings, client):
    settings.TRUSTED_PROXIES = [PROXY]
    data = {"username": "nobody", "password": "wrong-Pass-1"}
    client.post(
        reverse("login"), data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.20"
    )
    client.post(reverse("login"), data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    ips = list(
        AuditEntry.objects.filter(action=lockout.LOGIN_FAILED).order_by("id").values_list("ip")
    )
    assert ips == [("198.51.100.20",), ("127.0.0.1",)]
    assert lockout.recent_ip_failures("198.51.100.20") == 1
    assert lockout.recent_ip_failures("6.6.6.6") == 0
