"""Django's `migrate`, serving every council: a data migration reads and writes all of them
(`row_security.every_council`)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from frontdoor.policy.row_security import every_council


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with every_council():
            return super().handle(*args, **options)
