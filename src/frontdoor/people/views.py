"""Staff pages for people: is this child known? (R18), and the person's record (R18-R22).

Views are thin: check the permission, load through selectors, call one function of
`people.services`, and turn a `DomainError` into an error summary. Every person shown is logged
as seen (R45).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import allowed
from frontdoor.accounts.permissions import can
from frontdoor.audit import selectors as audit_views
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.people import corrections, selectors, services
from frontdoor.people.forms import ConflictForm, CorrectionForm, MatchForm
from frontdoor.people.matching import candidates
from frontdoor.people.models import DetailConflict
from frontdoor.policy.clocks import LONDON
from frontdoor.wording import in_sentence

KINDS = ("child", "adult")


def _contact(request: HttpRequest, reference: str):
    # intake sits above people: its selectors are imported where they are used.
    from frontdoor.intake.selectors import contacts_visible_to

    return get_object_or_404(contacts_visible_to(request.user), reference=reference)


def _reported(contact, kind: str, reported_id: int):
    from frontdoor.intake.models import ReportedAdult, ReportedChild

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
def match(request: HttpRequest, reference: str, kind: str, reported_id: int) -> HttpResponse:
    """The known people most like one reported child or adult, with reasons; link or create."""
    contact = _contact(request, reference)
    reported = _reported(contact, kind, reported_id)
    form = MatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "link":
                person = get_object_or_404(
                    selectors.people_visible_to(request.user), pk=form.cleaned_data["person"]
                )
                services.link_reported_person(reported=reported, person=person, by=request.user)
                messages.success(request, f"{reported.name} is linked to {person.name}'s record.")
            else:
                person = services.create_person_from(reported=reported, by=request.user)
                messages.success(request, f"A new person record was created for {person.name}.")
            return redirect(request.path)
        except DomainError as error:
            form.add_error(None, error.message)
            reported.refresh_from_db()

    found = []
    if reported.person_id is None:
        found = candidates(
            first_name=reported.first_name,
            last_name=reported.last_name,
            date_of_birth=reported.date_of_birth
            or getattr(reported, "expected_date_of_birth", None),
            postcode=reported.postcode,
            nhs_number=getattr(reported, "nhs_number", ""),
            other_names=reported.other_names,
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
    return render(
        request,
        "people/match.html",
        {
            "contact": contact,
            "reported": reported,
            "next_to_match": _next_to_match(contact, reported),
            "kind": kind,
            "candidates": [
                (c, open_by_person.get(c.person.pk, []), ask_about.get(c.person.pk)) for c in found
            ],
            "linked_open": open_by_person.get(reported.person_id, []),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["POST"])
@allowed("contact.screen")
def household(request: HttpRequest, reference: str) -> HttpResponse:
    """Record the household and relationships the contact describes (R22)."""
    contact = _contact(request, reference)
    try:
        result = services.link_household(contact=contact, by=request.user)
        messages.success(
            request,
            f"Household recorded: {len(result.relationships_added)} new relationship(s), "
            f"{len(result.members_added)} new member(s).",
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(reverse("intake:contact", args=[contact.reference]))


@require_http_methods(["GET"])
@allowed("inbox.view")
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's record: details, history, family, involvements, contacts, missing episodes."""
    try:
        found = get_object_or_404(selectors.people_visible_to(request.user), pk=pk)
    except Http404:
        # R45: a restricted record says whom to ask instead of being missing.
        from frontdoor.privacy.views import person_restricted_or_404

        return person_restricted_or_404(request, pk)
    if found.merged_into_id:
        messages.info(request, f"Person {found.pk} was merged into this record.")
        return redirect("people:person", pk=found.merged_into_id)
    # R45: logged before it is shown.
    audit.record_view(viewer=request.user, target=found, through="person page")
    contacts = list(selectors.previous_contacts(found))
    missing = selectors.missing_episodes_of(found)
    return render(
        request,
        "people/person.html",
        {
            "person": found,
            "phone_numbers": list(found.phone_numbers.all()),
            "history": selectors.change_history(found),
            "seen": audit_views.seen(audit_views.of(found, found.pk)),
            "relationships": selectors.relationships_of(found),
            "household": selectors.household_of(found),
            "involvements": list(selectors.involvements_of(found)),
            "contacts": contacts,
            "missing": missing,
            "timeline": selectors.timeline_of(found, contacts=contacts, missing=missing),
            "can_screen": can(request.user, "contact.screen"),
            "can_correct": can(request.user, "records.correct"),
            "corrections": list(selectors.corrections_of(found)),
            "conflicts": list(
                DetailConflict.objects.filter(person=found).select_related("resolved_by")
            ),
        },
    )


def _correct(
    request: HttpRequest, *, record, back: str, contact=None, kind: str = ""
) -> HttpResponse:
    """The correction page for one record: the details as they are, and why they change."""
    as_of = contact.received_at.astimezone(LONDON).date() if contact else timezone.localdate()
    form = CorrectionForm(request.POST or None, record=record, as_of=as_of)
    if request.method == "POST" and form.is_valid():
        try:
            done = corrections.correct_details(
                record=record,
                by=request.user,
                details=form.details(),
                reason=form.cleaned_data["reason"],
                seen=form.cleaned_data["seen"],
            )
            changed = ", ".join(in_sentence(correction.label) for correction in reversed(done))
            messages.success(request, f"Corrected for {record}: {changed}.")
            return redirect(back)
        except corrections.ChangedSinceOpened as error:
            # What was typed stays; the details as they are now are shown beside it, and saving
            # again is a deliberate choice made having seen them.
            data = request.POST.copy()
            data["seen"] = corrections.details_digest(record)
            form = CorrectionForm(data, record=record, as_of=as_of)
            form.is_valid()
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
    elif request.method == "GET":
        # R45: the page shows the record's details: a view of it.
        audit.record_view(viewer=request.user, target=record, through="correction page")
    return render(
        request,
        "people/correct.html",
        {
            "record": record,
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
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@allowed("records.correct")
def correct_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a person's details after intake, with the reason (R45: rectification)."""
    try:
        found = get_object_or_404(selectors.people_visible_to(request.user), pk=pk)
    except Http404:
        from frontdoor.privacy.views import person_restricted_or_404

        return person_restricted_or_404(request, pk)
    if found.merged_into_id:
        return redirect("people:correct", pk=found.merged_into_id)
    return _correct(request, record=found, back=reverse("people:person", args=[found.pk]))


@require_http_methods(["GET", "POST"])
@allowed("records.correct")
def correct_reported(
    request: HttpRequest, reference: str, kind: str, reported_id: int
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
    return _correct(request, record=reported, back=back, contact=contact, kind=kind)


@require_http_methods(["POST"])
@allowed("contact.screen")
def resolve_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve a detail a report gave that differs from the record: keep which, and why (R22)."""
    found = get_object_or_404(selectors.people_visible_to(request.user), pk=pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
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
