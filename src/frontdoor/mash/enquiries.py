"""Sending MASH enquiries, agencies answering them, the final RAG and chasing (R33-R38).

Each function checks who may act, the state, writes the change and its audit entry in one
transaction, and refuses anything else with a message a worker can act on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.accounts.permissions import PermissionDeniedError, require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError, StalePageError
from frontdoor.intake.models import Contact, ReportedAdult, ReportedChild
from frontdoor.intake.selectors import require_child_seen
from frontdoor.mash.models import AgencyRequest, Answer, Enquiry, Opinion, RagReview
from frontdoor.mash.selectors import (
    asked_about,
    council_of,
    policy_of,
    presents_at_strategy_meeting,
    sent_to_agency_of,
    sharing_allows,
    users_of_agency_asked,
)
from frontdoor.outbox.services import queue_message
from frontdoor.policy.clocks import deadline_in_words, start_clock, time_in_words
from frontdoor.policy.councils import serving
from frontdoor.policy.rag import rag_label
from frontdoor.policy.registry import calendar_for, current_loaded_policy
from frontdoor.policy.schema import Rag
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.selectors import contact_screening
from frontdoor.screening.transitions import into_mash, out_of_mash


def _when(moment: dt.datetime) -> str:
    return time_in_words(moment)


def _agency_addresses(request: AgencyRequest, *, managers: bool = False) -> list[str]:
    """Where the agency asked is alerted: its users' addresses, wherever their accounts are;
    with `managers`, its managers' too (an overdue chase, R36)."""
    return list(
        users_of_agency_asked(request, managers=managers)
        .exclude(email="")
        .values_list("email", flat=True)
    )


@transaction.atomic
def send_enquiry(
    *,
    contact: Contact,
    child: ReportedChild,
    by: User,
    rag: str,
    agencies: list[str],
    reason: str,
    now: dt.datetime | None = None,
) -> Enquiry:
    """Send a child's contact into MASH: each agency is alerted and its clock starts (R33-R36)."""
    require(by, "enquiry.send")
    now = now or timezone.now()
    loaded = current_loaded_policy()
    policy = loaded.policy
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if child.contact_id != contact.pk:
        raise DomainError(f"{child} is not part of contact {contact.reference}.")
    # R45: nothing is done for a child by someone the child's restriction does not name.
    require_child_seen(by, child=child)
    if rag not in Rag.values:
        raise DomainError("Choose the RAG rating the enquiry is sent under: Red, Amber or Green.")
    known = {agency.key for agency in policy.agencies}
    chosen = list(dict.fromkeys(agencies))
    if not chosen:
        raise DomainError("Choose at least one partner agency to ask.")
    unknown = [key for key in chosen if key not in known]
    if unknown:
        raise DomainError(
            "These are not partner agencies in the council's policy: " + ", ".join(unknown)
        )
    if not reason.strip():
        raise DomainError("Say why the child goes to MASH: the agencies read it.")
    if Enquiry.objects.filter(child=child, closed_at__isnull=True).exists():
        raise DomainError(f"{child} already has an open MASH enquiry.")
    view = contact_screening(policy=policy, contact=contact)
    summary = next(item for item in view.children if item.child.pk == child.pk)
    if not summary.mash.goes_to_mash:
        raise DomainError(
            f"No MASH criterion is met and no route into MASH applies for {child}: the duty "
            "social worker makes single-agency enquiries instead. Record the "
            "screening findings first if they meet one."
        )
    may_share, why_not = sharing_allows(
        policy=policy, sharing=view.sharing.for_child(child), rag=rag
    )
    if not may_share:
        raise DomainError(why_not)
    into_mash(contact=contact, by=by, at=now)
    enquiry = Enquiry.objects.create(
        contact=contact,
        child=child,
        rag=rag,
        reason=reason.strip(),
        criteria_met=[
            {"key": item.key, "label": item.label, "evidence": item.evidence}
            for item in summary.criteria_met
        ],
        present_at_strategy_meeting=presents_at_strategy_meeting(rag=rag, suggested=summary.rag),
        sent_by=by,
        sent_at=now,
        policy_version=current_policy_version(),
    )
    clock = start_clock(
        timescale=policy.timescale(policy.rag[Rag(rag)].enquiry_timescale),
        start=now,
        calendar=calendar_for(loaded),
    )
    # R35, R36: with an immediate need, agencies present at the strategy meeting: no written
    # answer is due, so none is clocked or chased.
    due_at = clock.due if clock and not enquiry.present_at_strategy_meeting else None
    for key in chosen:
        request = AgencyRequest.objects.create(
            enquiry=enquiry, agency_key=key, alerted_at=now, due_at=due_at
        )
        _alert_agency(request=request, policy=policy, enquiry=enquiry)
    audit.record(
        actor=by,
        action="enquiry.sent",
        target=contact,
        changes={"child": str(child), "rag": rag, "agencies": chosen},
        reason=enquiry.reason,
        policy_version=enquiry.policy_version,
        at=now,
    )
    return enquiry


def _alert_agency(*, request: AgencyRequest, policy, enquiry: Enquiry) -> None:
    """Tell the agency's users a request is waiting; the message carries no case details."""
    agency = policy.agency(request.agency_key)
    if enquiry.present_at_strategy_meeting:
        ask = "The need is immediate: present what your agency holds at the strategy meeting."
    elif request.due_at:
        ask = f"Please answer by {deadline_in_words(request.due_at)}."
    else:
        ask = "Please answer as soon as you can."
    for address in _agency_addresses(request):
        queue_message(
            key=f"request-{request.pk}-alert-{address}",
            kind="enquiry_alert",
            to=address,
            subject=f"{enquiry.get_rag_display()} MASH enquiry for {agency.name}",
            body=(
                f"{policy.council.name} MASH has sent {agency.name} a "
                f"{enquiry.get_rag_display()} enquiry. {ask}\n\nSign in to Front Door to read and "
                "answer it."
            ),
        )


@dataclass(frozen=True)
class PersonAnswer:
    """What the agency holds about one person of the contact."""

    about_child: ReportedChild | None
    about_adult: ReportedAdult | None
    nothing_known: bool
    information: str


def _visible_request(request: AgencyRequest, by: User) -> AgencyRequest:
    require(by, "enquiry.answer")
    if not AgencyRequest.objects.filter(sent_to_agency_of(by), pk=request.pk).exists():
        # Need-to-know: the same refusal as for a request that does not exist.
        raise PermissionDeniedError("This enquiry was not sent to your agency.")
    return request


@transaction.atomic
def answer_request(
    *,
    request: AgencyRequest,
    by: User,
    answers: list[PersonAnswer],
    opinion: str,
    submission_key: str,
    now: dt.datetime | None = None,
) -> AgencyRequest:
    """An agency answers for the child, the other children and the adults (R37).

    The same form sent twice (a double click, a retry) stores one answer.
    """
    _visible_request(request, by)
    now = now or timezone.now()
    request = AgencyRequest.objects.select_for_update().select_related("enquiry").get(pk=request.pk)
    existing = Opinion.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        if existing.request_id != request.pk:
            raise DomainError("This answer was already sent for another enquiry.")
        return request
    enquiry = request.enquiry
    if enquiry.closed_at is not None:
        raise DomainError(
            f"This enquiry was closed at {_when(enquiry.closed_at)}: answers are no longer "
            "taken. Telephone the MASH if you hold something new."
        )
    if request.answered_at is not None:
        raise DomainError(
            f"Your agency answered this enquiry at {_when(request.answered_at)}. Telephone the "
            "MASH if you hold something new."
        )
    if not opinion.strip():
        raise DomainError("Give your agency's professional opinion.")
    people = set(asked_about(policy=policy_of(enquiry), enquiry=enquiry, user=by))
    answered = set()
    for answer in answers:
        key = (
            f"child-{answer.about_child.pk}"
            if answer.about_child
            else f"adult-{answer.about_adult.pk}"  # type: ignore[union-attr]  # about a child or an adult
        )
        if key not in people:
            raise DomainError(
                "An answer is about someone this enquiry does not ask about: someone not part "
                "of it, or someone whose information is not shared, as consent does not allow it."
            )
        if not answer.nothing_known and not answer.information.strip():
            raise DomainError(
                "For each person, say what your agency holds, or that nothing is known."
            )
        answered.add(key)
    if answered != people:
        raise DomainError(
            "Answer for every child and adult named, even if nothing is known about them."
        )
    for answer in answers:
        Answer.objects.create(
            request=request,
            about_child=answer.about_child,
            about_adult=answer.about_adult,
            nothing_known=answer.nothing_known,
            information="" if answer.nothing_known else answer.information.strip(),
            answered_by=by,
            answered_at=now,
        )
    try:
        with transaction.atomic():
            Opinion.objects.create(
                request=request,
                opinion=opinion.strip(),
                answered_by=by,
                answered_at=now,
                submission_key=submission_key,
            )
    except IntegrityError:
        raise DomainError("Your agency's answer was already stored.") from None
    request.answered_at = now
    request.save(update_fields=["answered_at"])
    audit.record(
        actor=by,
        action="enquiry.answered",
        target=enquiry.contact,
        changes={
            "agency": request.agency_key,
            "late": request.state(now) == AgencyRequest.State.LATE,
        },
        at=now,
    )
    return request


class ReviewConflict(DomainError):
    def __init__(self, review: RagReview):
        self.review = review
        super().__init__(
            f"{review.reviewed_by} confirmed the final RAG as {review.get_rag_display()} at "
            f"{_when(review.reviewed_at)}. Yours was not saved: read theirs first."
        )


@transaction.atomic
def review_rag(
    *,
    enquiry: Enquiry,
    by: User,
    rag: str,
    reason: str,
    based_on: int = 0,
    now: dt.datetime | None = None,
) -> RagReview:
    """The manager confirms or changes the RAG after reading the answers (R38).

    The enquiry closes: the child moves on to the manager's decision. `based_on` is the review
    the manager saw (0 for none): two managers confirming at once cannot both win silently.
    """
    require(by, "rag.confirm")
    now = now or timezone.now()
    contact = Contact.objects.select_for_update().get(pk=enquiry.contact_id)
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    latest = enquiry.reviews.order_by("-sequence").first()
    if latest is None and based_on != 0:
        raise StalePageError
    if latest is not None and latest.sequence != based_on:
        raise ReviewConflict(latest)
    if rag not in Rag.values:
        raise DomainError("Choose the final RAG: Red, Amber or Green.")
    if not reason.strip():
        raise DomainError("Say why: the final RAG stays on the child's record with your reasons.")
    try:
        with transaction.atomic():
            review = RagReview.objects.create(
                enquiry=enquiry,
                sequence=based_on + 1,
                rag=rag,
                changed=rag != enquiry.rag,
                reason=reason.strip(),
                reviewed_by=by,
                reviewed_at=now,
                policy_version=current_policy_version(),
            )
    except IntegrityError:
        raise ReviewConflict(enquiry.reviews.order_by("-sequence").first()) from None  # type: ignore[arg-type]  # the review that won
    if enquiry.closed_at is None:
        enquiry.closed_at = now
        enquiry.save(update_fields=["closed_at"])
    if not Enquiry.objects.filter(contact=contact, closed_at__isnull=True).exists():
        out_of_mash(contact=contact, by=by, at=now)
    audit.record(
        actor=by,
        action="enquiry.rag_reviewed",
        target=contact,
        changes={"child": str(enquiry.child), "sent_as": enquiry.rag, "final": rag},
        reason=review.reason,
        policy_version=review.policy_version,
        at=now,
    )
    return review


# R36: agencies are chased when a quarter of their time is left, and again once overdue.
DUE_SOON_SHARE = 0.25


def chase(*, now: dt.datetime | None = None) -> int:
    """Chase unanswered requests due soon or overdue, once each; the number of chases queued."""
    now = now or timezone.now()
    chased = 0
    waiting = (
        AgencyRequest.objects.still_asked()
        .filter(due_at__isnull=False)
        .select_related("enquiry__contact")
    )
    for request in waiting:
        # Chased as the council that asked, whose message it is (its administrators see it).
        with serving(council_of(request.enquiry)), transaction.atomic():
            request = AgencyRequest.objects.select_for_update().get(pk=request.pk)
            state = request.state(now)  # R36: the one definition
            if state in (AgencyRequest.State.ANSWERED, AgencyRequest.State.LATE):
                continue
            if state == AgencyRequest.State.OVERDUE and request.reminded_overdue_at is None:
                stage, field = "overdue", "reminded_overdue_at"
                words = f"was due by {deadline_in_words(request.due_at)} and is overdue"
            elif (
                request.reminded_due_soon_at is None
                and request.reminded_overdue_at is None
                and state == AgencyRequest.State.WAITING
                and request.due_at - now <= (request.due_at - request.alerted_at) * DUE_SOON_SHARE
            ):
                stage, field = "due-soon", "reminded_due_soon_at"
                words = f"is due by {deadline_in_words(request.due_at)}"
            else:
                continue
            # The name the council that asked gives the agency.
            agency = policy_of(request.enquiry).agency(request.agency_key)
            # R36: an overdue request is what the agency owes: its managers are told too.
            for address in _agency_addresses(request, managers=stage == "overdue"):
                queue_message(
                    key=f"request-{request.pk}-{stage}-{address}",
                    kind=f"enquiry_{stage.replace('-', '_')}",
                    to=address,
                    subject=f"MASH enquiry for {agency.name} {stage.replace('-', ' ')}",
                    body=(
                        f"A {rag_label(request.enquiry.rag)} MASH enquiry sent to {agency.name} "
                        f"{words}. Sign in to Front Door to answer it."
                    ),
                )
            setattr(request, field, now)
            request.save(update_fields=[field])
            chased += 1
    return chased
