"""Child-protection concerns, where an Early Help Assessment is never the first response (R28),
and R5's expectant parent under 13.

The one home of R28's list. It sits with the policy because a council's Level of Need catalogue
says which of its indicators name one of these concerns (an indicator such as "Subject to or
suspicion of physical, emotional or sexual abuse or neglect" is that concern, ticked or not).
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
    # R5: not ticked by a worker but known from the contact: an expectant parent under 13.
    EXPECTANT_PARENT_UNDER_13 = "expectant_parent_under_13"

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
    Concern.EXPECTANT_PARENT_UNDER_13: "An expectant parent under 13",
}
