from django.core.management.base import BaseCommand, CommandError

from frontdoor.demo.loader import DEMO_PASSWORD, load_demo
from frontdoor.errors import DomainError


class Command(BaseCommand):
    help = "Load the demo council's staff and data; running it again adds nothing twice."

    def handle(self, *args, **options) -> None:
        try:
            results = load_demo()
        except DomainError as error:
            raise CommandError(error.message) from None
        created = sum(1 for _, new in results if new)
        self.stdout.write(
            f"Demo loaded: {created} accounts created, {len(results) - created} already there."
        )
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for demo, _ in results:
            agency = f", {demo.agency_key}" if demo.agency_key else ""
            self.stdout.write(f"  {demo.username:<14} {demo.role.label}{agency}")
