"""Row-level security on the tables made or given a council since 0003 (PostgreSQL; nothing on
SQLite): transfers' arrivals (the sender's and the receiver's) and consultations. Every other
wall is raised again, to let a statement run for the councils a door that crosses councils
opened it to (`row_security.open_to`) as well as the council served."""

from django.db import migrations

from frontdoor.policy.row_security import WALLS, lower_walls, raise_walls

LATER = (
    "screening_transferarrival",
    "intake_consultation",
    "intake_historicalconsultation",
)


# Walled by 0005, once they name their council.
WALLED_LATER = (
    "people_household",
    "people_historicalhousehold",
    "audit_auditevent",
    "audit_recordview",
    "outbox_message",
    "people_correction",
)


def _existing(schema_editor, only=None):
    tables = set(schema_editor.connection.introspection.table_names())
    return tuple(
        wall
        for wall in WALLS
        if wall.table in tables
        and wall.table not in WALLED_LATER
        and (only is None or wall.table in only)
    )


def forwards(apps, schema_editor):
    raise_walls(schema_editor.connection, _existing(schema_editor))


def backwards(apps, schema_editor):
    lower_walls(schema_editor.connection, _existing(schema_editor, only=LATER))


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0003_row_level_security"),
        ("intake", "0020_reports_councils_and_search"),
        ("screening", "0010_transfer_arrivals"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
