"""A page showing a form's errors says "Error: " in its title, and a form sent with errors
answers 400 Bad Request, on every page: the one place that says both.

Every page showing a form's errors shows the GOV.UK error summary first; each error summary
template marks the request with `{% errors_shown %}` (a built-in tag of every template), and
`FormErrorsMiddleware` then starts the page's title with "Error: " (GOV.UK: the title says so
whenever the summary shows), and answers 400 where the page would have answered 200, when a form
was posted. A GET only reads (a search, a filter, "Check your answers" listing what is still to
answer): its page answers 200 whatever it shows. No template or view writes "Error: " in a
title, so no page can say it twice, nor show the summary without it.
"""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.http import HttpRequest, HttpResponse

register = template.Library()

# The request's attribute saying a page showed a form's errors.
SHOWN = "frontdoor_form_errors_shown"
# What starts the title of a page showing a form's errors.
PREFIX = b"Error: "
_TITLE = b"<title>"


@register.simple_tag(takes_context=True)
def errors_shown(context: template.Context) -> str:
    """Mark the request: this page shows an error summary. Writes nothing."""
    request = context.get("request")
    if request is not None:
        setattr(request, SHOWN, True)
    return ""


def form_was_sent(request: HttpRequest) -> bool:
    """A form posted (or sent by another method that changes something), not a page read."""
    return request.method not in ("GET", "HEAD", "OPTIONS")


def title_says_error(content: bytes) -> bytes:
    """The page with "Error: " starting its title, once."""
    start = content.find(_TITLE)
    if start < 0:
        return content
    start += len(_TITLE)
    if content.startswith(PREFIX, start):
        return content
    return content[:start] + PREFIX + content[start:]


class FormErrorsMiddleware:
    """A page re-shown with its form's errors says "Error: " in its title, and answers 400, not
    200 when a form was sent."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, SHOWN, False):
            return response
        if not response.streaming and response.get("Content-Type", "").startswith("text/html"):
            response.content = title_says_error(response.content)
        if response.status_code == 200 and form_was_sent(request):
            response.status_code = 400
        return response
