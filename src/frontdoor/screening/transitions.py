"""A contact's way through screening: one function per change of state (ARCHITECTURE decision 2).

received -> screening -> awaiting decision -> decided -> closed. Each function checks who may
do it and the state it starts from, writes the change and the audit entry in one transaction,
and refuses anything else with a message a worker can act on. Views, the API and commands call
these; nothing else sets `Contact.state`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact
from frontdoor.screening.models import Assignment, ChildScreening, FollowUp

State = Contact.State

# The states in which the front door is still working on a contact (the queues show these).
OPEN_STATES = (State.RECEIVED, State.SCREENING, State.IN_MASH, State.AWAITING_DECISION)


def _locked(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


def _move(contact: Contact, *, to: State, by, at: dt.datetime, reason: str = "") -> None:
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
        allowed_words = " or ".join(State(state).label.lower() for state in allowed)
        raise DomainError(
            f"Contact {contact.reference} is {contact.get_state_display().lower()}: only a "
            f"contact that is {allowed_words} can {doing}."
        )


@transaction.atomic
def start_screening(*, contact: Contact, by, now: dt.datetime | None = None) -> Contact:
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
def assign(*, contact: Contact, worker, by, now: dt.datetime | None = None) -> Assignment:
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
def submit_for_decision(*, contact: Contact, by, now: dt.datetime | None = None) -> Contact:
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
            "Record the screening of every child before asking for a decision (R24); not yet "
            f"screened: {', '.join(missing)}."
        )
    _move(contact, to=State.AWAITING_DECISION, by=by, at=now)
    return contact


def into_mash(*, contact: Contact, by, at: dt.datetime) -> None:
    """Called by `mash.enquiries.send_enquiry` with the contact locked (R33)."""
    _refuse_state(
        contact, "go into MASH", (State.RECEIVED, State.SCREENING, State.AWAITING_DECISION)
    )
    if contact.state != State.IN_MASH:
        _move(contact, to=State.IN_MASH, by=by, at=at)


def out_of_mash(*, contact: Contact, by, at: dt.datetime) -> None:
    """Called by `mash.enquiries.review_rag` when no child of the contact is still in MASH (R38)."""
    if contact.state == State.IN_MASH:
        _move(contact, to=State.AWAITING_DECISION, by=by, at=at)


def after_decision(*, contact: Contact, by, at: dt.datetime) -> None:
    """Called by `record_decision` with the contact locked: decided once every child is."""
    children = set(contact.children.values_list("pk", flat=True))
    decided = set(contact.decisions.values_list("child_id", flat=True))
    if children <= decided:
        if contact.state != State.DECIDED:
            _move(contact, to=State.DECIDED, by=by, at=at)
    elif contact.state == State.RECEIVED:
        _move(contact, to=State.SCREENING, by=by, at=at)


@transaction.atomic
def close_contact(*, contact: Contact, by, now: dt.datetime | None = None) -> Contact:
    """Close a decided contact once everything that had to follow has been done (R30, R31)."""
    require(by, "contact.decide")
    now = now or timezone.now()
    contact = _locked(contact)
    _refuse_state(contact, "be closed", (State.DECIDED,))
    waiting = FollowUp.objects.open().filter(decision__contact=contact)
    if waiting.exists():
        listed = ", ".join(sorted({follow_up.get_kind_display().lower() for follow_up in waiting}))
        raise DomainError(
            f"Contact {contact.reference} still has things to do: {listed}. Record them as done "
            "first."
        )
    _move(contact, to=State.CLOSED, by=by, at=now)
    return contact
