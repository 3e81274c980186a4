"""Keep that a reported child was unborn at the contact, when the birth is recorded later (R5).

Filled for every child reported unborn, and for every child whose history shows it was reported
unborn before a correction recorded its date of birth after the contact. Reversing it removes
the column.
"""

from django.db import migrations, models
from django.utils import timezone


def fill(apps, schema_editor):
    ReportedChild = apps.get_model("intake", "ReportedChild")
    Historical = apps.get_model("intake", "HistoricalReportedChild")
    ReportedChild._base_manager.filter(unborn=True).update(unborn_at_contact=True)
    once_unborn = Historical.objects.filter(unborn=True).values("id")
    for child in (
        ReportedChild._base_manager.filter(pk__in=once_unborn, unborn=False)
        .select_related("contact")
        .only("id", "date_of_birth", "contact__received_at")
        .iterator()
    ):
        if child.date_of_birth and child.date_of_birth > timezone.localdate(
            child.contact.received_at
        ):
            ReportedChild._base_manager.filter(pk=child.pk).update(unborn_at_contact=True)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0014_further_accounts_of_duplicates"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreportedchild",
            name="unborn_at_contact",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="reportedchild",
            name="unborn_at_contact",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
