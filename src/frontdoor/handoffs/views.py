"""The administrators' page of hand-offs that fail to reach the case record, and replay (R44);
the early help worker's pages of the children routed to early help, to take each (R20)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.handoffs import delivery, selectors, services
from frontdoor.handoffs.forms import CorrectForm, EarlyHelpSearchForm, TakeForm
from frontdoor.handoffs.models import HandOff
from frontdoor.handoffs.webhooks import webhooks_of
from frontdoor.intake import selectors as intake_selectors
from frontdoor.intake.models import Contact
from frontdoor.people.restrictions import contacts_hidden_from
from frontdoor.people.views import restricted_page
from frontdoor.policy.councils import serving_council
from frontdoor.policy.registry import current_policy
from frontdoor.screening.consent import sharing_position

# The most hand-offs the administrators' page lists in each table.
SHOWN = 200
# The children routed to early help listed on each page of each list.
PAGE_SIZE = 50


@require_http_methods(["GET"])
@allowed("handoffs.manage")
def troubled(request: SignedInRequest) -> HttpResponse:
    """Failing and stopped hand-offs, each with its delivery log; a restricted person's shows
    no name (R45)."""
    rows = list(selectors.troubled()[:SHOWN])
    # How many there are in all: the tables list the oldest SHOWN, and say so when there are more.
    totals = selectors.troubled().aggregate(
        dead=Count("id", filter=Q(state=HandOff.State.DEAD)),
        failing=Count("id", filter=Q(state=HandOff.State.FAILING)),
    )
    contacts = Contact.objects.filter(pk__in={row.contact_id for row in rows})
    hidden = set(contacts_hidden_from(request.user, contacts).values_list("pk", flat=True))
    webhooks = webhooks_of(serving_council())  # the council's own records' webhooks
    return render(
        request,
        "handoffs/troubled.html",
        {
            "dead": [r for r in rows if r.state == HandOff.State.DEAD],
            "failing": [r for r in rows if r.state == HandOff.State.FAILING],
            "dead_total": totals["dead"],
            "failing_total": totals["failing"],
            "hidden": hidden,
            "most_attempts": settings.HANDOFF_MOST_ATTEMPTS,
            "webhooks": sorted(
                system.name
                for system in current_policy().handoffs.record_systems
                if system.key in webhooks
            ),
            "untaken": selectors.untaken(webhooks),
        },
    )


@require_http_methods(["POST"])
@allowed("handoffs.manage")
def replay(request: SignedInRequest, pk: int) -> HttpResponse:
    handoff = get_object_or_404(selectors.handoffs_of_served_council(), pk=pk)
    try:
        delivery.replay(handoff=handoff, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"Hand-off {handoff.pk} to {handoff.record_system_name} will be sent now."
        )
    return redirect("handoffs:troubled")


@require_http_methods(["GET"])
@allowed("early_help.receive")
def early_help(request: SignedInRequest) -> HttpResponse:
    """The children routed to early help: those to take and those taken, each newest first (R20),
    or those a search by name, contact reference or early help identifier finds. A restricted
    person's hand-off shows only whom to ask, and no search finds it (R45)."""
    form = EarlyHelpSearchForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    waiting = Paginator(selectors.early_help_to_take(request.user, search=search), PAGE_SIZE)
    taken = Paginator(selectors.early_help_taken(request.user, search=search), PAGE_SIZE)
    waiting_page = waiting.get_page(request.GET.get("page"))
    taken_page = taken.get_page(request.GET.get("taken_page"))
    searched = {"q": search} if search else {}
    return render(
        request,
        "handoffs/early_help.html",
        {
            "form": form,
            "search": search,
            "waiting": waiting_page,
            "taken": taken_page,
            # Each list's pages keep the search and the other's page.
            "waiting_query": urlencode({**searched, "page": waiting_page.number}),
            "taken_query": urlencode({**searched, "taken_page": taken_page.number}),
        },
    )


@require_http_methods(["GET", "POST"])
@allowed("early_help.receive")
def early_help_handoff(request: SignedInRequest, pk: int) -> HttpResponse:
    """What was handed off to early help about one child, and taking it: the child's early help
    record is made, and its identifier given (R20, R44)."""
    handoff = selectors.early_help_handoffs(request.user).filter(pk=pk).first()
    if handoff is None:
        replaced = (
            selectors.early_help_handoffs(request.user, replaced=True)
            .select_related("replaced_by")
            .filter(pk=pk)
            .first()
        )
        if replaced is not None:  # not to be taken: say so, and open what replaced it
            words = services.replaced_words(replaced)
            typed = request.POST.get("external_id", "").strip()[:100]
            if typed:  # what they typed is not lost: it is given back to be used again
                words += f" The identifier you gave, {typed}, was not recorded: give it there."
            messages.warning(request, words)
            successor = replaced.replaced_by
            if successor is not None and successor.record_system == replaced.record_system:
                return redirect("handoffs:early_help_handoff", successor.pk)
            return redirect("handoffs:early_help")
        restriction = selectors.restriction_hiding_early_help_handoff(user=request.user, pk=pk)
        if restriction is None:
            raise Http404("No hand-off to early help has that number.")
        return restricted_page(request, restriction)
    taken = handoff.state == HandOff.State.ACCEPTED
    form: TakeForm | CorrectForm = (CorrectForm if taken else TakeForm)(request.POST or None)
    if form.is_valid():
        external_id = form.cleaned_data["external_id"]
        try:
            if taken:
                services.correct_identifier(
                    user=request.user,
                    handoff=handoff,
                    external_id=external_id,
                    reason=form.cleaned_data["reason"],
                )
            else:
                services.accept(user=request.user, handoff=handoff, external_id=external_id)
        except DomainError as error:
            form.add_error(error.field or "external_id", error.message)
        else:
            done = "corrected the identifier of" if taken else "took"
            messages.success(request, f"You {done} {handoff.child}: {external_id}.")
            return redirect(
                "handoffs:early_help_handoff" if taken else "handoffs:early_help",
                *([handoff.pk] if taken else []),
            )
    # R45: every view of a child's record is logged.
    audit.record_view(viewer=request.user, target=handoff.contact, through="early help page")
    # R45: a restricted brother's or sister's names withheld from the referrer's words.
    payload, reports = selectors.payload_seen_by(request.user, handoff=handoff)
    return render(
        request,
        "handoffs/early_help_handoff.html",
        {
            "handoff": handoff,
            "payload": payload,
            "reports": reports,
            "form": form,
            "corrections": handoff.corrections.select_related("by"),
            # Early help rests on consent (R12): the child's position, as screening words it.
            "consent": sharing_position(
                contact=handoff.contact,
                adults=intake_selectors.seen_by(
                    request.user, contact=handoff.contact, rows=list(handoff.contact.adults.all())
                ),
                children=[handoff.child],
                policy=current_policy(),
            ).for_child(handoff.child),
        },
    )
