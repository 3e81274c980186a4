from django.core.management.base import BaseCommand, CommandError

from frontdoor.accounts.models import User
from frontdoor.accounts.tokens import issue_token
from frontdoor.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue an API token acting as USERNAME; the token is printed once and only its hash kept. "
        'Example: python -m frontdoor issue-token police --name "Merseyside Police system"'
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="the account the token acts as")
        parser.add_argument("--name", required=True, help="the system the token is for")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account with the username {username}.")
        try:
            api_token, token = issue_token(user=user, name=name, by=None)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Token for {user.username} ({api_token.name}), shown only this once: {token}"
        )
