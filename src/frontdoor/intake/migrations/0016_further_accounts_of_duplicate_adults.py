"""Make each adult recorded twice on one contact a further account of the first (R3, R7).

As `0014_further_accounts_of_duplicates` does for children: before further accounts of adults
were kept, a written referral after a call, or a further report of the same incident, added the
same adult again. Where it is safe (`intake.duplicates`: no consent record or MASH agency's
answer is about the later row, and it is linked to no other person record) the later row becomes
an account of the first, as intake now records it. The rest are left as they are and listed by
`python -m frontdoor duplicate-children`. Reversing it undoes only what it did.
"""

from django.db import migrations

REPAIRED = "Made a further account of the same adult on the contact"
LINKED = "Made a further account of the same adult, linked as it is"


def repair(apps, schema_editor):
    from frontdoor.intake.duplicates import (
        ADULT_IN_USE,
        adults_in_use,
        duplicates,
        make_further_accounts,
    )

    ReportedAdult = apps.get_model("intake", "ReportedAdult")
    ConsentRecord = apps.get_model("screening", "ConsentRecord")
    Answer = apps.get_model("mash", "Answer")
    Historical = apps.get_model("intake", "HistoricalReportedAdult")
    adults = ReportedAdult._base_manager.filter(account_of__isnull=True)
    found = duplicates(
        adults.only("id", "contact_id", "person_id", "date_of_birth", "first_name", "last_name"),
        decided=set(),
        in_use=adults_in_use(consent_records=ConsentRecord.objects, answers=Answer.objects),
        in_use_because=ADULT_IN_USE,
    )
    make_further_accounts(ReportedAdult, Historical, found, repaired=REPAIRED, linked=LINKED)


def undo(apps, schema_editor):
    from frontdoor.intake.duplicates import undo_further_accounts

    ReportedAdult = apps.get_model("intake", "ReportedAdult")
    Historical = apps.get_model("intake", "HistoricalReportedAdult")
    undo_further_accounts(ReportedAdult, Historical, repaired=REPAIRED, linked=LINKED)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0015_reported_child_unborn_at_contact"),
        ("screening", "0008_rag_choices"),
        ("mash", "0005_meeting_late_reason"),
    ]

    operations = [migrations.RunPython(repair, undo)]
