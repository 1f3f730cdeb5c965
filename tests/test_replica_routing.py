"""Which database each read goes to with a read replica configured: only the reads chosen for it
(drill-down rows, exports, notices, stored figures), and those only while the replica can serve
them; every write, and every read nobody chose, on the primary. (The real streaming replica is
exercised by `make topology-check`: deploy/topology_check.py.)"""

import datetime

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import OrgUnit
from issues.models import Ticket
from pairing import replica
from reports import area_figures, drill, notice_views
from reports.periods import period_for

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)


class FakeReplica:
    """The replica's probes, as a streaming replica answers them; `down` makes it unreachable and
    `replayed_up_to` is how far its replay has got."""

    def __init__(self, monkeypatch):
        self.down = False
        self.replayed_up_to = 0
        self.probes = 0
        monkeypatch.setattr(replica, "usable", self.usable)
        monkeypatch.setattr(replica, "replayed", self.replayed)
        monkeypatch.setattr(replica, "primary_position", lambda: "0/10")
        monkeypatch.setattr(replica, "_down_until", 0.0)

    def usable(self):
        self.probes += 1
        if self.down:
            raise ConnectionError("replica is restarting")

    def replayed(self, lsn):
        self.usable()
        return self.replayed_up_to >= int(lsn.split("/")[1], 16)


@pytest.fixture
def fake(settings, monkeypatch):
    settings.READ_REPLICA = True
    return FakeReplica(monkeypatch)


@pytest.fixture
def leader(f):
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="Q", name="青川县")
    f.make_unit(parent=county, code="Q1", name="青溪镇")
    return f.make_user("leader", jurisdiction_unit=county)


def rows(leader, figure="collected"):
    period = period_for("year", TODAY)
    area = leader.jurisdiction_unit
    found = drill.ticket_rows(leader, area, figure, period, TODAY, {})
    return found if found is not None else drill.enterprise_rows(leader, area, figure, period)


def test_without_a_replica_everything_reads_the_primary(settings, leader):
    settings.READ_REPLICA = False
    assert replica.reading() == DEFAULT_DB_ALIAS
    assert rows(leader).db == DEFAULT_DB_ALIAS


def test_the_chosen_reads_go_to_the_replica(fake, leader):
    assert rows(leader, "collected").db == replica.REPLICA
    assert rows(leader, "uncovered").db == replica.REPLICA
    assert notice_views._visible(leader).db == replica.REPLICA


def test_a_read_nobody_chose_and_every_write_stay_on_the_primary(fake, f, leader):
    assert Ticket.objects.all().db == DEFAULT_DB_ALIAS
    router = replica.PrimaryReplicaRouter()
    assert router.db_for_write(Ticket) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Ticket) is None  # Django's choice: the primary
    assert not router.allow_migrate(replica.REPLICA, "issues")
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "issues")


def test_stored_figures_are_read_from_the_replica_and_recomputed_on_the_primary(
    fake, leader, monkeypatch
):
    used = []
    original = area_figures.AreaFigures.objects.using

    def spy(alias):  # the suite has no second database: record the choice, read the primary
        used.append(alias)
        return original(DEFAULT_DB_ALIAS)

    monkeypatch.setattr(area_figures.AreaFigures.objects, "using", spy)
    row = area_figures.figures_for(leader.jurisdiction_unit, "month", TODAY)
    assert used == [replica.REPLICA]  # the stale check read the replica
    assert row._state.db == DEFAULT_DB_ALIAS  # the figures just computed: read where written


def test_an_unreachable_replica_sends_reads_to_the_primary_and_is_left_alone_a_while(fake, leader):
    fake.down = True
    assert rows(leader).db == DEFAULT_DB_ALIAS
    probes = fake.probes
    fake.down = False
    assert rows(leader).db == DEFAULT_DB_ALIAS  # not tried again within RETRY_AFTER_SECONDS
    assert fake.probes == probes


def request_through_middleware(method, session, view):
    request = getattr(RequestFactory(), method)("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.update(session)
    seen = {}

    def get_response(req):
        seen["alias"] = view()
        return HttpResponse()

    replica.ReadYourWritesMiddleware(get_response)(request)
    return request.session, seen.get("alias")


def test_after_a_write_the_user_reads_the_primary_until_the_replica_has_replayed_it(fake):
    session, _ = request_through_middleware("post", {}, lambda: None)
    assert session[replica.SESSION_KEY] == "0/10"  # where the primary stood after the write

    fake.replayed_up_to = 0x0F  # the replica is behind that write
    session, alias = request_through_middleware("get", dict(session), replica.reading)
    assert alias == DEFAULT_DB_ALIAS
    assert session[replica.SESSION_KEY] == "0/10"

    fake.replayed_up_to = 0x10  # caught up: the replica again, and the pin is dropped
    session, alias = request_through_middleware("get", dict(session), replica.reading)
    assert alias == replica.REPLICA
    assert replica.SESSION_KEY not in session


def test_a_user_who_has_not_written_reads_the_replica(fake):
    _, alias = request_through_middleware("get", {}, replica.reading)
    assert alias == replica.REPLICA


def test_healthz_reports_the_replica_lag_and_stays_up_without_the_replica(
    settings, monkeypatch, client
):
    import json

    settings.READ_REPLICA = True
    monkeypatch.setattr(replica, "lag_seconds", lambda: 0.25)
    body = json.loads(client.get("/healthz").content)
    assert (body["checks"]["replica"], body["replica_lag_seconds"]) == ("ok", 0.25)

    monkeypatch.setattr(replica, "lag_seconds", lambda: 95.0)
    body = json.loads(client.get("/healthz").content)
    assert body["checks"]["replica"] == "lagging: 95s"

    def down():
        raise ConnectionError("replica restarting")

    monkeypatch.setattr(replica, "lag_seconds", down)
    answer = client.get("/healthz")
    body = json.loads(answer.content)
    assert body["checks"]["replica"].startswith("unreachable")
    assert "replica" not in body["failed"]  # reads go to the primary meanwhile
