"""The staff reference page: levels, indicators by domain (searchable), every timescale in words."""

from __future__ import annotations

from html import escape

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.policy.catalogue import indicators, search_indicators
from frontdoor.policy.registry import current_policy, load_policies

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, make_user):
    client.force_login(make_user(Role.CONTACT_OFFICER))
    return client


def test_the_page_needs_a_signed_in_user(client):
    assert client.get(reverse("policy:guidance")).status_code == 302


def test_every_timescale_is_in_words(signed_in):
    page = signed_in.get(reverse("policy:guidance")).content.decode()
    assert "6 core hours from when the partner agency is alerted" in page
    assert "2 hours from when the partner agency is alerted" in page
    assert "1 working day from when the partner agency is alerted" in page
    assert "1 working day from when the contact is received" in page
    assert "24 hours from when child protection concerns are identified" in page
    assert "No timescale set by Sefton Council" in page  # R30 and R31 are Lewisham's
    assert "2 working days from when the step starts" in page  # R42 escalation steps


def test_every_level_and_indicator_is_shown(signed_in):
    page = signed_in.get(reverse("policy:guidance")).content.decode()
    for level in current_policy().level_of_need.levels:
        assert escape(f"Level {level.level}: {level.name}") in page
    for indicator in indicators(current_policy()):
        assert f'id="{indicator.key}"' in page
    assert "Pre-birth risk factors" in page


def test_searching_shows_only_matching_indicators(signed_in):
    response = signed_in.get(reverse("policy:guidance"), {"q": "dental decay"})
    page = response.content.decode()
    expected = search_indicators(current_policy(), query="dental decay")
    assert expected
    assert f"{len(expected)} of {len(indicators(current_policy()))} indicators match" in page
    for indicator in expected:
        assert f'id="{indicator.key}"' in page
    assert page.count('<li id="L') == len(expected)


def test_searching_by_level(signed_in):
    page = signed_in.get(
        reverse("policy:guidance"), {"level": "4", "q": "missing"}
    ).content.decode()
    shown = [key for key in (i.key for i in indicators(current_policy())) if f'id="{key}"' in page]
    assert shown
    assert all(key.startswith("L4.") for key in shown)


def test_a_search_for_markup_is_shown_as_text(signed_in):
    page = signed_in.get(
        reverse("policy:guidance"), {"q": "<script>alert(1)</script>"}
    ).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_search_words_match_in_any_order_and_case():
    found = search_indicators(current_policy(), query="DECAY dental")
    assert found
    assert all("dental" in i.text.lower() and "decay" in i.text.lower() for i in found)


def test_lewisham_runs_from_its_policy_file(signed_in, settings):
    settings.FRONTDOOR_COUNCIL = "lewisham"
    load_policies()
    try:
        page = signed_in.get(reverse("policy:guidance")).content.decode()
        assert "London Borough of Lewisham" in page
        assert "3 working days from when the manager&#x27;s decision is recorded" in page
        assert "No timescale set by London Borough of Lewisham" in page
        assert "describes each level without a list of indicators" in page
    finally:
        settings.FRONTDOOR_COUNCIL = "sefton"
        load_policies()


def test_r37_the_councils_own_additions_to_the_mash_agencies_are_marked(signed_in):
    page = signed_in.get(reverse("policy:guidance")).content.decode()
    agencies = page.split('id="agencies"', 1)[1].split("</ul>", 1)[0]
    assert "Housing <strong" in agencies and "own addition" in agencies
    assert "Merseyside Police</li>" in agencies  # in the leaflet's list: no mark


def test_r39_the_service_manager_step_for_a_mash_case_discussion_is_shown(signed_in):
    page = signed_in.get(reverse("policy:guidance")).content.decode()
    assert "A disagreement with the outcome of a MASH case discussion goes first to" in page
    assert "Final and binding; its outcome is reported to the safeguarding partnership" in page
