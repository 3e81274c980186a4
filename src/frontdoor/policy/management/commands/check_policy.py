from django.core.management.base import BaseCommand

from frontdoor.policy.cli import check_policy


class Command(BaseCommand):
    help = "Check council policy files against the schema (also: python -m frontdoor check-policy)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+")

    def handle(self, *args, files: list[str], **options) -> None:
        if check_policy(files):
            raise SystemExit(1)
