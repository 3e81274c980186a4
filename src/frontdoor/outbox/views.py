"""The administrators' outbox page: e-mail and text messages not sent, and sending them again."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.errors import DomainError
from frontdoor.outbox import services


@require_http_methods(["GET"])
@allowed("outbox.manage")
def undelivered(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "outbox/undelivered.html",
        {
            "gave_up": list(services.gave_up().order_by("-created_at")[:200]),
            "failing": list(services.failing().order_by("-created_at")[:200]),
            "max_attempts": services.MAX_ATTEMPTS,
        },
    )


@require_http_methods(["POST"])
@allowed("outbox.manage")
def send_again(request: SignedInRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(services.messages_of_served_council(), pk=pk)
    try:
        services.send_again(message=message, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The message to {message.to} will be tried again now.")
    return redirect("outbox:undelivered")
