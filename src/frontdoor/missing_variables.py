"""Templates that fail loudly, in tests, when they name a variable the page did not give.

Django shows a missing variable as nothing at all, so a page that forgot to pass `now` or spelt
a field wrongly renders with a hole in it, or fails later in a filter, on a state its tests never
visited. In tests (FRONTDOOR_ENV=test) `string_if_invalid` is `MissingVariable`, which raises
`MissingTemplateVariable` naming the variable and the template instead.

What may legitimately be missing still is: `{% if %}`, `{% for %}` and `{% firstof %}` never ask
(Django resolves their variables ignoring failures), and a variable given a fallback with the
`default` filter gets it, as it would outside tests. Templates that are not Front Door's own
(the admin site's, the API documentation's) keep Django's behaviour: they are written for it.
"""

from __future__ import annotations

import copy
import inspect
from pathlib import Path

OUR_TEMPLATES = str(Path(__file__).resolve().parent)


class MissingTemplateVariable(Exception):
    """A template named a variable its page did not give."""


class MissingVariable(str):
    """A `string_if_invalid` that raises: Django formats it with the variable's name."""

    def __new__(cls) -> MissingVariable:
        return super().__new__(cls, "%s")

    # Django takes what this gives as the variable's value: not always text.
    def __mod__(self, variable: object) -> object:  # type: ignore[override]
        expression, context = _resolving()
        origin = _template_origin()
        if _from_a_package(origin):
            return ""  # Django's own and other packages' templates: Django's behaviour
        if expression is not None and _has_default(expression):
            # As Django does with an empty string_if_invalid: the filters run on "".
            on_nothing = copy.copy(expression)
            on_nothing.is_var, on_nothing.var = False, ""
            return on_nothing.resolve(context)
        where = f" in {origin.removeprefix(OUR_TEMPLATES + '/')}" if origin else ""
        name = getattr(variable, "var", variable)
        raise MissingTemplateVariable(
            f"The template variable '{name}'{where} is missing from the page's context: "
            "give it in the view, or test for it with {% if %} or |default."
        )


def _resolving():
    """The FilterExpression being resolved, and its context, from the frame that called us."""
    frame = inspect.currentframe()
    while frame is not None:
        owner = frame.f_locals.get("self")
        if type(owner).__name__ == "FilterExpression" and frame.f_code.co_name == "resolve":
            return owner, frame.f_locals.get("context")
        frame = frame.f_back
    return None, None


def _template_origin() -> str | None:
    """The file of the innermost template being rendered (an included one, not its parent)."""
    frame = inspect.currentframe()
    while frame is not None:
        owner = frame.f_locals.get("self")
        origin = getattr(owner, "origin", None)
        if origin is not None and frame.f_code.co_name in {"render", "render_annotated"}:
            return str(origin.name)
        frame = frame.f_back
    return None


def _from_a_package(origin: str | None) -> bool:
    """Whether the template is a file of an installed package, not one of Front Door's own
    (a template made from a string in Front Door's code has no file)."""
    return origin is not None and origin.startswith("/") and not origin.startswith(OUR_TEMPLATES)


def _has_default(expression) -> bool:
    from django.template.defaultfilters import default

    return any(function is default for function, arguments in expression.filters)
