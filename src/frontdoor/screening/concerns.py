"""What R28's child-protection concerns mean for screening: the ones a child has, and the refusal
of Early Help as a first response. The list itself is `frontdoor.policy.concerns`. The MASH criteria
(R34) and the RAG suggestion (R35) read the same concerns as their evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from frontdoor.people.ages import age_on
from frontdoor.policy.catalogue import Indicator
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.concerns import CONCERN_LABELS, Concern
from frontdoor.wording import in_sentence

__all__ = [
    "CONCERN_LABELS",
    "Concern",
    "child_protection_concerns",
    "concerns_from",
    "early_help_refusal",
    "expectant_parent_concerns",
    "known_concerns",
]


# The concerns that are harm or neglect in the sense of the first MASH criterion (R34). An
# expectant parent under 13 is sexual harm in law, whatever else is known.
HARM_OR_NEGLECT = frozenset(
    {
        Concern.PHYSICAL_ABUSE,
        Concern.EMOTIONAL_ABUSE,
        Concern.SEXUAL_ABUSE,
        Concern.NEGLECT,
        Concern.EXPECTANT_PARENT_UNDER_13,
    }
)
# Concerns known from the contact itself, not ticked by a worker (R5).
DERIVED = frozenset({Concern.EXPECTANT_PARENT_UNDER_13})
# R5: an expectant parent under this age always needs a referral about both the parent and the
# unborn baby.
EXPECTANT_PARENT_PROTECTED_UNDER = 13


def concerns_from(keys: list[str]) -> list[Concern]:
    """The recorded concern keys as concerns, in R28's order; unknown keys are dropped."""
    chosen = set(keys)
    return [concern for concern in Concern if concern.value in chosen]


def child_protection_concerns(
    recorded: Iterable[str],
    indicator_keys: Iterable[str],
    catalogue: Mapping[str, Indicator],
    known: Iterable[Concern] = (),
) -> list[Concern]:
    """A child's R28 concerns: those screening recorded, those its ticked indicators name, and
    those `known` from the contact itself (R5, from `expectant_parent_concerns`).

    The council's catalogue says which indicators name a concern, so ticking "suspicion of
    sexual abuse" counts as the concern whether or not its box was ticked too.
    """
    named = (
        concern.value
        for key in indicator_keys
        if key in catalogue
        for concern in catalogue[key].concerns
    )
    return concerns_from([*recorded, *named, *known])


def expectant_parent_concerns(children: Iterable, on: dt.date) -> dict[int, list[Concern]]:
    """R5: where a contact's expectant parent is under 13, a child-protection concern for them
    and for the unborn baby, by reported child id. `on` is the day the contact was received."""
    children = list(children)
    youngest = [
        child
        for child in children
        if child.expectant_parent
        and (age := age_on(child.date_of_birth, on)) is not None
        and age < EXPECTANT_PARENT_PROTECTED_UNDER
    ]
    if not youngest:
        return {}
    return {
        child.pk: [Concern.EXPECTANT_PARENT_UNDER_13]
        for child in children
        if child in youngest or child.unborn
    }


def early_help_refusal(concerns: list[Concern]) -> str | None:
    """Why Early Help cannot be the first response for a child with these concerns (R28)."""
    if not concerns:
        return None
    listed = ", ".join(in_sentence(concern.label) for concern in concerns)
    return (
        f"Early Help is never the right first response to child-protection concerns ({listed}). "
        "Choose a social care outcome, or remove the concern if screening showed it is not there."
    )


def known_concerns(contact) -> dict[int, list[Concern]]:
    """The concerns known from the contact itself for each of its children, by id (R5)."""
    return expectant_parent_concerns(
        contact.children.all(), contact.received_at.astimezone(LONDON).date()
    )
