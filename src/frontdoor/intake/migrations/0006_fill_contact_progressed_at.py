"""Fill `Contact.progressed_at` for the contacts already decided or transferred (R25).

The same rule as `screening.decisions.progressed_time`: the last of the children's first
decisions, a transfer without a decision counting for every child. A contact already decided or
closed was progressed when it got there: a child named by a later report, still undecided, does
not unprogress it. Reversing empties the field again.
"""

from django.db import migrations
from django.db.models import Min, Q

FINISHED_STATES = ("decided", "closed")


def _last_of(firsts, whole):
    if not firsts:  # no child named: only a transfer of the contact progresses it
        return whole
    return None if None in firsts else max(firsts)


def fill(apps, schema_editor):
    Contact = apps.get_model("intake", "Contact")
    ReportedChild = apps.get_model("intake", "ReportedChild")
    Transfer = apps.get_model("screening", "Transfer")
    contacts = Contact.objects.filter(
        Q(pk__in=Transfer.objects.values("contact_id"))
        | Q(pk__in=ReportedChild.objects.filter(decisions__isnull=False).values("contact_id"))
    ).only("id", "state")
    batch = []
    for contact in contacts.iterator(chunk_size=2000):
        whole = Transfer.objects.filter(contact=contact, decision__isnull=True).aggregate(
            at=Min("sent_at")
        )["at"]
        firsts = [
            min((at for at in (first, whole) if at is not None), default=None)
            for first in ReportedChild.objects.filter(contact=contact)
            .annotate(first=Min("decisions__decided_at"))
            .values_list("first", flat=True)
        ]
        if contact.state in FINISHED_STATES:
            firsts = [at for at in firsts if at is not None]
        at = _last_of(firsts, whole)
        if at is not None:
            contact.progressed_at = at
            batch.append(contact)
        if len(batch) >= 2000:
            Contact.objects.bulk_update(batch, ["progressed_at"])
            batch = []
    Contact.objects.bulk_update(batch, ["progressed_at"])


def empty(apps, schema_editor):
    apps.get_model("intake", "Contact").objects.update(progressed_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_contact_progressed_at"),
        ("screening", "0003_follow_up_replaced_by"),
    ]

    operations = [migrations.RunPython(fill, empty)]
