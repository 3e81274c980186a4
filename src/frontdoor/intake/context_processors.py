"""What every page about a contact needs to withhold a restricted child's names (R45)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from frontdoor.intake.models import Contact
from frontdoor.intake.selectors import Withheld, names_withheld_from


def _withheld(request: HttpRequest) -> list[Withheld]:
    match = request.resolver_match
    reference = match.kwargs.get("reference") if match else None
    user = getattr(request, "user", None)
    if not reference or user is None or not user.is_authenticated:
        return []
    contact = Contact.objects.filter(reference=reference).first()
    if contact is None:
        return []
    return names_withheld_from(user, contact=contact)


def names_withheld(request: HttpRequest) -> dict[str, object]:
    """`names_withheld`: on a page named by a contact's reference, the names of the contact's
    children restricted from the user, for the `unnamed` filter; read only if the page uses it."""
    return {"names_withheld": SimpleLazyObject(lambda: _withheld(request))}
