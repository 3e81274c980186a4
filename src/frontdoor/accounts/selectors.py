"""Reading accounts: the API tokens and set-up links an administrator lists."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from frontdoor.accounts.models import ApiToken, EnrolmentLink, User
from frontdoor.errors import DomainError
from frontdoor.policy.councils import of_served_council


def account_named(username: str) -> User:
    """The account with this username, as a command is given it; refused when there is none."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise DomainError(f"There is no account with the username {username}.")
    return user


def staff_of_served_council() -> QuerySet[User]:
    """The council's own staff and partner users: those an administrator of the council served
    lists, chooses and manages, and no other council's."""
    return User.objects.filter(of_served_council())


def api_tokens(
    *, user: User | None = None, include_ended: bool = False, at: dt.datetime
) -> QuerySet[ApiToken]:
    """Tokens, newest first, with their users: only those still working at `at` unless
    `include_ended` (expired and revoked ones too); only `user`'s when given."""
    tokens = ApiToken.objects.filter(of_served_council("user__council")).select_related("user")
    if user is not None:
        tokens = tokens.filter(user=user)
    if not include_ended:
        tokens = tokens.filter(Q(revoked_at__isnull=True) & Q(expires_at__gt=at))
    return tokens


def enrolment_links_waiting(*, at: dt.datetime) -> QuerySet[EnrolmentLink]:
    """Set-up links issued and neither used nor expired at `at`, newest first."""
    return EnrolmentLink.objects.filter(
        of_served_council("user__council"), used_at__isnull=True, expires_at__gt=at
    ).select_related("user", "created_by")
