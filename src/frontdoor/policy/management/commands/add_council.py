from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdoor.policy.councils import add_council
from frontdoor.policy.loader import PolicyError


class Command(BaseCommand):
    help = (
        "Add a council to this service from its policy file, or record a new version of a "
        "council's policy (also: python -m frontdoor add-council POLICY.yaml)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("policy", type=Path, metavar="POLICY.yaml")
        parser.add_argument(
            "--host",
            default="",
            help="a host name of the council's own (mash.example.gov.uk); without one, its "
            "pages are served under /<id>/",
        )

    def handle(self, *args, policy: Path, host: str, **options) -> None:
        try:
            added = add_council(policy, host=host)
        except PolicyError as error:
            raise CommandError(str(error)) from None
        council = added.council
        where = f"https://{council.host}/" if council.host else f"/{council.key}/"
        if added.created:
            self.stdout.write(
                f"Added {council.name} ({council.key}), policy version {added.policy.version}, "
                f"served at {where}."
            )
        else:
            self.stdout.write(
                f"{council.name} ({council.key}) is already on this service; its policy is now "
                f"version {added.policy.version}, served at {where}."
            )
        self.stdout.write(
            "Restart the web processes and task workers so they serve it: each reads the "
            "councils and their policy files when it starts."
        )
