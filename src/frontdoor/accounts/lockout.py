"""Limits on signing in: what each counts, the page shown when one refuses, and the audit entries.

Each limit stops a different way of guessing passwords (ASVS 2.2.1):

- five wrong passwords for one username from one address lock that pair for 30 minutes
  (django-axes, settings AXES_*); an administrator unlocks it by deleting its access attempts
  in the admin (Axes, Access attempts);
- wrong passwords for one account, from any addresses, slow signing in to it: a few at once,
  then one every few minutes (the "sign-in-account" bucket of `frontdoor.security`);
- wrong sign-ins from one address, for any usernames, slow signing in from it, even with the
  right password ("sign-in-address").

The last two slow rather than lock, and count only browsers that have not signed in to that
account before. A browser that has carries a cookie saying so and is slowed on its own
("sign-in-browser"): someone who knows a colleague's username can slow guessing at it, but
cannot stop the colleague signing in at their own desk (OWASP's "device cookies"). While a limit
refuses, the password is not checked, and the refusal is counted by none of them.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.core import signing
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac

from frontdoor.audit import services as audit
from frontdoor.security import take, wait_in_words, waiting

# Which limit refused, as the page and the audit trail name it.
LOCKED = "username and address"  # django-axes
ACCOUNT = "account"
ADDRESS = "address"

KNOWN_BROWSER_COOKIE = "frontdoor_known_browser"
# The longest browsers keep a cookie: across leave and long absences; each sign-in renews it.
KNOWN_BROWSER_SECONDS = 400 * 24 * 60 * 60
_SALT = "frontdoor.accounts.lockout"


@dataclass(frozen=True)
class Pause:
    """Signing in refused before the password was checked: by which limit, and for how long."""

    limit: str
    seconds: float


def _account_key(username: str) -> str:
    """The account a username names, for the buckets and the cookie: never the username itself,
    and the same however it is spaced or capitalised, so those do not each get a bucket."""
    return salted_hmac(_SALT, username.strip().casefold()).hexdigest()


def remember_browser(response: HttpResponse, *, username: str) -> None:
    """After a right password: this browser has signed in to this account."""
    value = signing.dumps(
        {"account": _account_key(username), "browser": secrets.token_urlsafe(16)}, salt=_SALT
    )
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        value,
        max_age=KNOWN_BROWSER_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",  # only ever needed on our own sign-in form
    )


def known_browser(request: HttpRequest, username: str) -> str | None:
    """This browser's own key, when it has signed in to `username`'s account before."""
    try:
        remembered = signing.loads(
            request.COOKIES.get(KNOWN_BROWSER_COOKIE, ""),
            salt=_SALT,
            max_age=KNOWN_BROWSER_SECONDS,
        )
    except signing.BadSignature:
        return None
    if not isinstance(remembered, dict) or remembered.get("account") != _account_key(username):
        return None
    return remembered.get("browser")


def _buckets(request: HttpRequest, credentials: dict | None) -> list[tuple[str, str, str]]:
    """The buckets a failed sign-in of this request counts against: (name, key, limit)."""
    username = get_client_username(request, credentials) or ""
    browser = known_browser(request, username)
    if browser:
        return [("sign-in-browser", browser, ACCOUNT)]
    # The address first: while it is paused, the account's own wait is beside the point.
    return [
        # django-axes sets the client's address on the request in its middleware.
        ("sign-in-address", request.axes_ip_address, ADDRESS),  # type: ignore[attr-defined]
        ("sign-in-account", _account_key(username), ACCOUNT),
    ]


class SignInHandler(AxesDatabaseHandler):
    """AXES_HANDLER: django-axes' lock of one username at one address, then the limits across
    addresses and across usernames. Every sign-in (the staff page and the admin's alike) asks
    it through django-axes' authentication backend before any password is checked."""

    def is_allowed(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if not super().is_allowed(request, credentials):
            request.sign_in_pause = _locked(request)  # type: ignore[attr-defined]  # read by the sign-in page
            return False
        for name, key, limit in _buckets(request, credentials):
            wait = waiting(name, key=key)
            if wait:
                request.sign_in_pause = Pause(limit=limit, seconds=wait)  # type: ignore[attr-defined]  # as above
                return False
        return True

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        pause = getattr(request, "sign_in_pause", None)
        if pause is not None and pause.limit != LOCKED:
            # Refused by a limit: nothing was guessed, so nothing is counted. Flagged as
            # django-axes flags its own refusals, so its middleware shows `lockout_response`.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            audit.record(
                actor=None,
                action="account.sign_in_slowed",
                changes={
                    "username": str(get_client_username(request, credentials) or "")[:150],
                    "ip_address": request.axes_ip_address or "",
                    "limit": pause.limit,
                },
            )
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and pause is None:  # a password was checked, and was wrong
            for name, key, _ in _buckets(request, credentials):
                take(name, key=key)


def _locked(request: HttpRequest) -> Pause:
    # Each attempt while locked starts the cool-off again (django-axes' default), so the wait
    # is always the whole of it.
    cool_off = get_cool_off(request)
    return Pause(limit=LOCKED, seconds=cool_off.total_seconds() if cool_off else 0)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a page saying which limit, how long to wait, and whom to contact."""
    # No pause yet when this very failure locked the username and address.
    pause = getattr(request, "sign_in_pause", None) or _locked(request)
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "limit": pause.limit,
            "failure_limit": get_failure_limit(request, credentials),
            "wait": wait_in_words(pause.seconds) if pause.seconds else None,
            "until": timezone.localtime() + dt.timedelta(seconds=pause.seconds),
            "support_contact": settings.FRONTDOOR_SUPPORT_CONTACT,
        },
        status=429,
    )
    if pause.seconds:
        response["Retry-After"] = str(math.ceil(pause.seconds))
    add_never_cache_headers(response)
    return response


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    # Beside each failed sign-in (audit.signals), the moment the account was locked.
    audit.record(
        actor=None,
        action="account.locked_out",
        changes={"username": str(username or "")[:150], "ip_address": ip_address or ""},
    )
