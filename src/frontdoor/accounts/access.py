"""Page views' access check: the permission matrix's answer, as a 403 page saying who may.

Every page declares who may open it, and the declaration is left on the view as
`frontdoor_action`, so a test can read each page's rule from the URLconf and check the page
answers as the matrix says: `allowed(action)` for a matrix action, `for_anyone_signed_in` for the
few pages every member of staff needs (home, sign-in's own steps). Public pages are marked by
Django's `login_not_required`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontdoor.accounts.permissions import PermissionDeniedError, require

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

# The mark of a page any signed-in user may open; otherwise the mark is a matrix action's key.
ANY_SIGNED_IN = "any signed-in user"


class SignedInRequest(HttpRequest):
    """A request to a page that needs a sign-in (every page not marked `login_not_required`):
    Django's LoginRequiredMiddleware has let only a signed-in user through, so its user is a
    `User`, never the anonymous one. For annotating views; no request is made of this class."""

    user: User


def refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "intake/staff/refused.html", {"message": message}, status=403)


def allowed(action: str) -> Callable:
    """Let the view run only for a user who may do `action`; anyone else gets a 403 page."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                require(request.user, action)
                return view(request, *args, **kwargs)
            except PermissionDeniedError as error:
                return refused(request, error.message)

        # The page's rule, left on the view for the URLconf test to read.
        checked.frontdoor_action = action  # type: ignore[attr-defined]  # a mark, not a declared attribute
        return checked

    return decorate


def for_anyone_signed_in(view: Callable) -> Callable:
    """Declare that every signed-in user may open the page (the sign-in already checked)."""
    view.frontdoor_action = ANY_SIGNED_IN  # type: ignore[attr-defined]  # a mark, as `allowed` leaves
    return view
