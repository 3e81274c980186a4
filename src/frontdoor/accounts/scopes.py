"""What an API token may do: scopes that narrow its user's role, and the token a request uses.

A token acts as its user, with the user's role, exactly as the pages do (`permissions`). Scopes
narrow that: a token with scopes may use only the API operations one of its scopes allows, and
there it may still do only what the role allows, as the operation itself asks the matrix. So a
scope never grants what the matrix refuses. A token without scopes may do everything its user's
role allows.

Each API operation declares the scope it needs (`tokens.ApiTokenAuth(scope=...)`); `read` allows
every GET, whatever the operation declares. An operation that changes something and declares no
scope is open only to a token without scopes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frontdoor.accounts.permissions import PermissionDeniedError, can
from frontdoor.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from frontdoor.accounts.models import User

READ = "read"
# The methods the `read` scope allows: they change nothing.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Scope:
    key: str
    description: str
    # A matrix action the user's role must have for the scope to allow anything at all: a token
    # is not issued with a scope that would only ever be refused.
    needs: str = ""


SCOPES: tuple[Scope, ...] = (
    Scope(READ, "Read what the role may read (GET requests only)"),
    Scope(
        "contacts:write",
        "Record contacts and attach reports to them",
        needs="contact.report",
    ),
    Scope(
        "involvements:write",
        "Send the case record's involvements (episodes, plans, closures) to keep them current",
        needs="involvements.import",
    ),
    Scope(
        "handoffs:receive",
        "Read the children handed off to the council's case record and accept them",
        needs="handoffs.receive",
    ),
    Scope(
        "mash:answer",
        "List, read and answer the MASH enquiries sent to the user's agency",
        needs="enquiry.answer",
    ),
)
_BY_KEY = {scope.key: scope for scope in SCOPES}


def scope_named(key: str) -> Scope:
    if key not in _BY_KEY:
        known = ", ".join(_BY_KEY)
        raise DomainError(f"There is no scope {key!r}: choose from {known}.")
    return _BY_KEY[key]


def scopes_for(user: User, keys: Iterable[str]) -> frozenset[str]:
    """The scopes named, checked: each one known, and of use to `user`'s role."""
    scopes = frozenset(key.strip() for key in keys if key.strip())
    for key in sorted(scopes):
        scope = scope_named(key)
        if scope.needs and not can(user, scope.needs):
            raise DomainError(
                f"The scope {key} would allow {user.username} nothing: "
                f"their role ({user.role_label}) cannot {scope.description[0].lower()}"
                f"{scope.description[1:]}."
            )
    return scopes


def as_text(scopes: Iterable[str]) -> str:
    """Scopes as stored on a token: space-separated, as OAuth writes them."""
    return " ".join(sorted(scopes))


def from_text(text: str) -> frozenset[str]:
    return frozenset(text.split())


def allowing(*, method: str, scope: str | None) -> list[str]:
    """The scopes that each allow an operation: `read` for a GET, and the one it declares."""
    allowed = [READ] if method.upper() in READING_METHODS else []
    if scope and scope not in allowed:
        allowed.append(scope)
    return allowed


@dataclass
class TokenUse:
    """The token a request acts through, set on its user by `tokens.user_for_token`."""

    token_id: int
    prefix: str
    scopes: frozenset[str]
    # The record system whose hand-offs the token receives (R44); empty: none.
    record_system: str = ""
    # Whether an entry naming the token was written to the audit trail while serving the
    # request; if not, the request writes an entry of its own for the use (`tokens.record_use`).
    audited: bool = False


def token_use_of(user: User | AnonymousUser | None) -> TokenUse | None:
    """The token `user` acts through in this request, or None when signed in another way."""
    return getattr(user, "token_use", None)


def require_scope(user: User | AnonymousUser, *, method: str, scope: str | None, what: str) -> None:
    """Refuse (403) unless the token `user` acts through may use an operation declaring `scope`;
    `what` names the operation in the refusal. Without a token, or without scopes: allowed."""
    use = token_use_of(user)
    if use is None or not use.scopes:
        return
    allowed = allowing(method=method, scope=scope)
    if use.scopes.intersection(allowed):
        return
    needed = f"the scope {' or '.join(allowed)}" if allowed else "a token without scopes"
    raise PermissionDeniedError(
        f"This token's scopes ({', '.join(sorted(use.scopes))}) do not allow {what}: "
        f"it needs {needed}."
    )
