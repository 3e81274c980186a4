"""Telling the police of a suspected crime (R24).

Screening records the child-protection concerns; the council's policy says which of them are a
suspected crime (`screening.crime_concerns`). Where a contact has one, the police are told at
once: a decision waits until someone records that they were told (when, whom, their reference)
or a manager records why they were not. A crime found after that record needs a new one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact
from frontdoor.policy.clocks import LONDON, time_in_words
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import Policy
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.concerns import (
    Concern,
    child_protection_concerns,
    concerns_from,
    known_concerns,
)
from frontdoor.screening.models import ChildScreening, PoliceNotification
from frontdoor.screening.threshold import catalogue_by_key
from frontdoor.screening.transitions import OPEN_STATES
from frontdoor.wording import in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


@dataclass(frozen=True)
class PolicePosition:
    """The contact's suspected crimes, and what is on record about telling the police (R24)."""

    crimes: list[Concern]
    record: PoliceNotification | None

    @property
    def not_covered(self) -> list[Concern]:
        """Suspected crimes the record on file does not cover (all of them without a record)."""
        covered = set(self.record.concerns) if self.record else set()
        return [crime for crime in self.crimes if crime.value not in covered]

    @property
    def missing(self) -> str | None:
        """What must be recorded before a decision, in words a manager can act on; None if
        nothing is."""
        if not self.not_covered:
            return None
        listed = ", ".join(in_sentence(crime.label) for crime in self.not_covered)
        return (
            f"Screening records a suspected crime ({listed}): the police are told at once. "
            "Record when they were told, whom you told and their reference, or, as a manager, "
            "why they were not told, before the decision is recorded."
        )


def suspected_crimes(policy: Policy, concerns: list[Concern]) -> list[Concern]:
    """The concerns the council's policy counts as a suspected crime (R24)."""
    crimes = set(policy.screening.crime_concerns)
    return [concern for concern in concerns if concern in crimes]


def police_position(*, policy: Policy, contact: Contact) -> PolicePosition:
    """R24 for the contact: the suspected crimes across its children and the latest record."""
    catalogue = catalogue_by_key(policy)
    found: list[str] = [concern for known in known_concerns(contact).values() for concern in known]
    for screening in ChildScreening.objects.filter(contact=contact):
        found += child_protection_concerns(screening.concerns, screening.indicators, catalogue)
    return PolicePosition(
        crimes=suspected_crimes(policy, concerns_from(found)),
        record=PoliceNotification.objects.filter(contact=contact)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
        .first(),
    )


def _locked_open(contact: Contact) -> Contact:
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.state not in OPEN_STATES and contact.state != Contact.State.DECIDED:
        raise DomainError(
            f"Contact {contact.reference} is {in_sentence(contact.get_state_display())}: nothing "
            "more can be recorded on it."
        )
    return contact


@transaction.atomic
def record_police_told(
    *,
    contact: Contact,
    by: User,
    told_at: dt.datetime,
    told_whom: str,
    police_reference: str,
    now: dt.datetime | None = None,
) -> PoliceNotification:
    """Record that the police were told of the suspected crime: when, whom, their reference
    (R24)."""
    require(by, "contact.screen")
    now = now or timezone.now()
    contact = _locked_open(contact)
    if not told_whom.strip():
        raise DomainError(
            "Enter whom you told at the police (an officer, team or desk).", field="told_whom"
        )
    if not police_reference.strip():
        raise DomainError("Enter the police's reference for the report.", field="police_reference")
    if told_at > now:
        raise DomainError("The time the police were told must be in the past.", field="told_on")
    if told_at < contact.received_at:
        # R24: the police are told of what the contact reports, so not before it arrived.
        arrived = contact.received_at.astimezone(LONDON)
        raise DomainError(
            "The time the police were told must be after the contact arrived, "
            f"at {arrived:%H:%M} on {arrived.day} {arrived:%B %Y}.",
            field="told_on",
        )
    policy = current_policy()
    position = police_position(policy=policy, contact=contact)
    record = PoliceNotification.objects.create(
        contact=contact,
        told=True,
        told_at=told_at,
        told_whom=told_whom.strip(),
        police_reference=police_reference.strip(),
        concerns=[crime.value for crime in position.crimes],
        recorded_by=by,
        recorded_at=now,
        policy_version=current_policy_version(),
    )
    audit.record(
        actor=by,
        action="police.told",
        target=contact,
        changes={
            "told_at": f"{time_in_words(told_at)}",
            "told_whom": record.told_whom,
            "police_reference": record.police_reference,
            "suspected_crimes": record.concerns,
        },
        policy_version=record.policy_version,
        at=now,
    )
    return record


@transaction.atomic
def record_police_not_told(
    *, contact: Contact, by: User, reason: str, now: dt.datetime | None = None
) -> PoliceNotification:
    """A manager records why the police were not told of a suspected crime (R24)."""
    require(by, "contact.decide")
    now = now or timezone.now()
    contact = _locked_open(contact)
    if not reason.strip():
        raise DomainError("Give the reason the police were not told.", field="reason_not_told")
    policy = current_policy()
    position = police_position(policy=policy, contact=contact)
    record = PoliceNotification.objects.create(
        contact=contact,
        told=False,
        reason_not_told=reason.strip(),
        concerns=[crime.value for crime in position.crimes],
        recorded_by=by,
        recorded_at=now,
        policy_version=current_policy_version(),
    )
    audit.record(
        actor=by,
        action="police.not_told",
        target=contact,
        changes={"suspected_crimes": record.concerns},
        reason=record.reason_not_told,
        policy_version=record.policy_version,
        at=now,
    )
    return record
