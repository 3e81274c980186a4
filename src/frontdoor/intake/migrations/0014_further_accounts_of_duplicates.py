"""Make each child recorded twice on one contact a further account of the first (R3, R7).

Before further accounts were kept, a written referral after a call, or a further report of the
same incident, added the same child again. Where it is safe (`intake.duplicates`: the later row
has no decision, no MASH enquiry or missing episode, and no other person record) the later row
becomes an account of the first, as intake now records it. The rest are left as they are and
listed by `python -m frontdoor duplicate-children`. Reversing it undoes only what it did.
"""

from django.db import migrations

REPAIRED = "Made a further account of the same child on the contact"
LINKED = "Made a further account of the same child, linked as it is"


def repair(apps, schema_editor):
    from frontdoor.intake.duplicates import duplicates, make_further_accounts

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
    make_further_accounts(ReportedChild, Historical, found, repaired=REPAIRED, linked=LINKED)


def undo(apps, schema_editor):
    from frontdoor.intake.duplicates import undo_further_accounts

    ReportedChild = apps.get_model("intake", "ReportedChild")
    Historical = apps.get_model("intake", "HistoricalReportedChild")
    undo_further_accounts(ReportedChild, Historical, repaired=REPAIRED, linked=LINKED)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0013_reported_adult_further_account"),
        ("screening", "0008_rag_choices"),
        ("mash", "0005_meeting_late_reason"),
    ]

    operations = [migrations.RunPython(repair, undo)]
