from django.db import migrations, models


def note_when_replaced(apps, schema_editor):
    """A hand-off replaced before now: replaced when the revision's hand-off was made, or, for a
    revision that made none (no further action), when the child's next decision was made."""
    HandOff = apps.get_model("handoffs", "HandOff")
    Decision = apps.get_model("screening", "Decision")
    for handoff in HandOff.objects.filter(state="replaced", replaced_at__isnull=True).iterator():
        if handoff.replaced_by_id:
            at = HandOff.objects.values_list("created_at", flat=True).get(pk=handoff.replaced_by_id)
        else:
            made_by = Decision.objects.get(pk=handoff.decision_id)
            at = (
                Decision.objects.filter(child_id=handoff.child_id, sequence__gt=made_by.sequence)
                .order_by("sequence")
                .values_list("decided_at", flat=True)
                .first()
            )
        if at is not None:
            HandOff.objects.filter(pk=handoff.pk).update(replaced_at=at)


class Migration(migrations.Migration):
    dependencies = [
        ("handoffs", "0005_note_when_a_record_was_probed"),
    ]

    operations = [
        migrations.AddField(
            model_name="handoff",
            name="replaced_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        # Reversed by dropping the field: the times are read from the rows still there.
        migrations.RunPython(note_when_replaced, migrations.RunPython.noop),
    ]
