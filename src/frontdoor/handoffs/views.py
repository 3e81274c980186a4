"""The administrators' page of hand-offs that fail to reach the case record, and replay (R44)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.errors import DomainError
from frontdoor.handoffs import delivery, selectors
from frontdoor.handoffs.models import HandOff
from frontdoor.intake.models import Contact
from frontdoor.people.restrictions import contacts_hidden_from

# The most hand-offs the page lists in each table.
SHOWN = 200


@require_http_methods(["GET"])
@allowed("handoffs.manage")
def troubled(request: SignedInRequest) -> HttpResponse:
    """Failing and stopped hand-offs, each with its delivery log; a restricted person's shows
    no name (R45)."""
    rows = list(selectors.troubled()[:SHOWN])
    contacts = Contact.objects.filter(pk__in={row.contact_id for row in rows})
    hidden = set(contacts_hidden_from(request.user, contacts).values_list("pk", flat=True))
    return render(
        request,
        "handoffs/troubled.html",
        {
            "dead": [r for r in rows if r.state == HandOff.State.DEAD],
            "failing": [r for r in rows if r.state == HandOff.State.FAILING],
            "hidden": hidden,
            "most_attempts": settings.HANDOFF_MOST_ATTEMPTS,
        },
    )


@require_http_methods(["POST"])
@allowed("handoffs.manage")
def replay(request: SignedInRequest, pk: int) -> HttpResponse:
    handoff = get_object_or_404(HandOff, pk=pk)
    try:
        delivery.replay(handoff=handoff, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Hand-off {handoff.pk} to {handoff.record_system_name} will be sent now."
        )
    return redirect("handoffs:troubled")
