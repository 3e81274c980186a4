"""Whether a child's contact goes into MASH, and on what evidence (R33, R34).

Two lists in the policy file let a contact in: the routes into MASH (R33: the strategy threshold,
more information needed, an anonymous referral, the manager's discretion) and the MASH enquiry
criteria (R34: harm or neglect, domestic abuse, re-referral, exploitation, missing). Either is
enough. Each is evaluated by the function of the same key below; the parameters (12 months,
72 hours, 3 times) come from the policy. What is met always carries the evidence that met it
(ARCHITECTURE decision 5). `mash_entry` is the one answer pages, the send check and decisions use.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from frontdoor.policy.clocks import LONDON, day_in_words, months_before
from frontdoor.policy.schema import MashCriterion, MashRoute, Policy
from frontdoor.screening.concerns import HARM_OR_NEGLECT, Concern
from frontdoor.screening.facts import ChildFacts, MissingSpell
from frontdoor.wording import count_of, in_sentence


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
    route: bool = False  # a route into MASH (R33) rather than an enquiry criterion (R34)


@dataclass(frozen=True)
class MashEntry:
    """The council's routes into MASH and its enquiry criteria, each met or not (R33, R34)."""

    routes: list[CriterionResult]
    criteria: list[CriterionResult]

    @property
    def met(self) -> list[CriterionResult]:
        """What lets the contact in: the routes open to it, then the criteria it meets."""
        return [item for item in self.routes + self.criteria if item.met]

    @property
    def goes_to_mash(self) -> bool:
        """Either a route or a criterion lets the contact into MASH."""
        return bool(self.met)


def _date(day: dt.date) -> str:
    return day_in_words(day)


def _harm_or_neglect(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    return [
        f"Screening records {in_sentence(concern.label)}"
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
    since = months_before(evidence.at.astimezone(LONDON).date(), criterion.within_months)  # type: ignore[arg-type]  # the schema requires it of this kind
    return [
        f"Referred on {_date(day)}, within {count_of(criterion.within_months, 'month')}"  # type: ignore[arg-type]  # as above
        for day in sorted(evidence.facts.referral_dates, reverse=True)
        if since <= day <= evidence.at.astimezone(LONDON).date()
    ]


def _child_exploitation(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    if Concern.EXPLOITATION in evidence.concerns:
        return ["Screening records child exploitation concerns"]
    return []


def missing_pattern(
    spells: list[MissingSpell],
    *,
    longer_than_hours: int,
    times_in_calendar_month: int,
    within_months: int,
    at: dt.datetime,
) -> list[str]:
    """The long or frequent missing episodes among `spells`, counted up to `at` (R9, R34, R41):
    each longer than `longer_than_hours`, and each calendar month with `times_in_calendar_month`
    or more, from `within_months` back."""
    found = []
    since = months_before(at.astimezone(LONDON).date(), within_months)
    counted = [
        spell
        for spell in spells
        if spell.went_missing_at.astimezone(LONDON).date() >= since and spell.went_missing_at <= at
    ]
    limit = dt.timedelta(hours=longer_than_hours)
    for spell in counted:
        end = spell.returned_at or at
        if end - spell.went_missing_at > limit:
            hours = int((end - spell.went_missing_at).total_seconds() // 3600)
            state = "still missing" if spell.returned_at is None else "returned"
            found.append(
                f"Missing from {_date(spell.went_missing_at.astimezone(LONDON).date())} for "
                f"{count_of(hours, 'hour')} ({state}): "
                f"longer than {count_of(longer_than_hours, 'hour')}"
            )
    by_month = Counter(
        spell.went_missing_at.astimezone(LONDON).strftime("%B %Y") for spell in counted
    )
    for month, times in by_month.items():
        if times >= times_in_calendar_month:
            found.append(f"Missing {count_of(times, 'time')} in {month}")
    return found


def _missing(criterion: MashCriterion, evidence: Evidence) -> list[str]:
    found = missing_pattern(
        evidence.facts.missing,
        longer_than_hours=criterion.longer_than_hours,  # type: ignore[arg-type]  # as above
        times_in_calendar_month=criterion.times_in_calendar_month,  # type: ignore[arg-type]  # as above
        within_months=criterion.within_months,  # type: ignore[arg-type]  # as above
        at=evidence.at,
    )
    if Concern.FREQUENT_MISSING in evidence.concerns:
        found.append("Screening records frequent missing episodes")
    return found


def _strategy_threshold(route: MashRoute, evidence: Evidence) -> list[str]:
    found = []
    if evidence.suggested_level == 4:
        found.append("The indicators found are at level 4 (child protection)")
    if Concern.EXPECTANT_PARENT_UNDER_13 in evidence.concerns:
        # R5: a sexual offence against the young parent in law, and a risk to the baby.
        found.append("An expectant parent under 13 always needs a referral")
    return found


def _more_information_needed(route: MashRoute, evidence: Evidence) -> list[str]:
    if evidence.more_information_needed:
        # The evidence is where it was recorded: the route's own label says what it means.
        return ["Recorded in the screening"]
    return []


def _anonymous_referral(route: MashRoute, evidence: Evidence) -> list[str]:
    # R33: "it is anonymous and more information would help": anonymity alone is not enough.
    if evidence.anonymous and evidence.more_information_needed:
        return ["The referrer is anonymous, and the screening records that more is needed"]
    return []


def _manager_discretion(route: MashRoute, evidence: Evidence) -> list[str]:
    if evidence.manager_discretion:
        return ["The MASH manager chose MASH"]
    return []


# The enquiry criteria a worker meets by recording one concern, as the functions above read them:
# accepting such a suggested criterion records that concern. The others rest on facts (a
# re-referral) or on which harm it is, which the worker says by the concern they tick.
RECORDED_AS: dict[str, Concern] = {
    "domestic_abuse": Concern.DOMESTIC_ABUSE,
    "child_exploitation": Concern.EXPLOITATION,
    "missing": Concern.FREQUENT_MISSING,
}

_CRITERIA = {
    "harm_or_neglect": _harm_or_neglect,
    "domestic_abuse": _domestic_abuse,
    "re_referral": _re_referral,
    "child_exploitation": _child_exploitation,
    "missing": _missing,
}

_ROUTES = {
    "strategy_threshold": _strategy_threshold,
    "more_information_needed": _more_information_needed,
    "anonymous_referral": _anonymous_referral,
    "manager_discretion": _manager_discretion,
}


def mash_entry(policy: Policy, evidence: Evidence) -> MashEntry:
    """Every route into MASH and every enquiry criterion of the council's policy, met or not,
    with its evidence: the contact goes into MASH when any is met (R33, R34)."""
    routes = []
    for route in policy.mash_routes:
        found = _ROUTES[route.key](route, evidence)
        routes.append(
            CriterionResult(
                key=route.key, label=route.label, met=bool(found), evidence=found, route=True
            )
        )
    criteria = []
    for criterion in policy.mash_criteria:
        found = _CRITERIA[criterion.key](criterion, evidence)
        criteria.append(
            CriterionResult(
                key=criterion.key, label=criterion.label, met=bool(found), evidence=found
            )
        )
    return MashEntry(routes=routes, criteria=criteria)
