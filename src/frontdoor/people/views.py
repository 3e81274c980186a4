"""Staff pages for people: correcting a person's record, its conflicts, and the "ask whom" page
for a restricted record (R45). The person's record itself (R18-R22) shows intake's contacts and
missing episodes, so it is intake's (`intake.people_views`); matching a contact's children and
adults to records is screening's (`screening.people_views`).

Views are thin: check the permission, load through selectors, call one function of
`people.services` or `people.corrections`, and turn a `DomainError` into an error summary. Every
person shown is logged as seen (R45).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.people import corrections, selectors, services
from frontdoor.people.forms import ConflictForm, CorrectionForm
from frontdoor.people.models import DetailConflict, Restriction
from frontdoor.people.restrictions import restriction_hiding_person
from frontdoor.policy.clocks import LONDON
from frontdoor.wording import in_sentence


def restricted_page(request: SignedInRequest, restriction: Restriction) -> HttpResponse:
    """A 403 that says the record exists and whom to ask, and nothing of what it holds (R45)."""
    # A refused look at a restricted record is worth knowing about (R45).
    audit.record(
        actor=request.user,
        action="restriction.refused",
        target=restriction.person,
        reason=request.path,
    )
    return render(request, "people/restricted.html", {"ask": restriction.ask}, status=403)


def person_restricted_or_404(request: SignedInRequest, pk: int) -> HttpResponse:
    """For a person the user cannot load: the "ask whom" page if a restriction hides them."""
    restriction = restriction_hiding_person(user=request.user, person_id=pk)
    if restriction is None:
        raise Http404("No person with that number.")
    return restricted_page(request, restriction)


def correction_page(
    request: SignedInRequest, *, record, back: str, contact=None, kind: str = ""
) -> HttpResponse:
    """The correction page for one record, a person or a child or adult as a contact reported
    them: the details as they are, and why they change."""
    as_of = contact.received_at.astimezone(LONDON).date() if contact else timezone.localdate()
    # A child or adult a contact reported, linked to a person record: the page offers to
    # correct the person record too.
    person = corrections.linked_person(record) if contact else None
    form = CorrectionForm(request.POST or None, record=record, as_of=as_of, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            done = corrections.correct_details(
                record=record,
                by=request.user,
                details=form.details(),
                reason=form.cleaned_data["reason"],
                seen=form.cleaned_data["seen"],
                also_person=bool(form.cleaned_data.get("also_person")),
                person_seen=form.cleaned_data.get("person_seen", ""),
            )
            # The banner names the record as it now is: by its corrected name, if it was one.
            record.refresh_from_db()
            if person is not None:
                person.refresh_from_db()
            messages.success(request, _corrected_banner(record, person, done))
            return redirect(back)
        except corrections.ChangedSinceOpened as error:
            # What was typed stays; the details as they are now are shown beside it, and saving
            # again is a deliberate choice made having seen them.
            data = request.POST.copy()
            data["seen"] = corrections.details_digest(record)
            if person is not None:
                person.refresh_from_db()
                data["person_seen"] = corrections.details_digest(person)
            form = CorrectionForm(data, record=record, as_of=as_of, person=person)
            form.is_valid()
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
    elif request.method == "GET":
        # R45: the page shows the record's details: a view of it.
        audit.record_view(viewer=request.user, target=record, through="correction page")
        if person is not None:
            # It also says whether the person record says the same.
            audit.record_view(
                viewer=request.user,
                target=person,
                through=f"correction page of contact {contact.reference}",
            )
    return render(
        request,
        "people/correct.html",
        {
            "record": record,
            "person": person,
            "contact": contact,
            "kind": kind,
            "form": form,
            "back": back,
            "corrections": list(selectors.corrections_of(record)),
            "on_record": [
                (
                    name,
                    corrections.CORRECTABLE[name],
                    corrections.shown(name, getattr(record, name)),
                )
                for name in corrections.correctable_fields(record)
            ],
        },
    )


def _corrected_banner(record, person, done) -> str:
    """What was corrected, on the record and, if it was, on the person record too."""
    on_record = [c for c in done if c.record_type == corrections.record_label(record)]
    on_person = [c for c in done if c not in on_record]
    said = f"Corrected for {record}: {_labels(on_record)}."
    if person is not None and on_person:
        said += f" Also corrected on {person.name}'s person record: {_labels(on_person)}."
    return said


def _labels(done) -> str:
    return ", ".join(in_sentence(correction.label) for correction in reversed(done))


@require_http_methods(["GET", "POST"])
@allowed("records.correct")
def correct_person(request: SignedInRequest, pk: int) -> HttpResponse:
    """Correct a person's details after intake, with the reason (R45: rectification)."""
    try:
        found = get_object_or_404(selectors.people_visible_to(request.user), pk=pk)
    except Http404:
        return person_restricted_or_404(request, pk)
    if found.merged_into_id:
        return redirect("people:correct", pk=found.merged_into_id)
    return correction_page(request, record=found, back=reverse("people:person", args=[found.pk]))


@require_http_methods(["POST"])
@allowed("contact.screen")
def resolve_conflict(request: SignedInRequest, pk: int) -> HttpResponse:
    """Resolve a detail a report gave that differs from the record: keep which, and why (R22)."""
    found = get_object_or_404(selectors.people_visible_to(request.user), pk=pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])  # type: ignore[arg-type]  # an error list gives its messages as text
    else:
        conflict = get_object_or_404(
            DetailConflict.objects.filter(person=found), pk=form.cleaned_data["conflict"]
        )
        try:
            services.resolve_conflict(
                conflict=conflict,
                by=request.user,
                keep=form.cleaned_data["keep"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{conflict.label}: resolved")
    return redirect(reverse("people:person", args=[found.pk]) + "#conflicts")
