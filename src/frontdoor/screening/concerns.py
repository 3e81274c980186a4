"""What R28's child-protection concerns mean for screening: the ones a child has, and the refusal
of Early Help as a first response. The list itself is `frontdoor.policy.concerns`. The MASH criteria
(R34) and the RAG suggestion (R35) read the same concerns as their evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from frontdoor.policy.catalogue import Indicator
from frontdoor.policy.concerns import CONCERN_LABELS, Concern

__all__ = [
    "CONCERN_LABELS",
    "Concern",
    "child_protection_concerns",
    "concerns_from",
    "early_help_refusal",
]


# The concerns that are harm or neglect in the sense of the first MASH criterion (R34).
HARM_OR_NEGLECT = frozenset(
    {Concern.PHYSICAL_ABUSE, Concern.EMOTIONAL_ABUSE, Concern.SEXUAL_ABUSE, Concern.NEGLECT}
)


def concerns_from(keys: list[str]) -> list[Concern]:
    """The recorded concern keys as concerns, in R28's order; unknown keys are dropped."""
    chosen = set(keys)
    return [concern for concern in Concern if concern.value in chosen]


def child_protection_concerns(
    recorded: Iterable[str], indicator_keys: Iterable[str], catalogue: Mapping[str, Indicator]
) -> list[Concern]:
    """A child's R28 concerns: those screening recorded, and those its ticked indicators name.

    The council's catalogue says which indicators name a concern, so ticking "suspicion of
    sexual abuse" counts as the concern whether or not its box was ticked too.
    """
    named = (
        concern.value
        for key in indicator_keys
        if key in catalogue
        for concern in catalogue[key].concerns
    )
    return concerns_from([*recorded, *named])


def early_help_refusal(concerns: list[Concern]) -> str | None:
    """Why Early Help cannot be the first response for a child with these concerns (R28)."""
    if not concerns:
        return None
    listed = ", ".join(concern.label.lower() for concern in concerns)
    return (
        f"Early Help is never the right first response to child-protection concerns ({listed}). "
        "Choose a social care outcome, or remove the concern if screening showed it is not there."
    )
