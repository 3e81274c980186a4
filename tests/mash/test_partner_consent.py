"""What a partner agency sees of a household where consent is per person and per child: a
young person consented, their parents refused for the younger sibling (R12-R14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.mash import enquiries
from frontdoor.mash.selectors import asked_about, may_go_to_partner
from frontdoor.policy.registry import current_policy
from frontdoor.screening.consent import (
    authorise_sharing_without_consent,
    record_consent,
    sharing_position,
)
from tests.mash.test_enquiries import SENT
from tests.screening.test_consent import ASKED, more_information_needed

pytestmark = pytest.mark.django_db

HOME = {"last_name": "Ashcombe", "gender": "male", "postcode": "L21 7PQ"}
PEREGRINE = {"first_name": "Peregrine", "date_of_birth": "2009-05-01", **HOME}
WREN = {"first_name": "Wren", "date_of_birth": "2019-03-01", **{**HOME, "gender": "female"}}
CONCERN = {
    "worry": "Wren said she is left alone at night.",
    "working_well": "Peregrine attends college.",
    "immediate_protection_needed": "no",
    "domestic_abuse": "yes",
}


@pytest.fixture
def police(make_user):
    return make_user(Role.PARTNER_AGENCY, agency_key="police")


@pytest.fixture
def household(make_contact, worker, manager):
    return _household(make_contact, worker, manager)


def _household(make_contact, worker, manager):
    contact = make_contact(
        children=[PEREGRINE, WREN], consent={"consent": "refused"}, concern=CONCERN
    )
    peregrine = contact.children.get(first_name="Peregrine")
    record_consent(contact=contact, by=worker, child=peregrine, status="given", now=ASKED)
    more_information_needed(contact, manager)
    return contact


def _enquiry(contact, manager, rag="green"):
    peregrine = contact.children.get(first_name="Peregrine")
    return enquiries.send_enquiry(
        contact=contact,
        child=peregrine,
        by=manager,
        rag=rag,
        agencies=["police"],
        reason="Neglect reported in the household.",
        now=SENT,
    )


def _page(client, police, enquiry) -> str:
    client.force_login(police)
    request = enquiry.requests.get()
    return client.get(reverse("mash:answer", args=[request.pk])).content.decode()


def test_r12_r13_the_younger_sibling_is_withheld_from_a_partner(client, household, manager, police):
    enquiry = _enquiry(household, manager)
    page = _page(client, police, enquiry)
    wren = household.children.get(first_name="Wren")
    assert "Wren Ashcombe, aged 7, in the household" in page
    assert "1 March 2019" not in page
    assert "What you hold about Wren" not in page
    assert "left alone at night" not in page
    assert "What you hold about Peregrine" in page
    assert f"child-{wren.pk}" not in asked_about(policy=current_policy(), enquiry=enquiry)


def test_r12_the_parent_who_refused_is_withheld_from_a_partner(client, household, manager, police):
    enquiry = _enquiry(household, manager)
    page = _page(client, police, enquiry)
    mother = household.adults.get()
    assert "What you hold about Jo" not in page
    assert "the referral says the parents refused consent" in page
    assert f"adult-{mother.pk}" not in asked_about(policy=current_policy(), enquiry=enquiry)


def test_r12_r14_sharing_authorised_without_consent_shows_the_sibling(
    client, household, manager, make_user, police
):
    wren = household.children.get(first_name="Wren")
    authorise_sharing_without_consent(
        contact=household,
        child=wren,
        by=manager,
        reason="increased_risk",
        explanation="Asking the mother would put Wren at risk.",
    )
    enquiry = _enquiry(household, manager, rag="red")
    page = _page(client, police, enquiry)
    assert "What you hold about Wren" in page
    assert "1 March 2019" in page


def test_r12_r13_the_api_gives_a_partner_what_the_page_gives(client, household, manager, police):
    enquiry = _enquiry(household, manager)
    request = enquiry.requests.get()
    _, token = issue_token(user=police, name="Partner system", by=None)
    detail = client.get(
        f"/api/v1/mash/requests/{request.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    people = {person["name"]: person for person in detail["people"]}
    assert people["Wren Ashcombe"]["date_of_birth"] is None
    assert "aged 7, in the household" in people["Wren Ashcombe"]["withheld"]
    assert people["Jo Examplechild"]["withheld"]
    assert people["Peregrine Ashcombe"]["withheld"] == ""
    assert detail["what_was_reported"] == []
    shared = [
        key for key, person in ((p["id"], p) for p in detail["people"]) if not person["withheld"]
    ]
    assert shared == asked_about(policy=current_policy(), enquiry=enquiry)


def test_r12_r13_the_check_before_sending_lists_who_is_withheld(client, household, manager):
    peregrine = household.children.get(first_name="Peregrine")
    client.force_login(manager)
    page = client.post(
        reverse("mash:send", args=[household.reference, peregrine.pk]),
        {"rag": "green", "agencies": ["police"], "reason": "Neglect reported."},
    ).content.decode()
    assert "Withheld from the agencies" in page
    assert "Wren Ashcombe: consent for them has not been given" in page
    assert "Jo Examplechild: the referral says the parents refused consent" in page


def _authorise(contact, child, manager):
    authorise_sharing_without_consent(
        contact=contact,
        child=child,
        by=manager,
        reason="increased_risk",
        explanation="Asking the mother would put the children at risk.",
    )


def _may_go(contact, child, person, rag) -> bool:
    policy = current_policy()
    sharing = sharing_position(
        contact=contact,
        adults=list(contact.adults.all()),
        children=list(contact.children.all()),
        policy=policy,
    )
    allowed, _ = may_go_to_partner(
        policy=policy, sharing=sharing, child=child, rag=rag, person=person
    )
    return allowed


@pytest.mark.parametrize("council", ["sefton", "sefton-2022", "lewisham"])
def test_r14_r16_an_authorisation_for_a_sibling_counts_only_where_consent_may_be_set_aside(
    client, make_contact, worker, manager, police, settings, council
):
    settings.FRONTDOOR_COUNCIL = council
    contact = _household(make_contact, worker, manager)
    peregrine = contact.children.get(first_name="Peregrine")
    wren = contact.children.get(first_name="Wren")
    _authorise(contact, wren, manager)
    assert current_policy().consent.may_be_dispensed_at_levels == [4]
    assert _may_go(contact, peregrine, wren, "red")
    for rag in ("amber", "green"):
        assert not _may_go(contact, peregrine, wren, rag), rag
    page = _page(client, police, _enquiry(contact, manager, rag="green"))
    assert "What you hold about Wren" not in page
    assert "1 March 2019" not in page
    assert "at this level of need consent is required" in page


@pytest.mark.parametrize("council", ["sefton", "sefton-2022", "lewisham"])
def test_r14_r16_the_household_adults_go_with_an_authorisation_only_at_level_4(
    make_contact, worker, manager, settings, council
):
    settings.FRONTDOOR_COUNCIL = council
    contact = _household(make_contact, worker, manager)
    peregrine = contact.children.get(first_name="Peregrine")
    mother = contact.adults.get()
    _authorise(contact, peregrine, manager)
    assert _may_go(contact, peregrine, mother, "red")
    for rag in ("amber", "green"):
        assert not _may_go(contact, peregrine, mother, rag), rag
