"""The pages shown when a request cannot be answered: not found, a fault, the database away.

While the database restarts or fails over, a request can fail before any view runs (the session,
which lives in the database, is read by the middleware first). The referrer or worker must then
be told plainly that the service is unavailable and what to do, with the numbers to ring if a
child is in danger, rather than Django's bare "Server Error (500)", which a referrer may read as
"maybe received". The API says the same in JSON (`frontdoor.api`).
"""

from __future__ import annotations

import logging
import sys

from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from frontdoor.policy.context_processors import council

logger = logging.getLogger(__name__)

# Errors that mean "the database could not be reached or went away", not a fault in a query.
DATABASE_AWAY = (OperationalError, InterfaceError)
# How long a client is asked to wait before trying again (pages and the API alike).
RETRY_AFTER_SECONDS = 30


def _static_page(template: str, status: int, request: HttpRequest) -> HttpResponse:
    """Render without the request's context processors: they read the session and the user,
    from the database that may be what failed."""
    try:
        context = council(request)
    except Exception:  # the page must render whatever else is wrong
        logger.exception("The council's policy could not be read for an error page")
        context = {}
    context["referral"] = request.path.startswith("/refer/")
    return HttpResponse(loader.render_to_string(template, context), status=status)


def unavailable(request: HttpRequest) -> HttpResponse:
    response = _static_page("errors/unavailable.html", 503, request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while handling the exception, so sys.exc_info() names it."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_AWAY) or (
        isinstance(error, DatabaseError) and "connection" in str(error).lower()
    ):
        return unavailable(request)
    return _static_page("errors/problem.html", 500, request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400. The session could not be saved after the page's work was done (the database
    went away in between): what was sent may have been recorded, so it is the unavailable page,
    whose advice (check, then send again: a referral is never recorded twice) holds either way."""
    if isinstance(exception, SessionInterrupted):
        return unavailable(request)
    return _static_page("errors/bad_request.html", 400, request)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the GOV.UK "Page not found" pattern, in the service's own layout."""
    return render(request, "errors/not_found.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without its security cookie (cookies blocked, or the form
    left open past the session): the service's own page says what to do, not Django's bare 403."""
    return _static_page("errors/form_expired.html", 403, request)
