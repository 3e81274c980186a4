"""A contact's way through screening: one function per change of state (ARCHITECTURE decision 2).

received -> screening -> awaiting decision -> decided -> closed; a referral without clear
consent may be returned to its referrer, and resumed when they come back with it (R15). Each
function checks who may do it and the state it starts from, writes the change and the audit
entry in one transaction, and refuses anything else with a message a worker can act on. Views,
the API and commands call these; nothing else sets `Contact.state`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact
from frontdoor.outbox.services import queue_message
from frontdoor.people.restrictions import whom_to_ask_about_person
from frontdoor.policy.clocks import LONDON, day_in_words, start_clock, time_in_words
from frontdoor.policy.registry import calendar_for, current_loaded_policy, current_policy
from frontdoor.policy.schema import TimescaleKey
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.consent import sharing_position
from frontdoor.screening.models import Assignment, ChildScreening, FollowUp, ReferralReturn
from frontdoor.wording import in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

State = Contact.State

# The states in which the front door works on a contact.
WORKING_STATES = (State.RECEIVED, State.SCREENING, State.IN_MASH, State.AWAITING_DECISION)
# The states the queues show: those worked on, and those paused with the referrer (R15).
OPEN_STATES = (*WORKING_STATES, State.RETURNED)
# R15: a referral is returned "before processing": before it goes to MASH or a manager.
RETURNABLE_STATES = (State.RECEIVED, State.SCREENING)


def _locked(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


def _move(contact: Contact, *, to: State, by: User, at: dt.datetime, reason: str = "") -> None:
    before = contact.state
    contact.state = to
    contact.version += 1
    contact.save(update_fields=["state", "version"])
    audit.record(
        actor=by,
        action="contact.state_changed",
        target=contact,
        changes={"state": [before, to.value]},
        reason=reason,
        at=at,
    )


def _refuse_state(contact: Contact, doing: str, allowed: tuple[State, ...]) -> None:
    if contact.state not in allowed:
        allowed_words = " or ".join(in_sentence(State(state).label) for state in allowed)
        raise DomainError(
            f"Contact {contact.reference} is {in_sentence(contact.get_state_display())}: only a "
            f"contact that is {allowed_words} can {doing}."
        )


@transaction.atomic
def start_screening(*, contact: Contact, by: User, now: dt.datetime | None = None) -> Contact:
    """A worker takes a new contact to screen it: it moves to their queue (R24, R25)."""
    require(by, "contact.screen")
    now = now or timezone.now()
    contact = _locked(contact)
    _refuse_state(contact, "start screening", (State.RECEIVED,))
    Assignment.objects.update_or_create(
        contact=contact,
        defaults={"worker": by, "team": by.team, "assigned_at": now, "assigned_by": by},
    )
    _move(contact, to=State.SCREENING, by=by, at=now)
    return contact


@transaction.atomic
def assign(
    *, contact: Contact, worker: User, by: User, now: dt.datetime | None = None
) -> Assignment:
    """A manager gives a contact to a worker (and so to the worker's team queue)."""
    require(by, "contact.decide")
    require(worker, "contact.screen")
    now = now or timezone.now()
    contact = _locked(contact)
    _refuse_state(contact, "be assigned", OPEN_STATES)
    assignment, _ = Assignment.objects.update_or_create(
        contact=contact,
        defaults={"worker": worker, "team": worker.team, "assigned_at": now, "assigned_by": by},
    )
    audit.record(
        actor=by,
        action="contact.assigned",
        target=contact,
        changes={"worker": str(worker), "team": worker.team},
        at=now,
    )
    return assignment


@transaction.atomic
def submit_for_decision(*, contact: Contact, by: User, now: dt.datetime | None = None) -> Contact:
    """The worker has screened every child: the contact waits for the manager (R25)."""
    require(by, "contact.screen")
    now = now or timezone.now()
    contact = _locked(contact)
    _refuse_state(contact, "go to the manager for a decision", (State.SCREENING,))
    children = list(contact.children.all())
    screened = set(
        ChildScreening.objects.filter(contact=contact)
        .exclude(analysis="")
        .values_list("child_id", flat=True)
    )
    missing = [str(child) for child in children if child.pk not in screened]
    if missing:
        raise DomainError(
            "Record the screening of every child before asking for a decision; not yet "
            f"screened: {', '.join(missing)}."
        )
    _move(contact, to=State.AWAITING_DECISION, by=by, at=now)
    return contact


def into_mash(*, contact: Contact, by: User, at: dt.datetime) -> None:
    """Called by `mash.enquiries.send_enquiry` with the contact locked (R33)."""
    _refuse_state(
        contact, "go into MASH", (State.RECEIVED, State.SCREENING, State.AWAITING_DECISION)
    )
    if contact.state != State.IN_MASH:
        _move(contact, to=State.IN_MASH, by=by, at=at)


def out_of_mash(*, contact: Contact, by: User, at: dt.datetime) -> None:
    """Called by `mash.enquiries.review_rag` when no child of the contact is still in MASH (R38)."""
    if contact.state == State.IN_MASH:
        _move(contact, to=State.AWAITING_DECISION, by=by, at=at)


def after_decision(*, contact: Contact, by: User, at: dt.datetime) -> None:
    """Called by `record_decision` with the contact locked: decided once every child is."""
    children = {child.pk for child in contact.children.all()}  # as read with the contact locked
    decided = set(contact.decisions.values_list("child_id", flat=True))
    if children <= decided:
        if contact.state != State.DECIDED:
            _move(contact, to=State.DECIDED, by=by, at=at)
    elif contact.state == State.RECEIVED:
        _move(contact, to=State.SCREENING, by=by, at=at)


@transaction.atomic
def close_contact(*, contact: Contact, by: User, now: dt.datetime | None = None) -> Contact:
    """Close a decided contact once everything that had to follow has been done (R30, R31)."""
    require(by, "contact.decide")
    now = now or timezone.now()
    contact = _locked(contact)
    _refuse_state(contact, "be closed", (State.DECIDED,))
    # R45: one about a child restricted from `by` is theirs to ask about, not to see.
    waiting = list(
        FollowUp.objects.open()
        .filter(decision__contact=contact)
        .annotate(ask=whom_to_ask_about_person(by, person=OuterRef("decision__child__person")))
    )
    if waiting:
        listed = ", ".join(
            sorted({in_sentence(follow_up.get_kind_display()) for follow_up in waiting})
        )
        asks = sorted({follow_up.ask for follow_up in waiting if follow_up.ask})
        restricted = (
            f" Some are about a child restricted from you: ask {' or '.join(asks)}." if asks else ""
        )
        raise DomainError(
            f"Contact {contact.reference} still has things to do: {listed}. Record them as done "
            f"first.{restricted}"
        )
    _move(contact, to=State.CLOSED, by=by, at=now)
    return contact


def referrer_addresses(contact: Contact) -> list[str]:
    """Where a returned referral's message goes: each referrer's e-mail address (R15)."""
    return list(
        dict.fromkeys(
            report.referrer_email
            for report in contact.reports.order_by("received_at", "id")
            if report.referrer_email
        )
    )


def return_message(contact: Contact) -> str:
    """The message a returned referral starts from; the worker may change it (R15)."""
    first = contact.reports.order_by("received_at", "id").first()
    children = ", ".join(child.first_name or str(child) for child in contact.children.all())
    when = first.received_at.astimezone(LONDON) if first else contact.received_at
    return (
        f"Dear {first.referrer_name if first and first.referrer_name else 'referrer'},\n\n"
        f"Thank you for your referral of {day_in_words(when)} (reference {contact.reference}) "
        f"about {children or 'the children'}. It does not say clearly that those with parental "
        "responsibility consent to it, and to information about the family being shared with "
        "other agencies. We are returning it to you before acting on it.\n\n"
        "Please ask the family for their consent and tell us what they say. If you did not seek "
        "it because doing so would put a child at risk of significant harm, or an adult at risk "
        "of serious harm, prejudice a criminal investigation, or delay enquiries about "
        "significant harm, tell us so and why: we will act on the referral without it."
    )


@transaction.atomic
def return_to_referrer(
    *, contact: Contact, by: User, message: str, now: dt.datetime | None = None
) -> ReferralReturn:
    """Return a referral without a clear indication of consent to its referrer before it is
    processed, where the council's policy says so (R15). The contact waits, returned."""
    require(by, "referral.return")
    now = now or timezone.now()
    policy = current_policy()
    if not policy.consent.return_referrals_without_consent:
        raise DomainError(
            f"{policy.council.name}'s policy does not return referrals without consent to the "
            "referrer: seek consent in screening."
        )
    contact = _locked(contact)
    _refuse_state(contact, "be returned to the referrer", RETURNABLE_STATES)
    sharing = sharing_position(
        contact=contact,
        adults=contact.adults.all(),
        children=contact.children.all(),
        policy=policy,
    )
    if not sharing.return_to_referrer:
        raise DomainError(
            f"The referral of contact {contact.reference} says consent was given: it is "
            "processed, not returned."
        )
    if not message.strip():
        raise DomainError("Write the message to the referrer: say what consent is needed.")
    addresses = referrer_addresses(contact)
    if not addresses:
        raise DomainError(
            f"No referrer of contact {contact.reference} gave an e-mail address: telephone "
            "them to ask for consent, and record what they say in screening."
        )
    returned = ReferralReturn.objects.create(
        contact=contact,
        returned_from=contact.state,
        sent_to=addresses,
        message=message.strip(),
        returned_by=by,
        returned_at=now,
        policy_version=current_policy_version(),
    )
    for address in addresses:
        queue_message(
            key=f"referral-return-{returned.pk}-{address}",
            kind="referral_returned",
            to=address,
            subject=f"Your referral {contact.reference}: consent is needed before we act on it",
            body=(
                f"{returned.message}\n\nReply quoting {contact.reference}, or call the MASH on "
                f"{policy.contact_numbers.mash}.\n\n{policy.council.name}"
            ),
        )
    audit.record(
        actor=by,
        action="referral.returned",
        target=contact,
        changes={"to": addresses},
        reason=returned.message,
        at=now,
    )
    _move(contact, to=State.RETURNED, by=by, at=now, reason="R15: returned for consent")
    return returned


@transaction.atomic
def resume_with_consent(
    *, contact: Contact, by: User, consent_note: str, now: dt.datetime | None = None
) -> ReferralReturn:
    """The referrer came back with consent: the returned referral is processed again from
    where it stood (R15). What they said counts as the referral's word on consent (R12)."""
    require(by, "referral.return")
    now = now or timezone.now()
    contact = _locked(contact)
    _refuse_state(contact, "be resumed", (State.RETURNED,))
    if not consent_note.strip():
        raise DomainError("Say what the referrer told you about the family's consent.")
    returned = (
        ReferralReturn.objects.select_for_update()
        .filter(contact=contact, resumed_at__isnull=True)
        .last()
    )
    if returned is None:  # a returned contact always has its return on record
        raise DomainError(f"Contact {contact.reference} has no return on record to resume.")
    if now < returned.returned_at:
        raise DomainError(
            "The referrer came back after the referral was returned at "
            f"{time_in_words(returned.returned_at)}: check the time."
        )
    returned.resumed_at = now
    returned.resumed_by = by
    returned.consent_note = consent_note.strip()
    returned.save(update_fields=["resumed_at", "resumed_by", "consent_note"])
    # R25: the referral is processed from when the referrer came back, so its clock starts again.
    loaded = current_loaded_policy()
    progress = start_clock(
        timescale=loaded.policy.timescale(TimescaleKey.CONTACT_PROGRESSED),
        start=now,
        calendar=calendar_for(loaded),
    )
    before = contact.progress_due_at
    contact.progress_due_at = progress.due if progress else None
    contact.save(update_fields=["progress_due_at"])
    audit.record(
        actor=by,
        action="referral.resumed",
        target=contact,
        changes={
            "returned_at": returned.returned_at.isoformat(),
            "progress_due_at": [
                before.isoformat() if before else None,
                contact.progress_due_at.isoformat() if contact.progress_due_at else None,
            ],
        },
        reason=returned.consent_note,
        at=now,
    )
    _move(contact, to=State(returned.returned_from), by=by, at=now, reason="R15: consent given")
    return returned
