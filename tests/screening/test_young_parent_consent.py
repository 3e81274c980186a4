"""Consent on a contact about a 12-year-old expectant parent and her unborn baby (R5, R12, R13).

The expectant parent is a child in her own right (R5): her parents, who hold parental
responsibility for her, consent for her. Under the policy's own-consent age she gives her own
consent for no one, not for herself and not for her unborn baby; a refusal she gives is heard.
Each child's consent is that child's: consent for one is never read for the other.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact
from frontdoor.policy.registry import current_policy
from frontdoor.screening.consent import record_consent
from tests.screening.test_consent import ASKED, COUNCILS, position
from tests.screening.test_young_parents import young_parent_contact

pytestmark = pytest.mark.django_db


@pytest.fixture(params=COUNCILS)
def council(request, settings):
    settings.FRONTDOOR_COUNCIL = request.param
    return request.param


NOT_SOUGHT = {"consent": "not_sought", "not_sought_reason": "increased_risk"}
# Kay is the unborn baby's mother, with parental responsibility for the baby.
AS_MOTHER = {"relationship_to_child": "Mother of the unborn baby", "parental_responsibility": "yes"}
LEE = {
    "first_name": "Lee",
    "last_name": "Example",
    "relationship_to_child": "Kay's mother",
    "date_of_birth": "1986-01-01",
    "parental_responsibility": "yes",
}


@pytest.fixture
def young_parent(council, officer) -> Contact:
    """Kay, 12 and expecting a baby, and her mother Lee, who holds parental responsibility for
    Kay; the referral did not seek consent."""
    return young_parent_contact(officer, age=12, kay=AS_MOTHER, others=(LEE,), consent=NOT_SOUGHT)


def _people(contact):
    kay = contact.children.get(expectant_parent=True)
    baby = contact.children.get(unborn=True)
    kay_as_parent = contact.adults.get(first_name="Kay")
    lee = contact.adults.get(first_name="Lee")
    return kay, baby, kay_as_parent, lee


def test_r5_r13_a_12_year_old_expectant_parent_does_not_consent_for_herself(young_parent, worker):
    kay, _, kay_as_parent, _ = _people(young_parent)
    with pytest.raises(DomainError, match="under 16"):
        record_consent(contact=young_parent, by=worker, child=kay, status="given", now=ASKED)
    # Nor as the unborn baby's parent, about herself.
    with pytest.raises(DomainError, match="cannot consent for themselves"):
        record_consent(
            contact=young_parent,
            by=worker,
            adult=kay_as_parent,
            about=[kay],
            status="given",
            now=ASKED,
        )
    # Those who speak for Kay are her parents, not Kay herself.
    speakers = [person.name for person in position(young_parent).for_child(kay).people]
    assert speakers == ["Lee Example"]


def test_r5_r12_a_12_year_old_parents_consent_does_not_count_for_her_unborn_baby(
    young_parent, worker
):
    _, baby, kay_as_parent, _ = _people(young_parent)
    record_consent(
        contact=young_parent,
        by=worker,
        adult=kay_as_parent,
        about=[baby],
        status="given",
        now=ASKED,
    )
    sharing = position(young_parent).for_child(baby)
    assert not sharing.consent_given
    assert not sharing.may_share_at(current_policy(), 3)[0]
    # A refusal she gives is heard.
    record_consent(
        contact=young_parent,
        by=worker,
        adult=kay_as_parent,
        about=[baby],
        status="refused",
        now=ASKED + dt.timedelta(minutes=5),
    )
    assert position(young_parent).for_child(baby).refused_by == ["Kay Example"]


def test_r12_consent_for_the_young_parent_is_never_read_for_her_baby(young_parent, worker):
    kay, baby, _, lee = _people(young_parent)
    record_consent(
        contact=young_parent, by=worker, adult=lee, about=[kay], status="given", now=ASKED
    )
    sharing = position(young_parent)
    assert sharing.for_child(kay).consent_given
    assert not sharing.for_child(baby).consent_given
    record_consent(
        contact=young_parent,
        by=worker,
        adult=lee,
        about=[baby],
        status="refused",
        now=ASKED + dt.timedelta(minutes=5),
    )
    sharing = position(young_parent)
    assert sharing.for_child(baby).refused_by == ["Lee Example"]
    assert sharing.for_child(kay).consent_given and not sharing.for_child(kay).refused_by


def test_r5_an_expectant_parent_of_16_consents_for_herself_and_her_baby(council, officer, worker):
    contact = young_parent_contact(officer, age=16, kay=AS_MOTHER, consent=NOT_SOUGHT)
    kay, baby = contact.children.get(expectant_parent=True), contact.children.get(unborn=True)
    kay_as_parent = contact.adults.get()
    record_consent(contact=contact, by=worker, child=kay, status="given", now=ASKED)
    assert not position(contact).for_child(baby).consent_given  # her own, not the baby's
    record_consent(
        contact=contact, by=worker, adult=kay_as_parent, about=[baby], status="given", now=ASKED
    )
    sharing = position(contact)
    assert sharing.for_child(kay).consent_given and sharing.for_child(baby).consent_given
