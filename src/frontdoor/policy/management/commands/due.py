import sys

from django.core.management.base import BaseCommand

from frontdoor.policy.cli import due


class Command(BaseCommand):
    help = "When a clock is due by a council's calendar (also: python -m frontdoor due --help)."

    def run_from_argv(self, argv: list[str]) -> None:
        sys.exit(due(argv[2:]))
