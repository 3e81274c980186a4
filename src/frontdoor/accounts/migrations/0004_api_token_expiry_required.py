from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from 0003's backfill: PostgreSQL does not alter a table with updates pending in the
    # same transaction, and each migration runs in its own.
    dependencies = [
        ("accounts", "0003_api_token_expiry_and_scopes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
