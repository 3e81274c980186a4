from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from frontdoor.accounts.management.columns import write_columns
from frontdoor.accounts.selectors import account_named, api_tokens
from frontdoor.accounts.tokens import revoke_token, token_named
from frontdoor.errors import DomainError

COLUMNS = (
    "id",
    "name",
    "prefix",
    "user",
    "created",
    "expires",
    "last used",
    "scopes",
    "receives for",
    "state",
)


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "never"


class Command(BaseCommand):
    help = (
        "List API tokens, or revoke one. Examples: python -m frontdoor tokens list --user police; "
        "python -m frontdoor tokens revoke fdt_AbCd1234 --by admin"
    )

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        listing = commands.add_parser("list", help="tokens still working, newest first")
        listing.add_argument("--user", help="only the tokens acting as this username")
        listing.add_argument("--all", action="store_true", help="expired and revoked tokens too")
        revoking = commands.add_parser("revoke", help="stop a token working from its next request")
        revoking.add_argument("token", help="the token's id or prefix (like fdt_AbCd1234)")
        revoking.add_argument(
            "--by", required=True, help="the username of the administrator revoking it"
        )

    def handle(self, *args, command: str, **options) -> None:
        try:
            if command == "list":
                self._list(username=options["user"], include_ended=options["all"])
            else:
                self._revoke(given=options["token"], username=options["by"])
        except DomainError as error:
            raise CommandError(error.message) from None

    def _list(self, *, username: str | None, include_ended: bool) -> None:
        user = account_named(username) if username else None
        now = timezone.now()
        rows = [
            (
                str(token.pk),
                token.name,
                token.prefix,
                token.user.username,
                _when(token.created_at),
                _when(token.expires_at),
                _when(token.last_used_at),
                " ".join(token.scope_list) or "all the role allows",
                (
                    "nothing: issue again with a record system"
                    if token.receives_nothing
                    else token.record_system or "-"
                ),
                token.state(now).value,
            )
            for token in api_tokens(user=user, include_ended=include_ended, at=now)
        ]
        if not rows:
            self.stdout.write("No tokens." if include_ended else "No working tokens.")
            return
        write_columns(self.stdout, COLUMNS, rows)

    def _revoke(self, *, given: str, username: str) -> None:
        admin = account_named(username)
        token = revoke_token(api_token=token_named(given), by=admin)
        self.stdout.write(f"Revoked {token} of {token.user.username}: its next request is refused.")
