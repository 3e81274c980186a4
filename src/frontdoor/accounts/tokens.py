"""API tokens: how a partner system signs in to the API, acting as one user.

A token is 32 random bytes, shown once when issued. Only its sha256 is stored: a copy of the
database gives nobody a working token. A slow hash is not needed here (unlike passwords, the token
is long and random, so it cannot be guessed from its hash), and sha256 lets each request find its
token with one indexed query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from frontdoor.accounts.models import ApiToken, User
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError

# Every token starts with this, so a leaked one is easy to recognise (and to search for in code).
TOKEN_PREFIX = "fdt_"  # noqa: S105 - a marker, not a secret
# How stale `last_used_at` may be: the price of not writing on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(*, user: User, name: str, by: User | None) -> tuple[ApiToken, str]:
    """Issue a new API token for `user`; return it with the token, which is never shown again."""
    name = name.strip()
    if not name:
        raise DomainError("Name the system the token is for, like 'Merseyside Police system'.")
    if not user.is_active:
        raise DomainError(f"{user.username} is not an active account: a token would not work.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        user=user, name=name, token_hash=hash_token(token), prefix=token[:12]
    )
    audit.record(actor=by, action="api_token.issued", target=api_token, changes={"user": user.pk})
    return api_token, token


@transaction.atomic
def revoke_token(*, api_token: ApiToken, by: User | None) -> ApiToken:
    """Stop a token working, at once and for good."""
    api_token = ApiToken.objects.select_for_update().get(pk=api_token.pk)
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])
        audit.record(actor=by, action="api_token.revoked", target=api_token)
    return api_token


def user_for_token(token: str, *, now: dt.datetime | None = None) -> User | None:
    """The active user a presented token acts as, or None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    try:
        api_token = ApiToken.objects.select_related("user").get(
            token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True
        )
    except ApiToken.DoesNotExist:
        return None
    now = now or timezone.now()
    stale = now - LAST_USED_PRECISION
    if api_token.last_used_at is None or api_token.last_used_at < stale:
        # Conditional, so of many concurrent requests at most one writes each minute.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=api_token.pk
        ).update(last_used_at=now)
    return api_token.user
