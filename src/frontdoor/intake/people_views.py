"""The person page: a person's record (R18-R22), with the contacts and missing episodes about them.

It sits in intake, above people, because it shows intake's rows (read in `intake.selectors`)
beside people's. Correcting the record and resolving its conflicts stay in `people.views`.
Every person shown is logged as seen (R45).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.accounts.permissions import can
from frontdoor.audit import selectors as audit_views
from frontdoor.audit import services as audit
from frontdoor.intake import selectors as intake_selectors
from frontdoor.people import selectors
from frontdoor.people.models import DetailConflict
from frontdoor.people.views import person_restricted_or_404


@require_http_methods(["GET"])
@allowed("inbox.view")
def person(request: SignedInRequest, pk: int) -> HttpResponse:
    """A person's record: details, history, family, involvements, contacts, missing episodes."""
    try:
        found = get_object_or_404(selectors.people_visible_to(request.user), pk=pk)
    except Http404:
        # R45: a restricted record says whom to ask instead of being missing.
        return person_restricted_or_404(request, pk)
    if found.merged_into_id:
        messages.info(request, f"Person {found.pk} was merged into this record.")
        return redirect("people:person", pk=found.merged_into_id)
    # R45: logged before it is shown.
    audit.record_view(viewer=request.user, target=found, through="person page")
    contacts = list(intake_selectors.previous_contacts(found))
    missing = intake_selectors.missing_episodes_of(found)
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
            # R44: the person's case records, and where their hand-offs stand.
            "case_record": intake_selectors.case_record_of_person(found, contacts),
            "missing": missing,
            "timeline": intake_selectors.timeline_of(
                found, contacts=contacts, missing=missing, user=request.user
            ),
            "can_screen": can(request.user, "contact.screen"),
            "can_correct": can(request.user, "records.correct"),
            "corrections": list(selectors.corrections_of(found)),
            "conflicts": list(
                DetailConflict.objects.filter(person=found).select_related("resolved_by")
            ),
        },
    )
