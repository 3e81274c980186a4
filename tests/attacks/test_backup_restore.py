"""A backup taken while Front Door runs restores to a database holding the same contacts.

SQLite: Python's online backup API (what `sqlite3 frontdoor.sqlite3 ".backup FILE"` uses) copies a
consistent snapshot while connections stay open. PostgreSQL: `pg_dump -Fc` while connections stay
open, then `pg_restore` into an empty database. docs/backup-and-restore.md gives the commands.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.db import connection, transaction

from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from tests.intake.factories import make_submission

pytestmark = pytest.mark.django_db(transaction=True)


def _recorded_reference() -> str:
    with transaction.atomic():
        return record_contact(
            submission=make_submission(), channel=Channel.ONLINE_FORM
        ).contact.reference


CHILDREN_OF = (
    "SELECT count(*) FROM intake_reportedchild c JOIN intake_contact k"
    " ON c.contact_id = k.id WHERE k.reference = {}"
)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backup API")
def test_a_sqlite_backup_taken_while_open_restores_with_the_contact(tmp_path: Path) -> None:
    reference = _recorded_reference()
    connection.ensure_connection()
    live = connection.connection  # Django's own open connection: the app keeps running
    backup_file = tmp_path / "backup.sqlite3"
    with sqlite3.connect(backup_file) as target:
        live.backup(target)
    target.close()

    restored_file = tmp_path / "restored.sqlite3"
    with sqlite3.connect(backup_file) as source, sqlite3.connect(restored_file) as restored:
        source.backup(restored)
        found = restored.execute(
            "SELECT reference FROM intake_contact WHERE reference = ?", [reference]
        ).fetchall()
        children = restored.execute(CHILDREN_OF.format("?"), [reference]).fetchone()[0]
    assert found == [(reference,)]
    assert children == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_dump")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump and pg_restore are not installed")
def test_a_postgresql_dump_taken_while_open_restores_with_the_contact(tmp_path: Path) -> None:
    import psycopg

    reference = _recorded_reference()
    connection.ensure_connection()  # the app's connection stays open while the dump runs
    settings = connection.settings_dict
    server = [
        f"--host={settings['HOST'] or 'localhost'}",
        f"--port={settings['PORT'] or 5432}",
        f"--username={settings['USER'] or 'postgres'}",
    ]
    dump = tmp_path / "frontdoor.dump"
    subprocess.run(
        [shutil.which("pg_dump"), "-Fc", *server, f"--dbname={settings['NAME']}", f"--file={dump}"],
        check=True,
        capture_output=True,
    )
    restored = f"{settings['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [shutil.which("pg_restore"), "--no-owner", *server, f"--dbname={restored}", str(dump)],
            check=True,
            capture_output=True,
        )
        with psycopg.connect(
            host=settings["HOST"] or "localhost",
            port=settings["PORT"] or 5432,
            user=settings["USER"] or "postgres",
            dbname=restored,
        ) as copy:
            found = copy.execute(
                "SELECT reference FROM intake_contact WHERE reference = %s", [reference]
            ).fetchall()
            children = copy.execute(CHILDREN_OF.format("%s"), [reference]).fetchone()[0]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
    assert found == [(reference,)]
    assert children == 2
