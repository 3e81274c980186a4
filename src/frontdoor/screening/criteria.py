"""Which of the council's MASH criteria a child's contact meets, and on what evidence (R33, R34).

Each criterion in the policy file is evaluated by the function of the same key below; the
parameters (12 months, 72 hours, 3 times) come from the policy. A criterion met always carries
the evidence that met it (ARCHITECTURE decision 5).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from frontdoor.policy.clocks import LONDON, months_before
from frontdoor.policy.schema import MashCriterion, Policy
from frontdoor.screening.concerns import HARM_OR_NEGLECT, Concern
from frontdoor.screening.facts import ChildFacts


@dataclass(frozen=True)
class Evidence:
    """What screening knows about one child of a contact, as the criteria read it."""

    concerns: list[Concern]
    facts: ChildFacts
    suggested_level: int | None
    domestic_abuse_reported: bool  # a report answered "yes" to domestic abuse in the household
    anonymous: bool  # a report came from an anonymous referrer
    more_information_needed: bool
    manager_discretion: bool
    at: dt.datetime  # when the contact was received: look-backs count from here


@dataclass(frozen=True)
class CriterionResult:
    key: str
    label: str
    met: bool
    evidence: list[str]


def _date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _harm_or_neglect(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    return [
        f"Screening records {concern.label.lower()}"
        for concern in evidence.concerns
        if concern in HARM_OR_NEGLECT
    ]


def _domestic_abuse(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    found = []
    if Concern.DOMESTIC_ABUSE in evidence.concerns:
        found.append("Screening records domestic abuse")
    if evidence.domestic_abuse_reported:
        found.append("The referral says there is domestic abuse in the household")
    return found


def _re_referral(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    since = months_before(evidence.at.astimezone(LONDON).date(), criterion.within_months)
    return [
        f"Referred on {_date(day)}, within {criterion.within_months} months"
        for day in sorted(evidence.facts.referral_dates, reverse=True)
        if since <= day <= evidence.at.astimezone(LONDON).date()
    ]


def _child_exploitation(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    if Concern.EXPLOITATION in evidence.concerns:
        return ["Screening records child exploitation concerns"]
    return []


def _missing(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    found = []
    since = months_before(evidence.at.astimezone(LONDON).date(), criterion.within_months)
    spells = [
        spell
        for spell in evidence.facts.missing
        if spell.went_missing_at.astimezone(LONDON).date() >= since
        and spell.went_missing_at <= evidence.at
    ]
    limit = dt.timedelta(hours=criterion.longer_than_hours)
    for spell in spells:
        end = spell.returned_at or evidence.at
        if end - spell.went_missing_at > limit:
            hours = int((end - spell.went_missing_at).total_seconds() // 3600)
            state = "still missing" if spell.returned_at is None else "returned"
            found.append(
                f"Missing from {_date(spell.went_missing_at.astimezone(LONDON).date())} for "
                f"{hours} hours ({state}): longer than {criterion.longer_than_hours} hours"
            )
    by_month = Counter(
        spell.went_missing_at.astimezone(LONDON).strftime("%B %Y") for spell in spells
    )
    for month, times in by_month.items():
        if times >= criterion.times_in_calendar_month:
            found.append(f"Missing {times} times in {month}")
    if Concern.FREQUENT_MISSING in evidence.concerns:
        found.append("Screening records frequent missing episodes")
    return found


def _strategy_threshold(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    found = []
    if evidence.suggested_level == 4:
        found.append("The indicators found are at level 4 (child protection)")
    if Concern.EXPECTANT_PARENT_UNDER_13 in evidence.concerns:
        # R5: a sexual offence against the young parent in law, and a risk to the baby.
        found.append("An expectant parent under 13 always needs a referral (R5)")
    return found


def _more_information_needed(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    if evidence.more_information_needed:
        return ["The worker needs more information to judge the risk"]
    return []


def _anonymous_referral(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    if evidence.anonymous:
        return ["The referrer is anonymous and more information would help"]
    return []


def _manager_discretion(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    if evidence.manager_discretion:
        return ["The MASH manager chose MASH"]
    return []


_EVALUATORS = {
    "harm_or_neglect": _harm_or_neglect,
    "domestic_abuse": _domestic_abuse,
    "re_referral": _re_referral,
    "child_exploitation": _child_exploitation,
    "missing": _missing,
    "strategy_threshold": _strategy_threshold,
    "more_information_needed": _more_information_needed,
    "anonymous_referral": _anonymous_referral,
    "manager_discretion": _manager_discretion,
}


def evaluate_criteria(policy: Policy, evidence: Evidence) -> list[CriterionResult]:
    """Every criterion of the council's policy, met or not, with its evidence (R33, R34)."""
    results = []
    for criterion in policy.mash_criteria:
        found = _EVALUATORS[criterion.key](criterion, evidence)
        results.append(
            CriterionResult(
                key=criterion.key, label=criterion.label, met=bool(found), evidence=found
            )
        )
    return results
