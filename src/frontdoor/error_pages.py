"""The pages shown when a request cannot be answered: not found, a fault, the database away,
and the same refusals in JSON for the API.

While the database restarts or fails over, a request can fail before any view runs (the session,
which lives in the database, is read by the middleware first). The referrer or worker must then
be told plainly that the service is unavailable and what to do, with the numbers to ring if a
child is in danger, rather than Django's bare "Server Error (500)", which a referrer may read as
"maybe received". A partner system is told the same in the API's shape: `ApiRefusalsMiddleware`
turns every refusal under /api/ that was made as a page into `{"message": ...}`.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse

from frontdoor.policy.context_processors import council

logger = logging.getLogger(__name__)

# Errors that mean "the database could not be reached or went away", not a fault in a query.
DATABASE_AWAY = (OperationalError, InterfaceError)
# How long a client is asked to wait before trying again (pages and the API alike).
RETRY_AFTER_SECONDS = 30

API_PATH = "/api/"
DATABASE_UNAVAILABLE = (
    "Front Door's database is unavailable, so nothing was recorded. "
    "Try again in a minute with the same Idempotency-Key."
)


def is_api_request(request: HttpRequest) -> bool:
    """Whether the request is to the API, whose every answer is JSON: also true of addresses
    under /api/ that name nothing, whose 404 a partner system must be able to read too."""
    return f"{request.path_info}/".startswith(API_PATH)


def body_limit_in_words() -> str:
    """The largest body Django reads (DATA_UPLOAD_MAX_MEMORY_SIZE), as people write sizes."""
    return f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20:g} MB"


def _api_message(request: HttpRequest, response: HttpResponse) -> str:
    status = response.status_code
    if status == 400:
        return "This request could not be read, so nothing was recorded."
    if status == 404:
        document = reverse("api:openapi-json")
        return f"There is nothing at this address: the API's operations are in {document}."
    if status == 405:
        return f"{request.method} is not allowed here: use {response.get('Allow', 'another')}."
    if status == 413:
        return (
            f"The body is larger than the {body_limit_in_words()} the API accepts, "
            "so nothing was recorded."
        )
    if status == 503:
        return DATABASE_UNAVAILABLE
    if status >= 500:
        # Never the fault itself: that is in the log, for the people who run Front Door.
        return (
            "Something went wrong in Front Door, and it has been logged. Try again later: "
            "with the same Idempotency-Key, a retry never records anything twice."
        )
    return f"Refused: {HTTPStatus(status).phrase}."


class ApiRefusalsMiddleware:
    """Every answer under /api/ is JSON. Refusals made as pages, before or around the API's own
    handlers (an address that names nothing, a method an operation does not take, a body too
    large, a fault, the database away before the view), become `{"message": ...}` with their
    status and headers (Allow, Retry-After) kept.

    First in MIDDLEWARE, so it sees the answer to every request, whichever part made it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and not response.streaming
            and not response.get("Content-Type", "").startswith("application/json")
            and is_api_request(request)
        ):
            # Rewritten in place, so the headers the other middleware added stay.
            response.content = json.dumps({"message": _api_message(request, response)})
            response["Content-Type"] = "application/json"
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


def _static_page(template: str, status: int, request: HttpRequest) -> HttpResponse:
    """Render without the request's context processors: they read the session and the user,
    from the database that may be what failed."""
    try:
        context = council(request)
    except Exception:  # the page must render whatever else is wrong
        logger.exception("The council's policy could not be read for an error page")
        context = {}
    context["referral"] = request.path.startswith("/refer/")
    # The request itself reads nothing from the database; the page needs its CSP nonce, or the
    # browser blocks the page's scripts.
    context["request"] = request
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
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    return _static_page("errors/bad_request.html", status, request)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the GOV.UK "Page not found" pattern, in the service's own layout."""
    return render(request, "errors/not_found.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without its security cookie (cookies blocked, or the form
    left open past the session): the service's own page says what to do, not Django's bare 403."""
    return _static_page("errors/form_expired.html", 403, request)
