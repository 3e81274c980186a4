"""Page views' access check: the permission matrix's answer, as a 403 page saying who may."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontdoor.accounts.permissions import PermissionDeniedError, require


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

        return checked

    return decorate
