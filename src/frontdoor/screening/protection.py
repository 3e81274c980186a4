"""When child-protection concerns about a contact were identified, and so when its strategy
meeting is due (R40): the one reading for the meeting a chair arranges and for the decision's
"Hold the strategy discussion" follow-up, so the two never show different due times.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, Q

from frontdoor.intake.models import Contact
from frontdoor.policy.clocks import start_clock
from frontdoor.policy.loader import LoadedPolicy
from frontdoor.policy.registry import calendar_for
from frontdoor.policy.schema import OutcomeEffect, Rag, TimescaleKey
from frontdoor.screening.models import ChildScreening, Decision


def concerns_identified_at(contact: Contact, now: dt.datetime) -> dt.datetime:
    """When child-protection concerns about the contact were first recorded (R40): the first of
    a screening that found them, a final RAG of Red, or a decision for a strategy discussion.
    With none of these yet, the concerns are identified now (`now`)."""
    moments = [
        ChildScreening.objects.filter(
            contact=contact, protection_concerns_at__isnull=False
        ).aggregate(first=Min("protection_concerns_at"))["first"],
        # The MASH's RAG reviews, read through the contact: screening sits below the MASH.
        Contact.objects.filter(pk=contact.pk).aggregate(
            first=Min("enquiries__reviews__reviewed_at", filter=Q(enquiries__reviews__rag=Rag.RED))
        )["first"],
        Decision.objects.filter(
            contact=contact, outcome_effect=OutcomeEffect.STRATEGY_DISCUSSION
        ).aggregate(first=Min("decided_at"))["first"],
    ]
    return min((moment for moment in moments if moment is not None), default=now)


def strategy_meeting_due(
    *, contact: Contact, loaded: LoadedPolicy, now: dt.datetime
) -> dt.datetime | None:
    """When the contact's strategy meeting is due by (R40): the policy's timescale from the
    concerns being identified. None: the policy sets no timescale."""
    clock = start_clock(
        timescale=loaded.policy.timescale(TimescaleKey.STRATEGY_MEETING),
        start=concerns_identified_at(contact, now),
        calendar=calendar_for(loaded),
    )
    return clock.due if clock else None
