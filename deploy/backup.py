#!/usr/bin/env python3
"""Backups of a PostgreSQL deployment: back up, restore into a new database, and drill both.

  backup            pg_dump in custom format (compressed), dated, and a tar.gz of the media
                    folder, into ./backups/
  restore FILE      restore FILE into a NEW database named <live>_restore_<stamp>, printed;
                    never over the live database
  drill             backup, restore, then compare every table's row count with the counts read
                    in the very snapshot pg_dump saved (so live writes meanwhile are no
                    difference), and verify the audit chain on the restored copy; prints a
                    table, exits 1 on any difference, drops the copy only when all agree

DATABASE_URL names the live database (PostgreSQL only: a SQLite file is backed up by copying it
while nothing runs). PostgreSQL's client programs (pg_dump, pg_restore) must be on PATH.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


class Refused(Exception):
    """A reason to stop, for the operator (exit status 2)."""


def live_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise Refused(
            "backups need PostgreSQL: DATABASE_URL is "
            + (repr(url) if url else "unset (the development SQLite file)")
            + ". For SQLite, stop the app and copy db.sqlite3."
        )
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def stamp() -> str:
    return datetime.datetime.now().strftime("%Y%m%d-%H%M%S")


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return {
        name: conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
        ).fetchone()[0]
        for (name,) in tables
    }


def backup(
    url: str, media: Path, folder: Path, snapshot: str | None = None
) -> tuple[Path, Path | None]:
    folder.mkdir(exist_ok=True)
    when = stamp()
    dump = folder / f"{database_name(url)}-{when}.dump"
    command = ["pg_dump", "--format=custom", "--compress=6", f"--file={dump}", f"--dbname={url}"]
    if snapshot:
        command.insert(1, f"--snapshot={snapshot}")
    subprocess.run(command, check=True)
    archive = None
    if media.is_dir():
        archive = folder / f"media-{when}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(media, arcname="media")
    print(f"database: {dump}")
    print(f"media:    {archive or f'(no folder {media})'}")
    return dump, archive


def restore(url: str, dump: Path) -> str:
    """Restore `dump` into a new database beside the live one; its URL."""
    if not dump.is_file():
        raise Refused(f"no such backup file: {dump}")
    name = f"{database_name(url)}_restore_{stamp().replace('-', '')}"
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    target = with_database(url, name)
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={target}",
            str(dump),
        ],
        check=True,
    )
    print(f"restored into the new database {name} (the live one is untouched)")
    return target


def drop(url: str) -> None:
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(database_name(url))))


def verify_audit_chain(url: str) -> tuple[bool, str]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "verify_audit_chain"],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    return result.returncode == 0, (result.stdout + result.stderr).strip().splitlines()[-1]


def _shown(count: int | None) -> str:
    return "-" if count is None else str(count)


def drill(url: str, media: Path, folder: Path) -> int:
    # The counts are read in the snapshot pg_dump saves: the transaction stays open meanwhile.
    with psycopg.connect(url) as live:
        live.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = live.execute("SELECT pg_export_snapshot()").fetchone()[0]
        expected = table_counts(live)
        dump, _archive = backup(url, media, folder, snapshot=snapshot)
        live.rollback()
    restored = restore(url, dump)
    with psycopg.connect(restored) as copy:
        found = table_counts(copy)
    chain_ok, chain_says = verify_audit_chain(restored)
    differences = 0
    width = max(len(name) for name in expected | found) if expected or found else 5
    print(f"\n{'table':<{width}}  {'live':>9}  {'restored':>9}")
    for name in sorted(expected | found):
        a, b = expected.get(name), found.get(name)
        mark = "" if a == b else "  <- differs"
        differences += a != b
        print(f"{name:<{width}}  {_shown(a):>9}  {_shown(b):>9}{mark}")
    print(f"\naudit chain on the restored copy: {chain_says}")
    if differences or not chain_ok:
        chain = "intact" if chain_ok else "BROKEN"
        print(f"DRILL FAILED: {differences} table(s) differ; audit chain {chain}.")
        print(f"The restored copy is kept for inspection: {database_name(restored)}")
        return 1
    drop(restored)
    print(f"DRILL PASSED: {len(expected)} tables agree, audit chain intact; copy dropped.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--media", type=Path, default=ROOT / os.environ.get("MEDIA_DIR", "media"))
    parser.add_argument("--dir", type=Path, default=ROOT / "backups", help="where backups go")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup")
    commands.add_parser("restore").add_argument("file", type=Path)
    commands.add_parser("drill")
    args = parser.parse_args(argv)
    try:
        url = live_url()
        if args.command == "backup":
            backup(url, args.media, args.dir)
        elif args.command == "restore":
            restore(url, args.file)
        else:
            return drill(url, args.media, args.dir)
    except Refused as refusal:
        print(f"refused: {refusal}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as failure:
        print(
            f"failed: {' '.join(map(str, failure.cmd[:1]))} exited {failure.returncode}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
