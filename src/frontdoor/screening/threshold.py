"""The suggested Level of Need from the indicators a worker found (R26, R27).

The indicators are guidance, not a score: the suggestion is the highest level any indicator
belongs to, shown with the indicators that drove it. The manager's level and rationale count.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdoor.policy.catalogue import Indicator, indicators_by_key
from frontdoor.policy.schema import Policy


@dataclass(frozen=True)
class LevelSuggestion:
    level: int | None  # None when no indicator was picked
    drivers: list[Indicator]  # the indicators at the suggested level
    others: list[Indicator]  # the indicators found at lower levels
    unknown_keys: list[str]  # picked under an older policy and no longer in the catalogue

    def explanation(self) -> str:
        if self.level is None:
            return "No Level of Need indicators have been picked yet."
        count = len(self.drivers)
        return (
            f"Level {self.level}, because {count} indicator{'s' if count != 1 else ''} "
            f"found {'are' if count != 1 else 'is'} at level {self.level}."
        )


def catalogue_by_key(policy: Policy) -> dict[str, Indicator]:
    return indicators_by_key(policy)


def suggest_level(policy: Policy, indicator_keys: list[str]) -> LevelSuggestion:
    """The highest level among the picked indicators, and the indicators behind it (R27)."""
    catalogue = catalogue_by_key(policy)
    found = [catalogue[key] for key in indicator_keys if key in catalogue]
    unknown = [key for key in indicator_keys if key not in catalogue]
    if not found:
        return LevelSuggestion(level=None, drivers=[], others=[], unknown_keys=unknown)
    level = max(indicator.level for indicator in found)
    return LevelSuggestion(
        level=level,
        drivers=[indicator for indicator in found if indicator.level == level],
        others=[indicator for indicator in found if indicator.level != level],
        unknown_keys=unknown,
    )
