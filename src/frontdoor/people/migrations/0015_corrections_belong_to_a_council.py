"""A correction belongs to the council of the record it corrected, for its wall
(`policy.row_security`): what a detail said before and after is that council's alone."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

import frontdoor.policy.councils

# The records a correction names, by the label it names them with.
RECORDS = (
    ("people.person", "people", "Person"),
    ("intake.reportedchild", "intake", "ReportedChild"),
    ("intake.reportedadult", "intake", "ReportedAdult"),
)


def records_council(apps, schema_editor):
    if apps.get_model("policy", "Council").objects.count() < 2:
        return  # one council: every correction is its own
    corrections = apps.get_model("people", "Correction").objects
    for label, app, model in RECORDS:
        council = (
            apps.get_model(app, model)
            .objects.filter(pk=OuterRef("record_id"))
            .values("council_id")[:1]
        )
        corrections.filter(record_type=label).update(
            council_id=Coalesce(Subquery(council), F("council_id"))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0014_households_belong_to_a_council"),
        ("policy", "0004_walls_on_later_tables"),
        ("intake", "0020_reports_councils_and_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="correction",
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
        migrations.RunPython(records_council, migrations.RunPython.noop, elidable=True),
    ]
