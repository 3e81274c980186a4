"""A household belongs to a council, for its wall (`policy.row_security`): the council of the
people living in it (each household is made by one council's linking, of its own people)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

import frontdoor.policy.councils


def members_council(apps, schema_editor):
    if apps.get_model("policy", "Council").objects.count() < 2:
        return  # one council: every household is its own
    Household = apps.get_model("people", "Household")
    member = (
        apps.get_model("people", "HouseholdMember")
        .objects.filter(household=OuterRef("pk"))
        .order_by("id")
        .values("person__council_id")[:1]
    )
    Household.objects.update(council_id=Coalesce(Subquery(member), F("council_id")))
    household = Household.objects.filter(pk=OuterRef("id")).values("council_id")[:1]
    apps.get_model("people", "HistoricalHousehold").objects.update(
        council_id=Coalesce(Subquery(household), F("council_id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0013_nhs_number_unique_in_council"),
        ("policy", "0004_walls_on_later_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalhousehold",
            name="council",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=frontdoor.policy.councils.serving_council,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="policy.council",
                to_field="key",
            ),
        ),
        migrations.AddField(
            model_name="household",
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
        migrations.RunPython(members_council, migrations.RunPython.noop, elidable=True),
    ]
