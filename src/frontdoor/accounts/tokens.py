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
from functools import cache

from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from frontdoor.accounts.models import ApiToken, User
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.prepared import run_prepared

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


@cache
def _lookup(alias: str) -> tuple[str, list[str], list]:
    """The query that finds a live token's id, last use and active user by the token's hash,
    with the user's field names and each one's converters (what the ORM would apply)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = User._meta.concrete_fields
    token = {f.name: quote(f.column) for f in ApiToken._meta.concrete_fields}
    user_columns = ", ".join(f"u.{quote(f.column)}" for f in fields)
    sql = (
        f"SELECT t.{token['id']}, t.{token['last_used_at']}, {user_columns} "  # noqa: S608
        f"FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(User._meta.db_table)} u "
        f"ON u.{quote(User._meta.pk.column)} = t.{token['user']} "
        f"WHERE t.{token['token_hash']} = %s AND t.{token['revoked_at']} IS NULL "
        f"AND u.{quote(User._meta.get_field('is_active').column)}"
    )
    converters = []
    for field in [ApiToken._meta.get_field("last_used_at"), *fields]:
        column = field.get_col(field.model._meta.db_table)
        converters.append(
            (
                column,
                connection.ops.get_db_converters(column) + column.get_db_converters(connection),
            )
        )
    return sql, [f.attname for f in fields], converters


def user_for_token(token: str, *, now: dt.datetime | None = None) -> User | None:
    """The active user a presented token acts as, or None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    # Performance: every API request asks this. One query written once, rather than the ORM's
    # `select_related(...).get(...)` compiled on each request (a fifth of a contact's CPU).
    connection = connections[ApiToken.objects.db]
    sql, names, converters = _lookup(connection.alias)
    rows = run_prepared(sql, [hash_token(token)], using=connection.alias)
    if not rows:
        return None
    token_id, *values = rows[0]
    for n, (value, (column, convert)) in enumerate(zip(values, converters, strict=True)):
        for converter in convert:
            value = converter(value, column, connection)
        values[n] = value
    last_used_at, *user_values = values
    now = now or timezone.now()
    stale = now - LAST_USED_PRECISION
    if last_used_at is None or last_used_at < stale:
        # Conditional, so of many concurrent requests at most one writes each minute.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token_id
        ).update(last_used_at=now)
    return User.from_db(connection.alias, names, user_values)
