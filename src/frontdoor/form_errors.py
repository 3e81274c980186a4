"""A form sent with errors answers 400 Bad Request, on every page: the one place that says so.

Every page showing a form's errors shows the GOV.UK error summary first; each error summary
template marks the request with `{% errors_shown %}` (a built-in tag of every template), and
`FormErrorsMiddleware` then answers 400 where the page would have answered 200, when a form was
sent: by a POST, or by a GET with a query (a search, a filter). A page merely visited answers
200 even when it lists what is still to answer ("Check your answers"). A view says nothing
about it: no page can answer otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.http import HttpRequest, HttpResponse

register = template.Library()

# The request's attribute saying a page showed a form's errors.
SHOWN = "frontdoor_form_errors_shown"


@register.simple_tag(takes_context=True)
def errors_shown(context: template.Context) -> str:
    """Mark the request: this page shows an error summary. Writes nothing."""
    request = context.get("request")
    if request is not None:
        setattr(request, SHOWN, True)
    return ""


def form_was_sent(request: HttpRequest) -> bool:
    """A POST (or another method that sends a body), or a GET form sent with its query."""
    if request.method in ("GET", "HEAD"):
        return bool(request.GET)
    return True


class FormErrorsMiddleware:
    """A page re-shown with its form's errors answers 400, not 200."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 200
            and getattr(request, SHOWN, False)
            and form_was_sent(request)
        ):
            response.status_code = 400
        return response
