"""What screening tells the MASH managers at once, by e-mail through the outbox (R21, R23).

The managers' queue shows the same flags; the e-mail reaches them when no one is looking at it.
It names the contact's reference and the finding, never the child: the inbox is shared, and a
restricted record's name stays in Front Door (R45).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from frontdoor.intake.models import Contact, ReportedChild
from frontdoor.outbox.services import queue_message
from frontdoor.policy.clocks import LONDON, day_in_words, time_in_words
from frontdoor.policy.schema import Policy
from frontdoor.screening.checks import social_care_closed_recently
from frontdoor.screening.concerns import Concern
from frontdoor.screening.facts import facts_for
from frontdoor.wording import count_of, in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def alert_managers(
    *,
    policy: Policy,
    contact: Contact,
    child: ReportedChild,
    concerns: list[Concern],
    concerns_before: list[Concern],
    first_save: bool,
    version: int,
    by: User,
    now: dt.datetime,
) -> list[str]:
    """Tell the managers what this save of a child's screening found first; return the rules.

    R23 when the concerns appear (again after they were removed); R21 at the first save.
    """
    to = policy.screening.managers_alert_email
    if not to:
        return []
    when = f"{time_in_words(now)}"
    alerted = []
    if concerns and not concerns_before:
        listed = ", ".join(in_sentence(concern.label) for concern in concerns)
        queue_message(
            key=f"screening-child-{child.pk}-r23-{version}",
            kind="protection_alert",
            to=to,
            subject=f"Child-protection concerns: {contact.reference}",
            body=(
                f"{by} screened a child of contact {contact.reference} at {when} and found "
                f"child-protection concerns ({listed}).\n\nOpen the contact in Front Door to "
                "see the screening and decide."
            ),
        )
        alerted.append("R23")
    closed = (
        social_care_closed_recently(
            policy, facts_for(child), contact.received_at.astimezone(LONDON).date()
        )
        if first_save
        else None
    )
    if closed is not None:
        within = policy.screening.social_care_closed_within_months
        queue_message(
            key=f"screening-child-{child.pk}-r21",
            kind="closed_recently_alert",
            to=to,
            subject=f"Social care closed recently: {contact.reference}",
            body=(
                f"A child of contact {contact.reference} was open to children's social care "
                f"until {day_in_words(closed.ended_on) if closed.ended_on else 'recently'}, "
                f"less than {count_of(within, 'month')} "
                "before the contact.\n\nOpen the contact in Front Door to see the screening."
            ),
        )
        alerted.append("R21")
    return alerted
