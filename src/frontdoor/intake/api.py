"""The intake endpoints of the API: partner systems report, staff systems read, referrers check.

Thin, like the views: the body is validated by `ReportIn` (the form's own `Submission`), the
change is made by `intake.services`, and refusals become 403 or 409 in `frontdoor.api`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Header, Router, Status
from pydantic import field_validator

from frontdoor.accounts.models import User
from frontdoor.accounts.permissions import require
from frontdoor.accounts.tokens import ApiTokenAuth, TokenRequest
from frontdoor.audit import services as audit
from frontdoor.intake import selectors, services
from frontdoor.intake.models import Channel, Contact
from frontdoor.intake.schemas import (
    ContactOut,
    ContactReceipt,
    StatusCheck,
    SubmissionStatus,
)
from frontdoor.intake.services import Recorded
from frontdoor.intake.submissions import Submission
from frontdoor.schema_rules import NO_NUL, Matches, Message

router = Router(tags=["contacts"])

# A partner system's own reports arrive on the `api` channel, and the police's system may send
# its police notifications as such (R2); a staff system (the council's telephony or police
# notification gateway) may record on a staff channel when its token's user may record contacts
# (`contact.record`). The service checks both. The online form is the form's.
ApiChannel = Literal[
    "api", "telephone", "in_person", "letter", "email", "edt", "police_notification"
]
# Chosen by the client, so kept short and plain; namespaced per user before use (see below).
# The MASH answer endpoint takes the same header; the OpenAPI document states the pattern.
IdempotencyKey = Annotated[
    str,
    Matches(
        "^[A-Za-z0-9._:-]{1,64}$", "Give an Idempotency-Key of 1 to 64 letters, digits, or . _ : -"
    ),
]
# A contact's reference in a path: any text the database can compare (no NUL) is looked up.
Reference = Annotated[str, NO_NUL]
NOT_FOUND = "No contact has that reference."
STATUS_NOT_FOUND = "No submission matches that reference and secret."


class ReportIn(Submission):
    """A report as a partner system sends it: the form's Submission, and how and when it came."""

    channel: ApiChannel = "api"
    # When it reached the sender (a police notification may be relayed hours later); now if unset.
    received_at: dt.datetime | None = None

    @field_validator("received_at")
    @classmethod
    def _with_time_zone(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and timezone.is_naive(value):
            raise ValueError("Give the time with its time zone, like 2026-11-19T10:00:00+00:00")
        return value


def submission_key(user: User, idempotency_key: str | None) -> str | None:
    # Each user's keys are their own: one partner's "1" never finds another partner's contact.
    return f"api:{user.pk}:{idempotency_key}" if idempotency_key else None


def _receipt(recorded: Recorded) -> dict:
    contact = recorded.contact
    return {
        "reference": contact.reference,
        "state": contact.state,
        "received_at": contact.received_at,
        "progress_due_at": contact.progress_due_at,
        "status_secret": recorded.status_secret or None,
    }


def _contact(reference: str, queryset: QuerySet[Contact]) -> Contact:
    """The contact with `reference` among those `queryset` (a need-to-know selector) allows."""
    contact = queryset.filter(reference=reference.strip().upper()).first()
    if contact is None:
        raise Http404(NOT_FOUND)
    return contact


# 400, 401, 422, 429 and 503 follow from how the API works: `frontdoor.api` adds them.
RECEIPT_RESPONSES = {200: ContactReceipt, 201: ContactReceipt, 403: Message, 409: Message}
# A token with scopes records contacts and attaches reports only with this one.
WRITING_CONTACTS = ApiTokenAuth(scope="contacts:write")


@router.post(
    "contacts", response=RECEIPT_RESPONSES, summary="Record a new contact", auth=WRITING_CONTACTS
)
def create_contact(
    request: TokenRequest,
    report: ReportIn,
    idempotency_key: Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")] = None,
):
    # R1, R2: the contact and its first report.
    """Record a contact from its first report. 201 when created; a retry with the same
    `Idempotency-Key` returns 200 and the contact the first request made."""
    recorded = services.record_contact(
        submission=report,
        channel=Channel(report.channel),
        received_at=report.received_at,
        by=request.auth,
        submission_key=submission_key(request.auth, idempotency_key),
    )
    return Status(201 if recorded.created else 200, _receipt(recorded))


@router.get(
    "contacts/{reference}",
    response={200: ContactOut, 403: Message, 404: Message},
    summary="Read a contact",
)
def read_contact(request: TokenRequest, reference: Reference):
    """A contact with its reports, children and adults; for children's services staff only."""
    # Checked before the lookup, so those who may not read contacts cannot probe references.
    require(request.auth, "inbox.view")
    contact = _contact(
        reference,
        selectors.contacts_visible_to(request.auth).prefetch_related(
            "reports",
            Prefetch("children", queryset=selectors.children_listed_for(request.auth)),
            "adults",
        ),
    )
    # R45: a restricted child's names withheld from the records' words, as on the pages.
    withheld = selectors.names_withheld_from(request.auth, contact=contact)
    for related in ("reports", "children", "adults"):
        contact._prefetched_objects_cache[related] = selectors.seen_by(  # type: ignore[attr-defined]  # Django's prefetch cache
            request.auth,
            contact=contact,
            rows=list(getattr(contact, related).all()),
            withheld=withheld,
        )
    audit.record_view(viewer=request.auth, target=contact, through="api")
    return Status(200, contact)


@router.post(
    "contacts/{reference}/reports",
    response={**RECEIPT_RESPONSES, 404: Message},
    summary="Attach another report to a contact",
    auth=WRITING_CONTACTS,
)
def attach_report(
    request: TokenRequest,
    reference: Reference,
    report: ReportIn,
    idempotency_key: Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")] = None,
):
    # R7: another report of the same incident; R3: the written follow-up of a call.
    """Another report of the same incident, or the written follow-up of a call, to a
    contact your agency reported (staff systems: any contact they may open); 404 for any other.
    409 when the contact is closed."""
    recorded = services.attach_report(
        contact=_contact(reference, selectors.contacts_open_to_reports(request.auth)),
        submission=report,
        channel=Channel(report.channel),
        received_at=report.received_at,
        by=request.auth,
        submission_key=submission_key(request.auth, idempotency_key),
    )
    return Status(201 if recorded.created else 200, _receipt(recorded))


@router.post(
    "status",
    auth=None,
    response={200: SubmissionStatus, 404: Message},
    summary="Check the status of your own submission",
)
def check_status(request: HttpRequest, check: StatusCheck):
    """For the referrer, with the reference and secret from the confirmation page. Any mismatch
    gets the same answer, so it never tells which part was wrong; nothing but the stage is said."""
    status = services.referrer_status(reference=check.reference, secret=check.secret)
    if status is None:
        raise Http404(STATUS_NOT_FOUND)
    return Status(200, {"reference": check.reference.strip().upper(), "status": status})
