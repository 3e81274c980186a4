"""Make each child recorded twice on one contact a further account of the first (R3, R7).

Before further accounts were kept, a written referral after a call, or a further report of the
same incident, added the same child again. Where it is safe (`intake.duplicates`: the later row
has no decision, no MASH enquiry or missing episode, and no other person record) the later row
becomes an account of the first, as intake now records it. The rest are left as they are and
listed by `python -m frontdoor duplicate-children`. Reversing it undoes only what it did.
"""

from django.db import migrations
from django.utils import timezone

REPAIRED = "Made a further account of the same child on the contact"
LINKED = "Made a further account of the same child, linked as it is"


def repair(apps, schema_editor):
    from frontdoor.intake.duplicates import duplicates

    ReportedChild = apps.get_model("intake", "ReportedChild")
    Decision = apps.get_model("screening", "Decision")
    Enquiry = apps.get_model("mash", "Enquiry")
    MissingEpisode = apps.get_model("intake", "MissingEpisode")
    Historical = apps.get_model("intake", "HistoricalReportedChild")
    children = ReportedChild._base_manager.filter(account_of__isnull=True)
    found = duplicates(
        children.only(
            "id", "contact_id", "person_id", "unborn", "date_of_birth",
            "expected_date_of_birth", "first_name", "last_name",
        ),
        decided=set(Decision.objects.values_list("child_id", flat=True)),
        in_use=set(Enquiry.objects.values_list("child_id", flat=True))
        | set(MissingEpisode.objects.values_list("child_id", flat=True)),
    )  # fmt: skip
    now = timezone.now()
    for duplicate in found:
        if duplicate.left_because:
            continue
        later, first = duplicate.later, duplicate.first
        changes = {"account_of_id": first.pk}
        reason = REPAIRED
        if later.person_id is None and first.person_id is not None:
            changes["person_id"] = first.person_id  # as intake links a further account
            reason = LINKED
        ReportedChild._base_manager.filter(pk=later.pk).update(**changes)
        # The change stays on the child's history, as every change to a record does.
        row = ReportedChild._base_manager.get(pk=later.pk)
        Historical.objects.create(
            **{
                field.attname: getattr(row, field.attname)
                for field in ReportedChild._meta.concrete_fields
            },
            history_date=now,
            history_type="~",
            history_change_reason=reason,
        )


def undo(apps, schema_editor):
    ReportedChild = apps.get_model("intake", "ReportedChild")
    Historical = apps.get_model("intake", "HistoricalReportedChild")
    repaired = Historical.objects.filter(history_change_reason__in=(REPAIRED, LINKED))
    ReportedChild._base_manager.filter(pk__in=repaired.values_list("id", flat=True)).update(
        account_of=None
    )
    ReportedChild._base_manager.filter(
        pk__in=repaired.filter(history_change_reason=LINKED).values_list("id", flat=True)
    ).update(person=None)
    repaired.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0013_reported_adult_further_account"),
        ("screening", "0008_rag_choices"),
        ("mash", "0005_meeting_late_reason"),
    ]

    operations = [migrations.RunPython(repair, undo)]
