from dataclasses import replace

from django.core.management.base import BaseCommand, CommandError

from frontdoor.demo.contacts import DEFAULT_WEEKS
from frontdoor.demo.councils import load_demo_councils
from frontdoor.demo.history import HISTORY_WEEKS
from frontdoor.demo.loader import DEMO_PASSWORD, load_demo, sign_in_line
from frontdoor.errors import DomainError


class Command(BaseCommand):
    help = (
        "Load the demo council's staff and data, or with --councils the demo as several "
        "councils on one service; running it again adds nothing twice."
    )

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

        parser.add_argument(
            "--councils",
            default="",
            help=(
                "load the demo as these councils on one service, the default council first, "
                "with a family that moves between the first two (for example sefton,lewisham)"
            ),
        )

    def handle(
        self, *args, weeks: int, history_weeks: int | None, councils: str, **options
    ) -> None:
        if weeks < 0 or (history_weeks is not None and history_weeks < 0):
            raise CommandError("Give the weeks as 0 or more.")
        keys = [key.strip() for key in councils.split(",") if key.strip()]
        try:
            if keys:
                several = load_demo_councils(keys, weeks=weeks, history_weeks=history_weeks)
                loaded = several.default
            else:
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
        if keys:
            for council in several.others:
                self.stdout.write(
                    f"{council.name}, at the addresses under /{council.key}/ (same password):"
                )
                for demo, user, _ in council.users:
                    shown = replace(demo, username=user.username)
                    self.stdout.write(f"  {sign_in_line(shown, user)}")
            self.stdout.write(
                "A family has moved between the first two councils: a transfer waits in "
                f"/{several.others[0].key}/contacts/ to be accepted, and another waits to be "
                "screened and transferred."
            )
