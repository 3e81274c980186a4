"""Sign-ins, sign-outs and failed sign-ins go on the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from frontdoor.audit import services as audit

if TYPE_CHECKING:
    from django.http import HttpRequest

    from frontdoor.accounts.models import User


@receiver(user_logged_in)
def _signed_in(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    audit.record(actor=user, action="account.signed_in", target=user)


@receiver(user_logged_out)
def _signed_out(
    sender: type[User], request: HttpRequest | None, user: User | None, **kwargs: object
) -> None:
    if user is not None:
        audit.record(actor=user, action="account.signed_out", target=user)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: str,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: object,
) -> None:
    # The username tried is kept (never the password) so repeated failures can be seen.
    audit.record(
        actor=None,
        action="account.sign_in_failed",
        changes={"username": str(credentials.get("username", ""))[:150]},
    )
