from django.core.management.base import BaseCommand, CommandError

from frontdoor.demo.contacts import DEFAULT_WEEKS
from frontdoor.demo.history import HISTORY_WEEKS
from frontdoor.demo.loader import DEMO_PASSWORD, load_demo, sign_in_line
from frontdoor.errors import DomainError


class Command(BaseCommand):
    help = "Load the demo council's staff and data; running it again adds nothing twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--weeks",
            type=int,
            default=DEFAULT_WEEKS,
            help=f"weeks of demo contacts up to today (default {DEFAULT_WEEKS}; 0 for none)",
        )

        parser.add_argument(
            "--history-weeks",
            type=int,
            default=None,
            help=(
                f"weeks of older contacts, decided and closed, before those (default "
                f"{HISTORY_WEEKS}; 0 for none, which loads in seconds)"
            ),
        )

    def handle(self, *args, weeks: int, history_weeks: int | None, **options) -> None:
        if weeks < 0 or (history_weeks is not None and history_weeks < 0):
            raise CommandError("Give the weeks as 0 or more.")
        try:
            loaded = load_demo(weeks=weeks, history_weeks=history_weeks)
        except DomainError as error:
            raise CommandError(error.message) from None
        created = sum(1 for _, _, new in loaded.users if new)
        self.stdout.write(
            f"Demo loaded: {created} accounts created, {len(loaded.users) - created} already there."
        )
        if loaded.contacts.contacts:
            self.stdout.write(
                f"Demo contacts: {loaded.contacts.contacts} contacts and "
                f"{loaded.contacts.consultations} consultations over {weeks} weeks."
            )
        else:
            self.stdout.write("Demo contacts: none added (already loaded, or --weeks 0).")
        if loaded.mash.stories:
            self.stdout.write(
                f"Demo MASH: {loaded.mash.stories} enquiries, meetings and escalations, "
                "in every state."
            )
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for demo, user, _ in loaded.users:
            self.stdout.write(f"  {sign_in_line(demo, user)}")
