"""The screening rules on their own: each test is named by the rule it pins."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.policy.clocks import LONDON
from frontdoor.policy.registry import get_loaded_policy
from frontdoor.policy.schema import Rag
from frontdoor.screening.checks import (
    involvement_checks,
    previous_referral_within,
    social_care_closed_recently,
)
from frontdoor.screening.concerns import Concern, early_help_refusal
from frontdoor.screening.criteria import Evidence, mash_entry
from frontdoor.screening.facts import ChildFacts, Episode, MissingSpell
from frontdoor.screening.rag import suggest_rag
from frontdoor.screening.threshold import suggest_level

SEFTON = get_loaded_policy("sefton").policy
LEWISHAM = get_loaded_policy("lewisham").policy
AT = dt.datetime(2026, 11, 17, 10, 0, tzinfo=LONDON)


def evidence(**overrides) -> Evidence:
    values = {
        "concerns": [],
        "facts": ChildFacts(linked=True),
        "suggested_level": None,
        "domestic_abuse_reported": False,
        "anonymous": False,
        "more_information_needed": False,
        "manager_discretion": False,
        "at": AT,
    }
    values.update(overrides)
    return Evidence(**values)


def met(policy, **overrides) -> dict[str, list[str]]:
    return {result.key: result.evidence for result in mash_entry(policy, evidence(**overrides)).met}


def spell(day: dt.datetime, hours: float | None) -> MissingSpell:
    return MissingSpell(
        went_missing_at=day,
        returned_at=None if hours is None else day + dt.timedelta(hours=hours),
    )


def test_r27_suggested_level_is_the_highest_indicator_level_with_its_drivers():
    suggestion = suggest_level(SEFTON, ["L2.health.1", "L3.health.1", "L3.health.2"])
    assert suggestion.level == 3
    assert [item.key for item in suggestion.drivers] == ["L3.health.1", "L3.health.2"]
    assert [item.key for item in suggestion.others] == ["L2.health.1"]
    assert "Level 3, because 2 indicators" in suggestion.explanation()


def test_r27_no_indicators_means_no_suggestion():
    assert suggest_level(SEFTON, []).level is None
    assert suggest_level(LEWISHAM, []).explanation().startswith("No Level of Need")


def test_r34_nothing_found_meets_no_criterion():
    assert met(SEFTON) == {}


def test_r34_harm_or_neglect_and_exploitation_come_from_the_concerns_recorded():
    found = met(SEFTON, concerns=[Concern.NEGLECT, Concern.EXPLOITATION])
    assert found["harm_or_neglect"] == ["Screening records neglect affecting the child's wellbeing"]
    assert found["child_exploitation"]


def test_r34_domestic_abuse_from_the_referral_answer_alone():
    found = met(SEFTON, domestic_abuse_reported=True)
    assert found == {
        "domestic_abuse": ["The referral says there is domestic abuse in the household"]
    }


def test_r34_re_referral_counts_referrals_within_the_policys_twelve_months():
    inside = ChildFacts(linked=True, referral_dates=[dt.date(2025, 11, 18)])
    outside = ChildFacts(linked=True, referral_dates=[dt.date(2025, 11, 16)])
    assert "re_referral" in met(SEFTON, facts=inside)
    assert "re_referral" not in met(SEFTON, facts=outside)


def test_r34_missing_longer_than_72_hours():
    gone = AT - dt.timedelta(days=20)
    assert "missing" not in met(SEFTON, facts=ChildFacts(linked=True, missing=[spell(gone, 72)]))
    found = met(SEFTON, facts=ChildFacts(linked=True, missing=[spell(gone, 73)]))
    assert found["missing"] == [
        f"Missing from {gone.day} {gone:%B %Y} for 73 hours (returned): longer than 72 hours"
    ]


def test_r34_still_missing_counts_up_to_when_the_contact_arrived():
    gone = AT - dt.timedelta(hours=80)
    found = met(SEFTON, facts=ChildFacts(linked=True, missing=[spell(gone, None)]))
    assert "still missing" in found["missing"][0]


def test_r34_missing_three_times_in_one_calendar_month_but_not_across_two():
    in_october = [dt.datetime(2026, 10, day, 20, 0, tzinfo=LONDON) for day in (2, 15, 30)]
    across = [
        dt.datetime(2026, 9, 29, 20, 0, tzinfo=LONDON),
        dt.datetime(2026, 10, 2, 20, 0, tzinfo=LONDON),
        dt.datetime(2026, 10, 15, 20, 0, tzinfo=LONDON),
    ]
    found = met(SEFTON, facts=ChildFacts(linked=True, missing=[spell(d, 5) for d in in_october]))
    assert found["missing"] == ["Missing 3 times in October 2026"]
    assert "missing" not in met(
        SEFTON, facts=ChildFacts(linked=True, missing=[spell(d, 5) for d in across])
    )


def test_r33_lewisham_routes_are_its_own():
    assert met(LEWISHAM, suggested_level=4) == {
        "strategy_threshold": ["The indicators found are at level 4 (child protection)"]
    }
    assert "more_information_needed" in met(LEWISHAM, more_information_needed=True)
    assert "manager_discretion" in met(LEWISHAM, manager_discretion=True)
    # Sefton's criteria are not Lewisham's: domestic abuse alone does not meet one there.
    assert met(LEWISHAM, domestic_abuse_reported=True) == {}
    assert not mash_entry(LEWISHAM, evidence(domestic_abuse_reported=True)).goes_to_mash


@pytest.mark.parametrize("policy_id", ["sefton", "sefton-2022"])
def test_r33_sefton_routes_let_a_contact_in_beside_the_r34_criteria(policy_id):
    policy = get_loaded_policy(policy_id).policy
    assert met(policy, manager_discretion=True) == {
        "manager_discretion": ["The MASH manager chose MASH"]
    }
    assert "more_information_needed" in met(policy, more_information_needed=True)
    assert "strategy_threshold" in met(policy, suggested_level=4)
    entry = mash_entry(policy, evidence(manager_discretion=True, domestic_abuse_reported=True))
    assert entry.goes_to_mash
    # Routes come first, each marked as a route; the R34 criteria follow.
    assert [(item.key, item.route) for item in entry.met] == [
        ("manager_discretion", True),
        ("domestic_abuse", False),
    ]
    assert not mash_entry(policy, evidence()).goes_to_mash


def test_r33_anonymous_alone_is_not_a_route_until_more_information_would_help():
    assert "anonymous_referral" not in met(SEFTON, anonymous=True)
    assert met(SEFTON, anonymous=True, more_information_needed=True)["anonymous_referral"] == [
        "The referrer is anonymous, and the screening records that more is needed"
    ]


def test_r35_no_criterion_met_means_no_mash_rag():
    suggestion = suggest_rag(
        SEFTON,
        goes_to_mash=False,
        suggested_level=3,
        concerns=[],
        more_information_needed=False,
    )
    assert suggestion.rag is None
    assert "single-agency" in suggestion.reasons[0]


@pytest.mark.parametrize(
    ("level", "concerns", "immediate", "more_info", "expected"),
    [
        (4, [], False, False, Rag.RED),
        (2, [], True, False, Rag.RED),
        (2, [Concern.NEGLECT], False, True, Rag.RED),
        (3, [], False, False, Rag.AMBER),
        (2, [Concern.NEGLECT], False, False, Rag.AMBER),
        (2, [], False, False, Rag.GREEN),
        (None, [], False, False, Rag.GREEN),
    ],
)
def test_r35_suggested_rag(level, concerns, immediate, more_info, expected):
    suggestion = suggest_rag(
        SEFTON,
        goes_to_mash=True,
        suggested_level=level,
        concerns=concerns,
        immediate_need_reported=immediate,
        more_information_needed=more_info,
    )
    assert suggestion.rag == expected
    assert suggestion.reasons


@pytest.mark.parametrize(
    ("reported", "found", "reason"),
    [
        (True, False, "A report says a child needs protection now"),
        (False, True, "The screening found that urgent action is needed"),
    ],
)
def test_r35_immediate_red_need_presents_at_the_strategy_meeting_and_names_its_source(
    reported, found, reason
):
    suggestion = suggest_rag(
        SEFTON,
        goes_to_mash=True,
        suggested_level=2,
        concerns=[],
        immediate_need_reported=reported,
        urgent_action_found=found,
        more_information_needed=False,
    )
    assert suggestion.rag == Rag.RED
    assert suggestion.reasons == [reason]
    assert suggestion.present_at_strategy_meeting


def test_r28_early_help_is_refused_with_the_concerns_named():
    assert early_help_refusal([]) is None
    message = early_help_refusal([Concern.DOMESTIC_ABUSE])
    assert "never the right first response" in message
    assert "domestic abuse" in message


def _facts(*episodes: Episode, referrals=()) -> ChildFacts:
    return ChildFacts(linked=True, episodes=list(episodes), referral_dates=list(referrals))


def test_r19_open_social_care_goes_to_the_allocated_worker_and_manager():
    facts = _facts(
        Episode("social_care", dt.date(2026, 1, 5), None, "Sam Worker", "sam@x.example", "CIN 2")
    )
    (check,) = involvement_checks(SEFTON, facts, AT)
    assert check.rule == "R19"
    assert "Sam Worker (CIN 2) and their line manager" in check.message
    named = Episode(
        "social_care", dt.date(2026, 1, 5), None, "Sam Worker", team="CIN 2", line_manager="Lee"
    )
    (check,) = involvement_checks(SEFTON, _facts(named), AT)
    assert "Sam Worker (CIN 2) and Lee." in check.message


def test_r20_open_early_help_is_a_child_contact_for_the_mash_manager():
    facts = _facts(Episode("early_help", dt.date(2026, 6, 1), None, team="Family Wellbeing South"))
    (check,) = involvement_checks(SEFTON, facts, AT)
    assert check.rule == "R20"
    assert "MASH manager" in check.message


def test_r21_social_care_closed_less_than_three_months_ago_is_flagged():
    recent = Episode("social_care", dt.date(2025, 1, 1), dt.date(2026, 8, 18))
    older = Episode("social_care", dt.date(2025, 1, 1), dt.date(2026, 8, 16))
    on = AT.date()
    assert social_care_closed_recently(SEFTON, _facts(recent), on) == recent
    assert social_care_closed_recently(SEFTON, _facts(older), on) is None
    (check,) = involvement_checks(SEFTON, _facts(recent), AT)
    assert check.rule == "R21"


def test_r29_a_referral_within_twelve_months_makes_a_re_referral():
    assert previous_referral_within(SEFTON, _facts(referrals=[dt.date(2026, 2, 1)]), AT.date())
    assert (
        previous_referral_within(SEFTON, _facts(referrals=[dt.date(2025, 2, 1)]), AT.date()) is None
    )


def test_r18_a_child_not_yet_linked_has_no_involvement_checks():
    assert involvement_checks(SEFTON, ChildFacts(linked=False), AT) == []
