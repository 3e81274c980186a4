from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from frontdoor.accounts.scopes import SCOPES
from frontdoor.accounts.selectors import account_named
from frontdoor.accounts.tokens import DEFAULT_DAYS, MAX_DAYS, issue_token
from frontdoor.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue an API token acting as USERNAME; the token is printed once and only its hash kept. "
        'Example: python -m frontdoor issue-token police --name "Merseyside Police system" '
        "--days 30 --scope mash:answer; for a case record's own system: --scope handoffs:receive "
        "--record-system lcs"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="the account the token acts as")
        parser.add_argument("--name", required=True, help="the system the token is for")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"how many days the token works, 1 to {MAX_DAYS}; default {DEFAULT_DAYS}",
        )
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            choices=[scope.key for scope in SCOPES],
            help="narrow the token to this scope (repeat for several); "
            "none: all the user's role allows",
        )
        parser.add_argument(
            "--record-system",
            default="",
            help="the record system (a key of the policy's, like lcs) whose hand-offs the token "
            "lists and accepts, and no other's; needed with --scope handoffs:receive",
        )

    def handle(
        self,
        *args,
        username: str,
        name: str,
        days: int,
        scope: list[str],
        record_system: str,
        **options,
    ) -> None:
        try:
            user = account_named(username)
            api_token, token = issue_token(
                user=user,
                name=name,
                by=None,
                days=days,
                scopes=scope,
                record_system=record_system,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Token for {user.username} ({api_token.name}), shown only this once: {token}"
        )
        self.stdout.write(
            f"It expires {timezone.localtime(api_token.expires_at):%Y-%m-%d %H:%M}; "
            f"scopes: {' '.join(api_token.scope_list) or 'none (all the role allows)'}"
            + (
                f"; receives only the hand-offs to {api_token.record_system}."
                if api_token.record_system
                else "."
            )
        )
