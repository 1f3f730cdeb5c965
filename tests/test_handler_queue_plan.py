"""The handler's queue: owned and co-assigned tickets, found by indexes (no `OR id IN (subquery)`,
which made PostgreSQL read every ticket of a province: handler_queue_province_ms)."""

from __future__ import annotations

import pytest

from accounts.models import OrgUnit
from issues.models import Status, Ticket
from reports import selectors
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_queue_holds_owned_and_co_assigned_tickets_once_without_a_subquery():
    unit = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, name="区经信局")
    other = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, name="区资规局")
    handler = f.make_user("handler", home_unit=unit)
    owned = f.make_ticket(owner_unit=unit, status=Status.ASSIGNED)
    helped = f.make_ticket(owner_unit=other, status=Status.ASSIGNED)
    helped.co_units.add(unit)
    both = f.make_ticket(owner_unit=unit, status=Status.ASSIGNED)
    both.co_units.add(unit)
    f.make_ticket(owner_unit=other, status=Status.ASSIGNED)
    queue = selectors.handler_tickets(handler, None)
    assert sorted(t.pk for t in queue) == sorted([owned.pk, helped.pk, both.pk])
    assert "SELECT" not in str(queue.query).split("FROM", 1)[1]  # ids given, no subquery
    assert set(Ticket.objects.handled_by_unit(unit.pk)) == {owned, helped, both}
