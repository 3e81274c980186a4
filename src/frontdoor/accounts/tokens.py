"""API tokens: how a partner system signs in to the API, acting as one user.

A token is 32 random bytes, shown once when issued. Only its sha256 is stored: a copy of the
database gives nobody a working token. A slow hash is not needed here (unlike passwords, the token
is long and random, so it cannot be guessed from its hash), and sha256 lets each request find its
token with one indexed query.

A token expires (90 days after it is issued unless told otherwise), and an administrator can
revoke it; either way the next request it makes is refused like an unknown token's. Its scopes
(`accounts.scopes`) narrow what its user's role allows. Every request it makes is on the audit
trail: each entry written while serving it names the token, and a request that writes none
writes a use of the token (`record_use`).

Each request finds its token with a query written by hand (`_lookup`), not the ORM's: its
docstring says what that saves and when it can go.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from functools import cache
from http import HTTPStatus

from django.db import OperationalError, connections, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.security import HttpBearer

from frontdoor.accounts.models import ApiToken, User
from frontdoor.accounts.permissions import can, require
from frontdoor.accounts.scopes import (
    READ,
    SCOPES,
    TokenUse,
    as_text,
    from_text,
    require_scope,
    scope_named,
    scopes_for,
    token_use_of,
)
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.policy.registry import current_policy
from frontdoor.prepared import run_prepared

# Every token starts with this, so a leaked one is easy to recognise (and to search for in code).
TOKEN_PREFIX = "fdt_"  # noqa: S105 - a marker, not a secret
# How much of a token is kept in clear, to tell tokens apart: the marker and 8 characters.
PREFIX_LENGTH = 12
# How stale `last_used_at` may be: the price of not writing on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# How long a token works: 90 days unless the issuer says otherwise, and never more than a year,
# so a token left in a retired system's configuration stops working on its own.
DEFAULT_DAYS = 90
MAX_DAYS = 365


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_token(
    *,
    user: User,
    name: str,
    by: User | None,
    days: int = DEFAULT_DAYS,
    scopes: Iterable[str] = (),
    record_system: str = "",
) -> tuple[ApiToken, str]:
    """Issue a new API token for `user`, working for `days`, narrowed to `scopes` (none: all
    the role allows), receiving the hand-offs of `record_system` (`receiving_for`); return it
    with the token, which is never shown again. `by` None: the operator, from the command line."""
    if by is not None:
        require(by, "tokens.manage")
    name = name.strip()
    if not name:
        raise DomainError("Name the system the token is for, like 'Merseyside Police system'.")
    if not user.is_active:
        raise DomainError(f"{user.username} is not an active account: a token would not work.")
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(f"A token works for 1 to {MAX_DAYS} days, not {days}.")
    scopes = scopes_for(user, scopes)
    record_system = receiving_for(user, record_system, scopes)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    api_token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(token),
        prefix=token[:PREFIX_LENGTH],
        expires_at=now + dt.timedelta(days=days),
        scopes=as_text(scopes),
        record_system=record_system,
    )
    audit.record(
        actor=by,
        action="api_token.issued",
        target=api_token,
        changes={
            "user": user.pk,
            "expires_at": api_token.expires_at.isoformat(),
            "scopes": sorted(scopes),
            **({"record_system": record_system} if record_system else {}),
        },
    )
    return api_token, token


# The scope a token lists and accepts hand-offs with, and the one that lets it list them only.
RECEIVING_SCOPES = frozenset({"handoffs:receive", READ})


def receiving_for(user: User, record_system: str, scopes: frozenset[str]) -> str:
    """The key of the record system a token receives the hand-offs of, checked (R44, R45): a
    token reads one record's hand-offs, so that the account of one record system never reads
    another's (a restricted person's among them). Named for a token with the scope
    `handoffs:receive`; a token named for none receives none. A key typed in capitals (LCS)
    names the same record (`HandOffs.record_system`). Each refusal is about the field
    `record_system`, where the tokens page shows it."""
    record_system = record_system.strip()
    if not record_system:
        if "handoffs:receive" in scopes:
            raise DomainError(
                "Choose the record system whose hand-offs the token receives: "
                f"{record_systems_in_words()}.",
                field="record_system",
            )
        return ""
    if not can(user, "handoffs.receive"):
        raise DomainError(
            f"{user.username} cannot receive hand-offs ({user.role_label}): a token of theirs "
            "receives for no record system.",
            field="record_system",
        )
    if scopes and not scopes & RECEIVING_SCOPES:
        raise DomainError(
            f"A token with the scopes {as_text(scopes)} cannot read hand-offs: give it the scope "
            "handoffs:receive to receive them for a record system.",
            field="record_system",
        )
    system = current_policy().handoffs.record_system(record_system)
    if system is None:
        raise DomainError(
            f"No record system is called {record_system!r}: this council's are "
            f"{record_systems_in_words()}.",
            field="record_system",
        )
    return system.key


def record_systems_in_words() -> str:
    """The council's record systems by the names its policy gives them, each with the key the
    command line and the API take: "LCS (Liquidlogic Children's Social Care), key lcs; EHM
    (Early Help Module), key ehm"."""
    named = [f"{s.name}, key {s.key}" for s in current_policy().handoffs.record_systems]
    return "; ".join(named)


@transaction.atomic
def revoke_token(*, api_token: ApiToken, by: User) -> ApiToken:
    """Stop a token working, from its next request and for good (administrators only)."""
    require(by, "tokens.manage")
    api_token = ApiToken.objects.select_for_update().get(pk=api_token.pk)
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])
        audit.record(actor=by, action="api_token.revoked", target=api_token)
    return api_token


def token_named(prefix_or_id: str) -> ApiToken:
    """The one token whose id or prefix (`fdt_` and 8 more characters) this is."""
    given = prefix_or_id.strip()
    if given.isdigit():
        found = list(ApiToken.objects.filter(pk=int(given)))
    elif given.startswith(TOKEN_PREFIX) and len(given) > PREFIX_LENGTH:
        # A whole token, pasted as found where it leaked: found by its hash, as it signs in.
        found = list(ApiToken.objects.filter(token_hash=hash_token(given)))
    elif given.startswith(TOKEN_PREFIX) and len(given) > len(TOKEN_PREFIX):
        found = list(ApiToken.objects.filter(prefix=given)[:2])
    else:
        raise DomainError(f"Give a token's id or its prefix (like {TOKEN_PREFIX}AbCd1234).")
    if not found:
        raise DomainError(f"No token has the id or prefix {given}.")
    if len(found) > 1:
        raise DomainError(f"More than one token starts {given}: give its id instead.")
    return found[0]


@cache
def _lookup(alias: str) -> tuple[str, list[str], list]:
    """The query that finds a live token's id, last use, prefix, scopes and active user by the
    token's hash and the time now, with the user's field names and each one's converters (what
    the ORM would apply).

    What it saves (bench/bench_api.py --in-process 200, medians of five interleaved runs,
    December 2026): the ORM's `select_related("user").get(...)`, compiled on every request, made
    a contact cost the app 5.9 ms of CPU on PostgreSQL instead of 4.2 ms (38% more) and 7.4 ms
    instead of 6.8 ms on SQLite (9%), in the same one statement. It can go when the ORM's lookup
    comes within about 10% of this on PostgreSQL; tests/accounts/test_tokens.py holds what it
    must do, on both databases."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = User._meta.concrete_fields
    token = {f.name: quote(f.column) for f in ApiToken._meta.concrete_fields}
    user_columns = ", ".join(f"u.{quote(f.column)}" for f in fields)
    sql = (
        f"SELECT t.{token['id']}, t.{token['last_used_at']}, t.{token['prefix']}, "  # noqa: S608
        f"t.{token['scopes']}, t.{token['record_system']}, {user_columns} "
        f"FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(User._meta.db_table)} u "
        f"ON u.{quote(User._meta.pk.column)} = t.{token['user']} "
        f"WHERE t.{token['token_hash']} = %s AND t.{token['revoked_at']} IS NULL "
        f"AND t.{token['expires_at']} > %s "
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
    """The active user a presented token acts as, or None for an unknown, expired or revoked
    token. The user carries the token's use (`scopes.TokenUse`): its id, prefix and scopes."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    # Performance: every API request asks this. One query written once, rather than the ORM's
    # `select_related(...).get(...)` compiled on each request (`_lookup` says what it saves).
    connection = connections[ApiToken.objects.db]
    sql, names, converters = _lookup(connection.alias)
    rows = run_prepared(
        sql,
        [hash_token(token), connection.ops.adapt_datetimefield_value(now)],
        using=connection.alias,
    )
    if not rows:
        return None
    token_id, last_used_at, prefix, scopes, record_system, *values = rows[0]
    values = [last_used_at, *values]
    for n, (value, (column, convert)) in enumerate(zip(values, converters, strict=True)):
        for converter in convert:
            value = converter(value, column, connection)
        values[n] = value
    last_used_at, *user_values = values
    stale = now - LAST_USED_PRECISION
    if last_used_at is None or last_used_at < stale:
        # Conditional, so of many concurrent requests at most one writes each minute.
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token_id
        ).update(last_used_at=now)
    user = User.from_db(connection.alias, names, user_values)
    # Read back with `scopes.token_use_of`; only a user acting through a token carries it.
    user.token_use = TokenUse(  # type: ignore[attr-defined]
        token_id=token_id, prefix=prefix, scopes=from_text(scopes), record_system=record_system
    )
    return user


class TokenRequest(HttpRequest):
    """A request to an API operation behind `ApiTokenAuth`: django-ninja has set `auth` to the
    token's user, as `ApiTokenAuth.authenticate` set `user`. For annotating operations only."""

    auth: User
    user: User


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: the request acts as the token's user, if the token's
    scopes allow the operation. Each operation that changes something declares the scope it
    needs (`auth=ApiTokenAuth(scope=...)`); `read` allows every GET."""

    # In the OpenAPI document, for those who write partner systems.
    openapi_description = (
        "An API token, acting as the user it was issued to. Its scopes, if it has any, narrow "
        "what the user's role allows (a token without scopes may do all the role allows): "
        + "; ".join(f"`{scope.key}`: {scope.description}" for scope in SCOPES)
        + ". Each operation's security lists the scopes that each allow it. A token's scopes "
        "never allow what the user's role does not."
    )

    def __init__(self, *, scope: str | None = None):
        super().__init__()
        if scope is not None:
            scope_named(scope)  # a scope declared that does not exist stops start-up
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is None:
            return None
        # The change history (simple_history) reads the acting user from the request, and so
        # does `record_use`, even when the scope check below refuses.
        request.user = user
        require_scope(
            user,
            method=request.method,  # type: ignore[arg-type]  # a request served has its method
            scope=self.scope,
            what=f"{request.method} {request.path}",
        )
        return user


def record_use(request: HttpRequest, response: HttpResponse) -> None:
    """Put a token's request on the audit trail when nothing it did wrote an entry there.

    A refused request (4xx) always records its use: whatever entry it began was most likely
    undone with the rest of its transaction. One the database failed (503) records nothing: the
    database is away, and the answer says nothing was recorded."""
    use = token_use_of(getattr(request, "user", None))
    if use is None or (use.audited and response.status_code < 400):
        return
    if response.status_code == HTTPStatus.SERVICE_UNAVAILABLE:
        return
    # The path is the client's: a NUL (refused with 422) cannot be stored in PostgreSQL text.
    path = request.path.replace("\x00", "\\x00")
    try:
        audit.record(
            actor=request.user,
            action="api_token.used",
            reason=f"{request.method} {path}: {response.status_code}",
        )
    except OperationalError:
        # The database went away after the answer was made: the answer stands.
        return
