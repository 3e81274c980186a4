"""Child-protection concerns, where an Early Help Assessment is never the first response (R28).

The one home of R28's list. The MASH criteria (R34) read the same concerns as their evidence.
"""

from __future__ import annotations

from enum import StrEnum


class Concern(StrEnum):
    PHYSICAL_ABUSE = "physical_abuse"
    EMOTIONAL_ABUSE = "emotional_abuse"
    SEXUAL_ABUSE = "sexual_abuse"
    DOMESTIC_ABUSE = "domestic_abuse"
    NEGLECT = "neglect"
    EXPLOITATION = "exploitation"
    FREQUENT_MISSING = "frequent_missing"

    @property
    def label(self) -> str:
        return CONCERN_LABELS[self]


CONCERN_LABELS: dict[Concern, str] = {
    Concern.PHYSICAL_ABUSE: "Physical abuse",
    Concern.EMOTIONAL_ABUSE: "Emotional abuse",
    Concern.SEXUAL_ABUSE: "Sexual abuse",
    Concern.DOMESTIC_ABUSE: "Domestic abuse (the child subject to it or witnessing it)",
    Concern.NEGLECT: "Neglect affecting the child's wellbeing",
    Concern.EXPLOITATION: "Child exploitation of any kind",
    Concern.FREQUENT_MISSING: "Frequent missing episodes",
}

# The concerns that are harm or neglect in the sense of the first MASH criterion (R34).
HARM_OR_NEGLECT = frozenset(
    {Concern.PHYSICAL_ABUSE, Concern.EMOTIONAL_ABUSE, Concern.SEXUAL_ABUSE, Concern.NEGLECT}
)


def concerns_from(keys: list[str]) -> list[Concern]:
    """The recorded concern keys as concerns, in R28's order; unknown keys are dropped."""
    chosen = set(keys)
    return [concern for concern in Concern if concern.value in chosen]


def early_help_refusal(concerns: list[Concern]) -> str | None:
    """Why Early Help cannot be the first response for a child with these concerns (R28)."""
    if not concerns:
        return None
    listed = ", ".join(concern.label.lower() for concern in concerns)
    return (
        f"Early Help is never the right first response to child-protection concerns ({listed}). "
        "Choose a social care outcome, or remove the concern if screening showed it is not there."
    )
