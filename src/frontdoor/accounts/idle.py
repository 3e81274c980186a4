"""Signing out a session left idle: a signed-in screen left open on a desk in a shared office
should not stay open on children's records.

The time of the last request is kept in the session, rewritten at most once a minute (so a busy
page does not write the session on every request); FRONTDOOR_IDLE_MINUTES after it, the next
request signs the session out. Sessions of the public referral form are not signed in and are
not affected: a referrer may take a long time over a page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

LAST_SEEN_KEY = "last_seen"
# How stale the last-seen time may be: the price of not writing the session on every request.
PRECISION_SECONDS = 60


@receiver(user_logged_in)
def _stamp_sign_in(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = time.time()


class IdleTimeoutMiddleware:
    """Sign out a signed-in session idle for longer than FRONTDOOR_IDLE_MINUTES.

    Placed after the message middleware (to say why) and before the view hooks, so that
    LoginRequiredMiddleware then sends the person to sign in, and back to the page afterwards.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The session alone says whether someone is signed in: no query for the user here.
        if SESSION_KEY in request.session:
            self._check(request, now=time.time())
        return self.get_response(request)

    def _check(self, request: HttpRequest, *, now: float) -> None:
        limit = settings.FRONTDOOR_IDLE_MINUTES * 60
        last_seen = request.session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > limit:
            logout(request)
            minutes = settings.FRONTDOOR_IDLE_MINUTES
            messages.info(
                request,
                f"You were signed out because Front Door was not used for {minutes} minutes. "
                "Sign in again to carry on.",
            )
            return
        if last_seen is None or now - last_seen >= PRECISION_SECONDS:
            request.session[LAST_SEEN_KEY] = now
