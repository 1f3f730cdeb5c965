"""Schemathesis against the live OpenAPI schema, with a test client's token: no answer is a
server error, and every answer (status, content type, body) matches the schema. Bounded to a few
examples per operation so it takes seconds."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api_clients import Scope, create_client
from accounts.models import OrgUnit
from pairing.wsgi import application
from tests import factories as f

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The calls go through the real WSGI handler, whose request signals close "old" database
    connections: inside a test's transaction that would close PostgreSQL's test connection, so they
    are held off as Django's test client holds them off."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(db):
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="K1")
    town = f.make_unit(parent=county, code="T1")
    firm = f.make_enterprise(town=town)
    f.make_ticket(enterprise=firm)
    _client, token = create_client(
        name="schemathesis", area=county, scopes=Scope.values, rate_per_minute=100_000
    )
    return token


# The schema as the running app serves it (no database needed to draw it).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_every_generated_request_as_its_schema_says(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
