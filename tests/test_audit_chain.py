"""The audit trail is tamper-evident: each entry's hash covers its content and the previous
entry's hash, an entry altered in the database is found at that entry (page and command), and
concurrent writers on PostgreSQL keep one chain."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from accounts import audit, audit_chain
from accounts.models import AuditEntry
from tests.factories import make_user
from tests.test_audit_views import signed_in

pytestmark = pytest.mark.django_db


def tamper(sql: str, params) -> None:
    """A raw UPDATE or DELETE, as someone with database access would do it; on PostgreSQL past
    the append-only trigger, set aside for this statement only."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE accounts_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry ENABLE TRIGGER USER")


@pytest.fixture
def five_entries():
    cadre = make_user("cadre", username="ganbu")
    entries = [audit.record("login", user=cadre)]
    entries += audit.record_many("pairing_accept", [cadre, cadre], user=cadre)
    entries.append(audit.record("ticket_assign", user=cadre, changes={"单位": "发改局", "n": 1.5}))
    entries.append(audit.record("login_failed", username="nobody", result="failed"))
    return entries


def test_each_entry_chains_to_the_one_before(five_entries):
    hashes = list(AuditEntry.objects.order_by("id").values_list("chain_hash", flat=True))
    assert len(set(hashes)) == 5 and all(len(h) == 64 for h in hashes)
    first = AuditEntry.objects.order_by("id").first()
    assert hashes[0] == audit_chain.next_hash(audit_chain.GENESIS, audit_chain.content_of(first))
    assert audit_chain.verify(AuditEntry) == audit_chain.ChainReport(checked=5)
    call_command("verify_audit_chain")


def test_an_entry_altered_in_the_database_is_found_at_that_entry(five_entries, client):
    altered = five_entries[3]
    tamper("UPDATE accounts_auditentry SET username = %s WHERE id = %s", ["someone", altered.pk])
    report = audit_chain.verify(AuditEntry)
    assert report == audit_chain.ChainReport(checked=3, first_bad_id=altered.pk)

    with pytest.raises(CommandError, match=f"broken at entry #{altered.pk} "):
        call_command("verify_audit_chain")

    signed_in(client, make_user("auditor", username="shenji"))
    page = client.get("/audit/", {"verify": "1"}).content.decode()
    assert f"哈希链在第 #{altered.pk} 条记录处断裂" in page
    assert "此前的 3 条完好" in page
    assert "ticket_assign" in page


def test_a_removed_entry_breaks_the_chain_at_the_next(five_entries):
    tamper("DELETE FROM accounts_auditentry WHERE id = %s", [five_entries[1].pk])
    assert audit_chain.verify(AuditEntry).first_bad_id == five_entries[2].pk


def test_the_auditor_sees_an_intact_chain(five_entries, client):
    signed_in(client, make_user("auditor", username="shenji"))
    page = client.get("/audit/", {"verify": "1"}).content.decode()
    assert f"哈希链完整：已校验全部 {AuditEntry.objects.count()} 条记录" in page
    assert "哈希链完整" not in client.get("/audit/").content.decode()


def test_a_rolled_back_action_leaves_no_hole_in_the_chain(five_entries):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("enterprise_update", username="x")
        raise RuntimeError("the action failed")
    audit.record("enterprise_update", username="x")
    assert audit_chain.verify(AuditEntry) == audit_chain.ChainReport(checked=6)


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_on_postgresql_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks need PostgreSQL; this run uses " + connection.vendor)
    writers, per_writer = 4, 25
    barrier = threading.Barrier(writers)
    errors = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    audit.record("login", username=f"writer{n}-{i}")
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert audit_chain.verify(AuditEntry) == audit_chain.ChainReport(checked=writers * per_writer)
    assert AuditEntry.objects.values("chain_hash").distinct().count() == writers * per_writer
