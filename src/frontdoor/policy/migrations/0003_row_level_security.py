"""Row-level security on the tables of personal data (PostgreSQL; nothing on SQLite).

The walls are those of `frontdoor.policy.row_security.WALLS` whose tables exist at this point,
but for the tables made or given a council after it, which 0004_walls_on_later_tables and
0005_walls_on_households_audit_and_outbox wall. A table added later gets its wall in a migration
after the one that makes it (raising a wall again is harmless).
"""

from django.db import migrations

from frontdoor.policy.row_security import WALLS, lower_walls, raise_walls


# Walled by 0004 and 0005: their tables, or the columns their walls read, may not be there yet.
LATER = (
    "screening_transferarrival",
    "intake_consultation",
    "intake_historicalconsultation",
    "people_household",
    "people_historicalhousehold",
    "audit_auditevent",
    "audit_recordview",
    "outbox_message",
    "people_correction",
)


def _existing(schema_editor):
    tables = set(schema_editor.connection.introspection.table_names())
    return tuple(wall for wall in WALLS if wall.table in tables and wall.table not in LATER)


def forwards(apps, schema_editor):
    raise_walls(schema_editor.connection, _existing(schema_editor))


def backwards(apps, schema_editor):
    lower_walls(schema_editor.connection, _existing(schema_editor))


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0002_councils"),
        ("intake", "0018_reports_and_people_name_their_council"),
        ("people", "0011_records_belong_to_a_council"),
        ("screening", "0009_suggestion_responses"),
        ("mash", "0005_meeting_late_reason"),
        ("handoffs", "0005_note_when_a_record_was_probed"),
        ("escalations", "0002_escalation_meeting"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
