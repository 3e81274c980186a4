"""Row-level security on households, corrections, the audit trail, the access log and the outbox
(PostgreSQL; nothing on SQLite), now that each names its council: a household's address, what a
corrected detail said, the records an entry names and what changed in them, and a message's
address and what it says of a child are each their council's alone. The outbox's sender reads
every council's (`outbox.services`)."""

from django.db import migrations

from frontdoor.policy.row_security import WALLS, lower_walls, raise_walls

LATER = (
    "people_household",
    "people_historicalhousehold",
    "audit_auditevent",
    "audit_recordview",
    "outbox_message",
    "people_correction",
)


def _walls(schema_editor):
    tables = set(schema_editor.connection.introspection.table_names())
    return tuple(wall for wall in WALLS if wall.table in tables and wall.table in LATER)


def forwards(apps, schema_editor):
    raise_walls(schema_editor.connection, _walls(schema_editor))


def backwards(apps, schema_editor):
    lower_walls(schema_editor.connection, _walls(schema_editor))


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0004_walls_on_later_tables"),
        ("people", "0015_corrections_belong_to_a_council"),
        ("audit", "0003_entries_belong_to_a_council"),
        ("outbox", "0008_messages_can_be_taken_back"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
