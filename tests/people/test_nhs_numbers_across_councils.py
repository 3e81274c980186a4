"""An NHS number on a service of several councils (docs/councils.md).

Within one council an NHS number is on one person record: a second is refused, by the database
and, with a message naming the record to link or merge with, at every door (a correction of
the record, a new record from a contact, an import). A child who moved is known to each council
that has worked with them, each by a record of its own, behind its own wall: the other council's
record never refuses a number, nor is it named; "known elsewhere" finds it by the number.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.errors import DomainError
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.people.corrections import correct_details
from frontdoor.people.involvement_import import import_involvements
from frontdoor.people.matching import known_to
from frontdoor.people.selectors import people_of_served_council
from frontdoor.policy.councils import serving
from frontdoor.screening.known_elsewhere import described, known_elsewhere
from frontdoor.screening.linking import create_person_from, link_reported_person
from tests.intake.factories import make_submission
from tests.people.factories import NHS_NUMBER, PersonFactory
from tests.people.test_corrections import _current, _post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_councils")]
REASON = "The GP confirmed the NHS number."


@pytest.fixture
def known_in_sefton():
    """The child on Sefton's records, with their NHS number."""
    return PersonFactory(first_name="Ellis", last_name="Examplechild", nhs_number=NHS_NUMBER)


@pytest.fixture
def lewisham_worker(make_user):
    return make_user(Role.MASH_SOCIAL_WORKER, council_id="lewisham")


def _lewisham_contact(*, nhs_number: str = NHS_NUMBER, **child):
    """A contact in Lewisham about the child who moved there, with their NHS number."""
    children = [
        {
            "first_name": "Ellis",
            "last_name": "Examplechild",
            "date_of_birth": "2015-03-02",
            "nhs_number": nhs_number,
            **child,
        }
    ]
    with serving("lewisham"):
        return record_contact(
            submission=make_submission(children=children), channel=Channel.ONLINE_FORM
        ).contact


def _import(rows: list[dict[str, str]]):
    return import_involvements(
        rows=list(enumerate(rows, 1)), source_system="case-record", through="file"
    )


ROW = {
    "nhs_number": NHS_NUMBER,
    "first_name": "Ellis",
    "last_name": "Examplechild",
    "date_of_birth": "2015-03-02",
    "kind": "social_care",
    "started_on": "2026-01-05",
}


# The database --------------------------------------------------------------------------------


def test_each_council_may_hold_the_childs_nhs_number_on_a_record_of_its_own(known_in_sefton):
    with serving("lewisham"):
        theirs = PersonFactory(nhs_number=NHS_NUMBER)
        assert list(people_of_served_council().filter(nhs_number=NHS_NUMBER)) == [theirs]
    assert theirs.council_id == "lewisham"
    assert list(people_of_served_council().filter(nhs_number=NHS_NUMBER)) == [known_in_sefton]


def test_one_council_cannot_hold_two_records_of_one_nhs_number(known_in_sefton):
    with serving("lewisham"):
        PersonFactory(nhs_number=NHS_NUMBER)
        with pytest.raises(IntegrityError), transaction.atomic():
            PersonFactory(nhs_number="943 476 5919")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(nhs_number=NHS_NUMBER)


# The doors: within one council refused, naming the record; across councils never ------------


def test_a_correction_to_a_number_the_council_holds_is_refused_naming_the_record(
    officer, known_in_sefton
):
    other = PersonFactory(first_name="Robin", nhs_number="")
    with pytest.raises(DomainError, match=f"already on the record of person {known_in_sefton.pk}"):
        correct_details(record=other, by=officer, details={"nhs_number": NHS_NUMBER}, reason=REASON)


def test_the_correction_page_says_so_and_keeps_the_record(client, officer, known_in_sefton):
    other = PersonFactory(first_name="Robin", nhs_number="", postcode="")
    client.force_login(officer)
    typed = {**_current(other), "nhs_number": NHS_NUMBER}
    page = _post(client, reverse("people:correct", args=[other.pk]), **typed)
    assert page.status_code == 400
    assert f"already on the record of person {known_in_sefton.pk}" in page.content.decode()
    other.refresh_from_db()
    assert other.nhs_number == ""


def test_a_correction_to_a_number_another_council_holds_is_made(make_user, known_in_sefton):
    lewisham_officer = make_user(Role.CONTACT_OFFICER, council_id="lewisham")
    with serving("lewisham"):
        theirs = PersonFactory(nhs_number="")
        correct_details(
            record=theirs, by=lewisham_officer, details={"nhs_number": NHS_NUMBER}, reason=REASON
        )
        theirs.refresh_from_db()
    assert theirs.nhs_number == NHS_NUMBER
    known_in_sefton.refresh_from_db()
    assert known_in_sefton.nhs_number == NHS_NUMBER


def test_a_new_record_from_a_contact_is_refused_where_the_council_holds_the_number(
    worker, known_in_sefton
):
    children = [{"first_name": "Ellis", "last_name": "Examplechild", "nhs_number": NHS_NUMBER}]
    contact = record_contact(
        submission=make_submission(children=children), channel=Channel.ONLINE_FORM
    ).contact
    with pytest.raises(DomainError, match=f"person {known_in_sefton.pk}"):
        create_person_from(reported=contact.children.get(), by=worker)


def test_a_new_record_from_a_contact_is_made_where_another_council_holds_the_number(
    lewisham_worker, known_in_sefton
):
    contact = _lewisham_contact()
    with serving("lewisham"):
        theirs = create_person_from(reported=contact.children.get(), by=lewisham_worker)
    assert (theirs.council_id, theirs.nhs_number) == ("lewisham", NHS_NUMBER)
    assert theirs.pk != known_in_sefton.pk


def test_linking_to_a_record_fills_a_number_another_council_holds(lewisham_worker, known_in_sefton):
    contact = _lewisham_contact()
    with serving("lewisham"):
        theirs = PersonFactory(nhs_number="")
        link_reported_person(reported=contact.children.get(), person=theirs, by=lewisham_worker)
        theirs.refresh_from_db()
    assert theirs.nhs_number == NHS_NUMBER


def test_linking_refuses_a_number_another_record_of_the_council_holds(worker, known_in_sefton):
    children = [{"first_name": "Ellis", "last_name": "Examplechild", "nhs_number": NHS_NUMBER}]
    contact = record_contact(
        submission=make_submission(children=children), channel=Channel.ONLINE_FORM
    ).contact
    other = PersonFactory(first_name="Ellis", nhs_number="")
    with pytest.raises(DomainError, match=f"person {known_in_sefton.pk}"):
        link_reported_person(reported=contact.children.get(), person=other, by=worker)


def test_an_import_finds_the_councils_own_record_by_the_number(known_in_sefton):
    result = _import([{**ROW, "external_id": "CR-1"}])
    assert (result.people_created, result.rejected) == (0, [])
    assert people_of_served_council().filter(nhs_number=NHS_NUMBER).get() == known_in_sefton


def test_an_import_makes_the_councils_own_record_where_another_council_holds_the_number(
    known_in_sefton,
):
    with serving("lewisham"):
        result = _import([{**ROW, "external_id": "CR-1"}])
        theirs = people_of_served_council().get()
        assert theirs.involvements.get().external_id == "CR-1"
    assert (result.people_created, result.rejected) == (1, [])
    assert (theirs.council_id, theirs.nhs_number) == ("lewisham", NHS_NUMBER)
    assert known_in_sefton.involvements.count() == 0


# Known elsewhere: found by the number -----------------------------------------------------------


def test_known_elsewhere_finds_the_child_by_the_nhs_number_whatever_the_names(
    lewisham_worker, known_in_sefton
):
    # Lewisham's referrer knows the child by another name and date of birth: the number decides.
    contact = _lewisham_contact(first_name="Jay", last_name="Newname", date_of_birth="2016-07-09")
    with serving("lewisham"):
        child = contact.children.get()
        assert known_to(["sefton"], **described(child)) == {"sefton": [known_in_sefton.pk]}
        found = known_elsewhere(reported=child, contact=contact, by=lewisham_worker)
    assert [known.council for known in found] == ["sefton"]


def test_known_elsewhere_is_not_told_by_a_differing_nhs_number(lewisham_worker):
    PersonFactory(
        first_name="Jay",
        last_name="Newname",
        date_of_birth=dt.date(2016, 7, 9),
        nhs_number=NHS_NUMBER,
    )
    contact = _lewisham_contact(
        nhs_number="9434765870", first_name="Jay", last_name="Newname", date_of_birth="2016-07-09"
    )
    with serving("lewisham"):
        assert known_to(["sefton"], **described(contact.children.get())) == {}
