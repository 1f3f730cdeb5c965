"""`make backup-drill` against a small PostgreSQL database: backup, restore into a new database,
row counts table by table and the audit chain on the copy; a break fails the drill. PostgreSQL
only: on SQLite the script refuses, and these drills skip (never when PostgreSQL is configured)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts import audit
from accounts.models import AuditEntry
from tests.factories import make_enterprise, make_user
from tests.test_audit_chain import tamper

SCRIPT = Path(__file__).resolve().parent.parent / "deploy" / "backup.py"


def postgres_url() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL; this run uses " + connection.vendor)
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.fail("PostgreSQL is configured but pg_dump/pg_restore are not on PATH")
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )


def restored_copies(url_name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [url_name + "_restore_%"]
        )
        return [row[0] for row in cursor.fetchall()]


def drop(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_a_copy_that_agrees_table_by_table(tmp_path):
    url = postgres_url()
    admin = make_user("admin", username="xitong")
    make_enterprise(name="杭州示例机械有限公司")
    audit.record("login", user=admin)
    audit.record_many("enterprise_update", [admin], user=admin)
    media = tmp_path / "media"
    (media / "tickets").mkdir(parents=True)
    (media / "tickets" / "photo.jpg").write_bytes(b"jpeg")

    result = run(url, "--dir", str(tmp_path / "backups"), "--media", str(media), "drill")

    assert result.returncode == 0, result.stdout + result.stderr
    entries = AuditEntry.objects.count()
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line}
    assert rows["accounts_auditentry"] == [str(entries), str(entries)]
    assert rows["enterprises_enterprise"] == ["1", "1"]
    assert f"audit chain intact: {entries} entries" in result.stdout
    assert "DRILL PASSED" in result.stdout
    assert sorted(p.suffix for p in (tmp_path / "backups").iterdir()) == [".dump", ".gz"]
    assert restored_copies(connection.settings_dict["NAME"]) == []  # dropped once it agreed


@pytest.mark.django_db(transaction=True)
def test_a_broken_audit_chain_fails_the_drill_and_keeps_the_copy(tmp_path):
    url = postgres_url()
    entries = [audit.record("login", username=f"u{i}") for i in range(3)]
    tamper("UPDATE accounts_auditentry SET action = 'logout' WHERE id = %s", [entries[1].pk])

    result = run(url, "--dir", str(tmp_path), "--media", str(tmp_path / "none"), "drill")

    kept = restored_copies(connection.settings_dict["NAME"])
    for name in kept:
        drop(name)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"broken at entry #{entries[1].pk}" in result.stdout
    assert "DRILL FAILED: 0 table(s) differ; audit chain BROKEN." in result.stdout
    assert len(kept) == 1 and kept[0] in result.stdout


def test_the_scripts_refuse_sqlite_and_say_so(tmp_path):
    result = run("sqlite:///db.sqlite3", "--dir", str(tmp_path), "backup")
    assert result.returncode == 2
    assert "backups need PostgreSQL: DATABASE_URL is 'sqlite:///db.sqlite3'" in result.stderr
    assert list(tmp_path.iterdir()) == []
