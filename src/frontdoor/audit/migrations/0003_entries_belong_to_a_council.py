"""Each entry of the audit trail and of the access log belongs to a council, for its wall
(`policy.row_security`): an entry about a contact, a person, a household or a message is its
target's council's; every other entry already written is the default council's (a service of
several councils is new, and its entries so far name their records that way)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import BigIntegerField, F, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce

import frontdoor.policy.councils

# The targets whose rows name their council, by the label an entry names them with.
TARGETS = (
    ("intake.contact", "intake", "Contact"),
    ("people.person", "people", "Person"),
    ("people.household", "people", "Household"),
    ("outbox.message", "outbox", "Message"),
)


def targets_councils(apps, schema_editor):
    if apps.get_model("policy", "Council").objects.count() < 2:
        return  # one council: every entry is its own
    for name in ("AuditEvent", "RecordView"):
        entries = apps.get_model("audit", name).objects
        for label, app, model in TARGETS:
            council = (
                apps.get_model(app, model)
                .objects.filter(pk=Cast(OuterRef("target_id"), BigIntegerField()))
                .values("council_id")[:1]
            )
            entries.filter(target_type=label).update(
                council_id=Coalesce(Subquery(council), F("council_id"))
            )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_entries_name_their_api_token"),
        ("policy", "0004_walls_on_later_tables"),
        ("intake", "0020_reports_councils_and_search"),
        ("people", "0014_households_belong_to_a_council"),
        ("outbox", "0008_messages_can_be_taken_back"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="council",
            field=models.ForeignKey(
                db_constraint=False,
                default=frontdoor.policy.councils.serving_council,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="policy.council",
                to_field="key",
            ),
        ),
        migrations.AddField(
            model_name="recordview",
            name="council",
            field=models.ForeignKey(
                db_constraint=False,
                default=frontdoor.policy.councils.serving_council,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="policy.council",
                to_field="key",
            ),
        ),
        migrations.RunPython(targets_councils, migrations.RunPython.noop, elidable=True),
    ]
