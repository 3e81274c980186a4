from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.selectors import account_named
from frontdoor.accounts.two_factor import issue_enrolment_link
from frontdoor.errors import DomainError


class Command(BaseCommand):
    help = (
        "Make a one-time link with which USERNAME sets up their authenticator app after signing "
        "in with their password; for the first administrator, who has nobody to ask. "
        "Example: python -m frontdoor two-factor-link admin --site https://frontdoor.example.gov.uk"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="the account the link is for")
        parser.add_argument(
            "--site", default="", help="Front Door's address, printed before the link's path"
        )

    def handle(self, *args, username: str, site: str, **options) -> None:
        try:
            user = account_named(username)
            link, secret = issue_enrolment_link(user=user, by=None)
        except DomainError as error:
            raise CommandError(error.message) from None
        path = reverse("accounts:two_factor_enrol", args=[secret])
        self.stdout.write(
            f"Set-up link for {user.username}, shown only this once, working once until "
            f"{timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}: {site.rstrip('/')}{path}"
        )
