"""The screening checks for one child, each with the rule behind it (R17-R21, R29).

Each check reads facts gathered elsewhere (`screening.facts`, `people.postcodes`) and says what it
found and what follows, in words a worker can act on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from frontdoor.people.postcodes import AddressCheck, Where
from frontdoor.policy.clocks import LONDON, day_in_words, months_before
from frontdoor.policy.schema import Policy
from frontdoor.screening.facts import ChildFacts, Episode
from frontdoor.wording import count_of


class Status(StrEnum):
    CLEAR = "clear"  # nothing to act on
    FLAG = "flag"  # something the manager must see
    TO_DO = "to_do"  # the worker has still to find out


@dataclass(frozen=True)
class Check:
    rule: str
    title: str
    status: Status
    message: str


def _date(day: dt.date) -> str:
    return day_in_words(day)


def address_check(address: AddressCheck) -> Check:
    """R17: does the child live in the council's area?"""
    if address.where == Where.IN_AREA:
        return Check("R17", "Where the child lives", Status.CLEAR, address.message)
    if address.where == Where.ELSEWHERE:
        return Check("R17", "Where the child lives", Status.FLAG, address.message)
    return Check("R17", "Where the child lives", Status.TO_DO, address.message)


def known_check(facts: ChildFacts) -> Check:
    """R18: is the child known to social care or early help?"""
    if not facts.linked:
        return Check(
            "R18",
            "Is the child known?",
            Status.TO_DO,
            "Not yet checked: find the child among the people already recorded, or record them "
            "as new.",
        )
    if not facts.episodes and not facts.referral_dates and not facts.previous_contacts:
        return Check("R18", "Is the child known?", Status.CLEAR, "No earlier involvement recorded.")
    counts = [
        (len(facts.episodes), "involvement"),
        (facts.previous_contacts, "earlier contact"),
        (len(facts.referral_dates), "earlier referral"),
    ]
    parts = [f"{count} {noun}{'s' if count != 1 else ''}" for count, noun in counts if count]
    return Check("R18", "Is the child known?", Status.FLAG, "Known: " + ", ".join(parts) + ".")


def open_social_care(facts: ChildFacts) -> Episode | None:
    """The child's open social care episode, if any (R19)."""
    for episode in facts.episodes:
        if episode.kind in {"social_care", "child_protection_plan", "looked_after"} and (
            episode.is_open
        ):
            return episode
    return None


def open_early_help(facts: ChildFacts) -> Episode | None:
    """The child's open early help episode, if any (R20)."""
    for episode in facts.episodes:
        if episode.kind == "early_help" and episode.is_open:
            return episode
    return None


def social_care_closed_recently(policy: Policy, facts: ChildFacts, on: dt.date) -> Episode | None:
    """Social care closed within the policy's months before `on` (R21)."""
    since = months_before(on, policy.screening.social_care_closed_within_months)
    closed = [
        episode
        for episode in facts.episodes
        if episode.kind == "social_care" and episode.ended_on and since <= episode.ended_on <= on
    ]
    return max(closed, key=lambda episode: episode.ended_on, default=None)  # type: ignore[arg-type, return-value]  # closed episodes have ended


def previous_referral_within(policy: Policy, facts: ChildFacts, on: dt.date) -> dt.date | None:
    """The latest referral within the policy's re-referral window before `on` (R29)."""
    since = months_before(on, policy.screening.re_referral_within_months)
    recent = [day for day in facts.referral_dates if since <= day <= on]
    return max(recent, default=None)


def involvement_checks(policy: Policy, facts: ChildFacts, received_at: dt.datetime) -> list[Check]:
    """R19, R20, R21 and R29 for one child, from the facts already gathered."""
    if not facts.linked:
        return []
    on = received_at.astimezone(LONDON).date()
    checks = []
    social_care = open_social_care(facts)
    if social_care:
        who = social_care.allocated_worker or "the allocated social worker"
        team = f" ({social_care.team})" if social_care.team else ""
        line_manager = social_care.line_manager or "their line manager"
        checks.append(
            Check(
                "R19",
                "Open to social care",
                Status.FLAG,
                f"Open to social care since {_date(social_care.started_on)}: the contact goes to "
                f"{who}{team} and {line_manager}.",
            )
        )
    early_help = open_early_help(facts)
    if early_help:
        team = f" with {early_help.team}" if early_help.team else ""
        checks.append(
            Check(
                "R20",
                "Open to early help",
                Status.FLAG,
                f"Open to early help{team} since {_date(early_help.started_on)}: a child contact "
                "for the MASH manager to review.",
            )
        )
    closed = social_care_closed_recently(policy, facts, on)
    if closed:
        months = policy.screening.social_care_closed_within_months
        checks.append(
            Check(
                "R21",
                "Social care closed recently",
                Status.FLAG,
                f"Social care closed on {_date(closed.ended_on)}, "  # type: ignore[arg-type]  # as above
                f"less than {count_of(months, 'month')} ago: flagged to the MASH management team.",
            )
        )
    previous = previous_referral_within(policy, facts, on)
    if previous:
        months = policy.screening.re_referral_within_months
        checks.append(
            Check(
                "R29",
                "Re-referral",
                Status.FLAG,
                f"Referred on {_date(previous)}: a referral now would be a re-referral "
                f"(within {count_of(months, 'month')}).",
            )
        )
    return checks
