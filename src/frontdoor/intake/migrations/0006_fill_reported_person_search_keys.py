"""Fill the search columns of the children and adults reported before they existed.

New rows derive them as they are written (`intake.models.SearchKey`); this gives the rows already
there the same keys, so search finds old contacts as it finds new ones. Reversing leaves the
columns as they are: the previous migration's reversal drops them.
"""

from django.db import migrations

from frontdoor.people.names import SearchKeys, search_keys

BATCH = 2000


def fill(apps, schema_editor):
    for name in ("ReportedChild", "ReportedAdult"):
        model = apps.get_model("intake", name)
        changed = []
        rows = model.objects.only("id", "first_name", "last_name").order_by("id")
        for row in rows.iterator(chunk_size=BATCH):
            for field, value in search_keys(row.first_name, row.last_name)._asdict().items():
                setattr(row, field, value)
            changed.append(row)
            if len(changed) == BATCH:
                model.objects.bulk_update(changed, SearchKeys._fields)
                changed = []
        model.objects.bulk_update(changed, SearchKeys._fields)


class Migration(migrations.Migration):
    dependencies = [("intake", "0005_reported_person_search_keys")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
