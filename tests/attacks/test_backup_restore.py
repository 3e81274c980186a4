"""A backup taken while Front Door runs restores to a database holding the same contacts.

SQLite: Python's online backup API (what `sqlite3 frontdoor.sqlite3 ".backup FILE"` uses) copies a
consistent snapshot while connections stay open; docs/backup-and-restore.md gives the commands.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.db import connection, transaction

from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from tests.intake.factories import make_submission

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backup API")
def test_a_sqlite_backup_taken_while_open_restores_with_the_contact(tmp_path: Path) -> None:
    with transaction.atomic():
        reference = record_contact(
            submission=make_submission(), channel=Channel.ONLINE_FORM
        ).contact.reference
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
        children = restored.execute(
            "SELECT count(*) FROM intake_reportedchild c JOIN intake_contact k"
            " ON c.contact_id = k.id WHERE k.reference = ?",
            [reference],
        ).fetchone()[0]
    assert found == [(reference,)]
    assert children == 2
