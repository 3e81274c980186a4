"""Single-agency enquiries for contacts that meet no MASH criterion (R34).

A contact that meets none of the council's MASH criteria still gets enquiries, by the duty
social worker alone: they talk to the parents and the referrer, complete a social care and
early help chronology, and record risks and protective factors (Signs of Safety).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact
from frontdoor.policy.registry import current_policy
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.models import SingleAgencyEnquiry
from frontdoor.screening.selectors import contact_screening
from frontdoor.screening.transitions import OPEN_STATES
from frontdoor.wording import in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

PARTS = {
    "parents_conversation": "the conversation with the parents or carers",
    "referrer_conversation": "the conversation with the referrer",
    "chronology": "the social care and early help chronology",
    "risks": "the risks",
    "protective_factors": "the protective factors",
}


def children_meeting_a_criterion(contact: Contact) -> list[str]:
    """The contact's children who meet a MASH criterion (R33, R34), by name."""
    view = contact_screening(policy=current_policy(), contact=contact)
    return [str(item.child) for item in view.children if item.criteria_met]


@transaction.atomic
def record_single_agency_enquiry(
    *,
    contact: Contact,
    by: User,
    parents_conversation: str,
    referrer_conversation: str,
    chronology: str,
    risks: str,
    protective_factors: str,
    now: dt.datetime | None = None,
) -> SingleAgencyEnquiry:
    """Record the duty social worker's single-agency enquiries for a contact (R34)."""
    require(by, "contact.screen")
    now = now or timezone.now()
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.state not in OPEN_STATES:
        raise DomainError(
            f"Contact {contact.reference} is {in_sentence(contact.get_state_display())}: its "
            "enquiries can no longer be recorded."
        )
    given = {
        "parents_conversation": parents_conversation,
        "referrer_conversation": referrer_conversation,
        "chronology": chronology,
        "risks": risks,
        "protective_factors": protective_factors,
    }
    missing = [PARTS[name] for name, text in given.items() if not text.strip()]
    if missing:
        raise DomainError("Record " + ", ".join(missing) + ".")
    if meeting := children_meeting_a_criterion(contact):
        raise DomainError(
            f"{', '.join(meeting)} meet{'s' if len(meeting) == 1 else ''} a MASH criterion: "
            "the contact goes to MASH enquiries with the partner agencies, not single-agency "
            "enquiries."
        )
    enquiry = SingleAgencyEnquiry.objects.create(
        contact=contact,
        **{name: text.strip() for name, text in given.items()},
        recorded_by=by,
        recorded_at=now,
        policy_version=current_policy_version(),
    )
    audit.record(
        actor=by,
        action="single_agency_enquiry.recorded",
        target=contact,
        changes={"enquiry": enquiry.pk},
        policy_version=enquiry.policy_version,
        at=now,
    )
    return enquiry
