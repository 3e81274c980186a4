"""Staff pages for a contact's children and adults: is this child known? (R18), linking each to a
person record, the household the contact describes (R22), and correcting what the contact reported
(R45: rectification).

Views are thin: check the permission, load through selectors, call one function of
`screening.linking`, and turn a `DomainError` into an error summary. Every person shown is logged
as seen (R45).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import ReportedAdult, ReportedChild
from frontdoor.intake.selectors import children_seen_by, contacts_visible_to
from frontdoor.people import selectors
from frontdoor.people.forms import MatchForm
from frontdoor.people.matching import candidates
from frontdoor.people.views import correction_page
from frontdoor.screening import linking
from frontdoor.screening.known_elsewhere import described, known_elsewhere

KINDS = ("child", "adult")


def _contact(request: SignedInRequest, reference: str):
    return get_object_or_404(contacts_visible_to(request.user), reference=reference)


def _reported(contact, kind: str, reported_id: int):
    if kind not in KINDS:
        raise Http404("No such kind of person")
    model = ReportedChild if kind == "child" else ReportedAdult
    return get_object_or_404(
        model.objects.select_related("person"), contact=contact, pk=reported_id
    )


def _next_to_match(contact, reported) -> tuple[str, object] | None:
    """The contact's next child (then adult) with no person record yet, other than `reported`:
    the worker goes on to it in one click, or back to screening when there is none."""
    for kind, people in (("child", contact.children), ("adult", contact.adults)):
        for other in people.filter(person__isnull=True).order_by("id"):
            if not (other.pk == reported.pk and type(other) is type(reported)):
                return kind, other
    return None


@require_http_methods(["GET", "POST"])
@allowed("contact.screen")
def match(request: SignedInRequest, reference: str, kind: str, reported_id: int) -> HttpResponse:
    """The known people most like one reported child or adult, with reasons; link or create."""
    contact = _contact(request, reference)
    reported = _reported(contact, kind, reported_id)
    form = MatchForm(request.POST or None)
    confirm = None
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "link":
                person = get_object_or_404(
                    selectors.people_visible_to(request.user), pk=form.cleaned_data["person"]
                )
                linking.link_reported_person(
                    reported=reported,
                    person=person,
                    by=request.user,
                    same_child_confirmed=form.cleaned_data["same_child_confirmed"],
                )
                reported.refresh_from_db()
                if getattr(reported, "account_of_id", None):
                    # A further account of another child has no match page of its own.
                    messages.success(
                        request,
                        f"{reported.name} is now a further account of {reported.account_of.name}.",
                    )
                    return redirect(reverse("screening:contact", args=[contact.reference]))
                messages.success(request, f"{reported.name} is linked to {person.name}'s record.")
            else:
                person = linking.create_person_from(reported=reported, by=request.user)
                messages.success(request, f"A new person record was created for {person.name}.")
            return redirect(request.path)
        except linking.SameChildUnconfirmed as question:
            # Not an error: a question, answered on the page before anything changes.
            confirm = {"message": question.message, "person": form.cleaned_data["person"]}
            reported.refresh_from_db()
        except DomainError as error:
            form.add_error(None, error.message)
            reported.refresh_from_db()

    found = []
    if reported.person_id is None:
        found = candidates(**described(reported))
    # R18: known to another council on the service: whom to ask there, never the details.
    elsewhere = (
        known_elsewhere(reported=reported, contact=contact, by=request.user)
        if kind == "child"
        else []
    )
    # R45: a restricted candidate is shown as "ask whom", without its details.
    ask_about = selectors.restricted_among(request.user, [c.person.pk for c in found])
    shown = [c.person for c in found if c.person.pk not in ask_about]
    if reported.person_id:
        shown.append(reported.person)
    # R45: showing a known person's details is a view of their record.
    for person in shown:
        audit.record_view(
            viewer=request.user, target=person, through=f"matching for contact {reference}"
        )
    open_by_person = selectors.open_involvements_by_person([p.pk for p in shown])
    # R18: a candidate another child of this contact is already linked to, said before linking.
    linked_siblings = (
        {
            other.person_id: other.name
            for other in children_seen_by(request.user, contact=contact)
            .exclude(pk=reported.pk)
            .filter(person__isnull=False)
        }
        if kind == "child"
        else {}
    )
    return render(
        request,
        "people/match.html",
        {
            "contact": contact,
            "reported": reported,
            "next_to_match": _next_to_match(contact, reported),
            "kind": kind,
            "candidates": [
                (
                    c,
                    open_by_person.get(c.person.pk, []),
                    ask_about.get(c.person.pk),
                    linked_siblings.get(c.person.pk),
                )
                for c in found
            ],
            "linked_open": open_by_person.get(reported.person_id, []),
            "known_elsewhere": elsewhere,
            "form": form,
            "confirm": confirm,
        },
    )


@require_http_methods(["POST"])
@allowed("contact.screen")
def household(request: SignedInRequest, reference: str) -> HttpResponse:
    """Record the household and relationships the contact describes (R22)."""
    contact = _contact(request, reference)
    try:
        result = linking.link_household(contact=contact, by=request.user)
        messages.success(
            request,
            f"Household recorded: {len(result.relationships_added)} new relationship(s), "
            f"{len(result.members_added)} new member(s).",
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(reverse("intake:contact", args=[contact.reference]))


@require_http_methods(["GET", "POST"])
@allowed("records.correct")
def correct_reported(
    request: SignedInRequest, reference: str, kind: str, reported_id: int
) -> HttpResponse:
    """Correct a child's or adult's details as a contact reported them, at any stage of the
    contact (a closed one too: it changes no decision)."""
    contact = _contact(request, reference)
    reported = _reported(contact, kind, reported_id)
    if (
        reported.person_id
        and not selectors.people_visible_to(request.user).filter(pk=reported.person_id).exists()
    ):
        raise Http404("No such person on this contact")  # R45: never shown to the unnamed
    section = "children" if kind == "child" else "adults"
    back = reverse("intake:contact", args=[contact.reference]) + f"#{section}"
    return correction_page(request, record=reported, back=back, contact=contact, kind=kind)
