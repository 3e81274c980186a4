"""Linking reported children and adults to known people, and keeping their records (R18, R22)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from frontdoor.accounts.permissions import PermissionDeniedError
from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.models import Channel, ReportedChild
from frontdoor.intake.services import attach_report, record_contact
from frontdoor.people.models import Household, HouseholdMember, Relationship
from frontdoor.screening.linking import (
    create_person_from,
    link_household,
    link_reported_person,
    merge_people,
    relationship_kind,
)
from tests.intake.factories import make_submission
from tests.people.factories import NHS_NUMBER, OTHER_NHS_NUMBER, InvolvementFactory, PersonFactory
from tests.screening.test_decisions import decide

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def worker(make_user):
    return make_user(Role.MASH_SOCIAL_WORKER)


def _contact(received="2026-11-19T10:00", **overrides):
    return record_contact(
        submission=make_submission(**overrides),
        channel=Channel.ONLINE_FORM,
        received_at=dt.datetime.fromisoformat(received).replace(tzinfo=LONDON),
    ).contact


def _child(contact, first_name="Ellis"):
    return contact.children.get(first_name=first_name)


def test_r22_linking_fills_blanks_and_records_the_link_with_an_audit_entry(worker):
    contact = _contact()
    known = PersonFactory(
        first_name="Ellis", last_name="Examplechild", postcode="", gender="not_known"
    )
    linked = link_reported_person(reported=_child(contact), person=known, by=worker)
    known.refresh_from_db()
    assert _child(contact).person == known
    assert known.postcode == "L21 7PQ"
    assert known.gender == "male"
    assert linked.filled["address"] == {"address": "", "postcode": "L21 7PQ"}
    event = AuditEvent.objects.get(action="person.linked")
    assert event.target_id == str(known.pk)
    assert event.changes["reported"]["contact"] == contact.reference


def test_r22_a_differing_name_becomes_an_other_name_never_a_replacement(worker):
    contact = _contact()
    known = PersonFactory(first_name="Elliot", last_name="Examplechild")
    linked = link_reported_person(reported=_child(contact), person=known, by=worker)
    known.refresh_from_db()
    assert known.first_name == "Elliot"
    assert "Ellis Examplechild" in known.other_names
    assert linked.conflicts["first_name"] == {"on_record": "Elliot", "given": "Ellis"}


def test_r22_a_conflicting_date_of_birth_is_recorded_not_overwritten(worker):
    contact = _contact()
    known = PersonFactory(date_of_birth=dt.date(2015, 2, 3))
    link_reported_person(reported=_child(contact), person=known, by=worker)
    known.refresh_from_db()
    assert known.date_of_birth == dt.date(2015, 2, 3)
    event = AuditEvent.objects.get(action="person.linked")
    assert event.changes["conflicts"]["date_of_birth"] == {
        "on_record": "2015-02-03",
        "given": "2015-03-02",
    }


def test_r22_a_newer_report_moves_the_address_and_the_old_stays_in_history(worker):
    known = PersonFactory(
        address="1 Old Road",
        postcode="L20 3NJ",
        address_reported_at=dt.datetime(2026, 1, 1, tzinfo=LONDON),
    )
    children = [
        {
            "first_name": "Ellis",
            "last_name": "Examplechild",
            "address": "2 New Street",
            "postcode": "L21 7PQ",
        }
    ]
    contact = _contact(children=children)
    linked = link_reported_person(reported=_child(contact), person=known, by=worker)
    known.refresh_from_db()
    assert (known.address, known.postcode) == ("2 New Street", "L21 7PQ")
    assert linked.updated["address"]["was"] == {"address": "1 Old Road", "postcode": "L20 3NJ"}
    assert "1 Old Road" in [h.address for h in known.history.all()]
    assert known.history.first().history_change_reason == f"Linked to contact {contact.reference}"


def test_r22_an_older_report_does_not_move_the_address_back(worker):
    known = PersonFactory(
        address="2 New Street",
        postcode="L21 7PQ",
        address_reported_at=dt.datetime(2026, 12, 1, tzinfo=LONDON),
    )
    children = [
        {
            "first_name": "Ellis",
            "last_name": "Examplechild",
            "address": "1 Old Road",
            "postcode": "L20 3NJ",
        }
    ]
    linked = link_reported_person(
        reported=_child(_contact(children=children)), person=known, by=worker
    )
    known.refresh_from_db()
    assert known.postcode == "L21 7PQ"
    assert linked.conflicts["address"]["given"]["postcode"] == "L20 3NJ"


def test_r22_a_new_phone_number_is_added_and_a_known_one_is_not_doubled(worker):
    adults = [
        {
            "first_name": "Jo",
            "last_name": "Examplechild",
            "phone": "0151 000 1111",
            "relationship_to_child": "Mother",
        }
    ]
    mother = PersonFactory(first_name="Jo", date_of_birth=None)
    mother.phone_numbers.create(number="07700 900000")
    contact = _contact(adults=adults)
    link_reported_person(reported=contact.adults.get(), person=mother, by=worker)
    assert sorted(p.digits for p in mother.phone_numbers.all()) == ["01510001111", "07700900000"]
    again = _contact(adults=[{**adults[0], "phone": "+44 151 000 1111"}])
    link_reported_person(reported=again.adults.get(), person=mother, by=worker)
    assert mother.phone_numbers.count() == 2


def test_r18_linking_is_refused_when_the_nhs_numbers_differ(worker):
    children = [
        {"first_name": "Ellis", "last_name": "Examplechild", "nhs_number": OTHER_NHS_NUMBER}
    ]
    contact = _contact(children=children)
    known = PersonFactory(nhs_number=NHS_NUMBER)
    with pytest.raises(DomainError, match="differs from Ellis Examplechild's"):
        link_reported_person(reported=_child(contact), person=known, by=worker)
    assert _child(contact).person is None
    assert not AuditEvent.objects.filter(action="person.linked").exists()


def test_r18_linking_needs_the_screening_permission(make_user):
    contact = _contact()
    with pytest.raises(PermissionDeniedError):
        link_reported_person(
            reported=_child(contact), person=PersonFactory(), by=make_user(Role.CONTACT_OFFICER)
        )


def test_r18_linking_twice_to_the_same_person_changes_nothing_and_to_another_is_refused(worker):
    contact = _contact()
    known = PersonFactory()
    link_reported_person(reported=_child(contact), person=known, by=worker)
    link_reported_person(reported=_child(contact), person=known, by=worker)
    assert AuditEvent.objects.filter(action="person.linked").count() == 1
    with pytest.raises(DomainError, match="already linked"):
        link_reported_person(reported=_child(contact), person=PersonFactory(), by=worker)


def test_r18_a_new_person_is_created_from_the_report_and_linked(worker):
    children = [
        {
            "first_name": "Robin",
            "last_name": "Examplechild",
            "date_of_birth": "2018-09-14",
            "nhs_number": NHS_NUMBER,
            "postcode": "l21 7pq",
        }
    ]
    contact = _contact(children=children)
    person = create_person_from(reported=_child(contact, "Robin"), by=worker)
    assert (person.first_name, person.date_of_birth, person.nhs_number) == (
        "Robin",
        dt.date(2018, 9, 14),
        NHS_NUMBER,
    )
    assert person.postcode == "L21 7PQ"
    assert _child(contact, "Robin").person == person
    assert AuditEvent.objects.filter(action="person.created", target_id=str(person.pk)).exists()
    with pytest.raises(DomainError, match="already linked"):
        create_person_from(reported=_child(contact, "Robin"), by=worker)


def test_r18_creating_a_second_record_with_a_known_nhs_number_is_refused(worker):
    PersonFactory(nhs_number=NHS_NUMBER)
    children = [{"first_name": "Ellis", "last_name": "Examplechild", "nhs_number": NHS_NUMBER}]
    with pytest.raises(DomainError, match="already on the record"):
        create_person_from(reported=_child(_contact(children=children)), by=worker)


def test_r18_merging_moves_links_involvements_relationships_and_keeps_the_duplicate(worker):
    keep = PersonFactory(nhs_number="", other_names="")
    duplicate = PersonFactory(first_name="Elis", nhs_number=NHS_NUMBER, ethnicity="White British")
    contact = _contact()
    link_reported_person(reported=_child(contact), person=duplicate, by=worker)
    involvement = InvolvementFactory(person=duplicate)
    mother = PersonFactory(first_name="Jo", date_of_birth=None)
    Relationship.objects.create(person=mother, other=duplicate, kind="mother")
    Relationship.objects.create(person=mother, other=keep, kind="mother")

    merge_people(keep=keep, duplicate=duplicate, by=worker, reason="Same child, spelling slip")

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert keep.nhs_number == NHS_NUMBER and duplicate.nhs_number == ""
    assert keep.ethnicity == "White British"
    assert "Elis Examplechild" in keep.other_names
    assert _child(contact).person == keep
    involvement.refresh_from_db()
    assert involvement.person == keep
    assert Relationship.objects.filter(other=keep, kind="mother").count() == 1
    assert not Relationship.objects.filter(other=duplicate).exists()
    assert AuditEvent.objects.get(action="person.merged").reason == "Same child, spelling slip"


def test_r18_merging_two_records_with_different_nhs_numbers_is_refused(worker):
    keep = PersonFactory(nhs_number=NHS_NUMBER)
    duplicate = PersonFactory(nhs_number=OTHER_NHS_NUMBER)
    with pytest.raises(DomainError, match="different NHS numbers"):
        merge_people(keep=keep, duplicate=duplicate, by=worker, reason="Looks the same")
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merging_needs_a_reason_and_two_different_records(worker):
    keep = PersonFactory()
    with pytest.raises(DomainError, match="itself"):
        merge_people(keep=keep, duplicate=keep, by=worker, reason="x")
    with pytest.raises(DomainError, match="Say why"):
        merge_people(keep=keep, duplicate=PersonFactory(), by=worker, reason=" ")


def _link_all(contact, by):
    for reported in [*contact.children.all(), *contact.adults.all()]:
        create_person_from(reported=reported, by=by)


def test_r22_the_household_and_relationships_come_from_the_report_once(worker):
    adults = [
        {
            "first_name": "Jo",
            "last_name": "Examplechild",
            "relationship_to_child": "Mother",
            "parental_responsibility": "yes",
            "lives_with_child": "yes",
        },
        {
            "first_name": "Lee",
            "last_name": "Partner",
            "relationship_to_child": "Mum's partner",
            "lives_with_child": "no",
        },
    ]
    contact = _contact(adults=adults)
    _link_all(contact, worker)

    result = link_household(contact=contact, by=worker)

    jo = contact.adults.get(first_name="Jo").person
    lee = contact.adults.get(first_name="Lee").person
    assert {
        (r.person, r.kind) for r in Relationship.objects.filter(other=_child(contact).person)
    } == {
        (jo, "mother"),
        (lee, "parents_partner"),
    }
    assert (
        Relationship.objects.get(person=jo, other=_child(contact).person).parental_responsibility
        == "yes"
    )
    members = {m.person for m in HouseholdMember.objects.filter(household=result.household)}
    assert members == {_child(contact).person, _child(contact, "Robin").person, jo}
    # A second run records nothing twice.
    again = link_household(contact=contact, by=worker)
    assert again.relationships_added == [] and again.members_added == []
    assert Household.objects.count() == 1
    assert Relationship.objects.count() == 4


def test_r22_the_household_needs_a_linked_child_first(worker):
    with pytest.raises(DomainError, match="find or create each child's record first"):
        link_household(contact=_contact(), by=worker)


@pytest.mark.parametrize(
    ("described", "kind"),
    [
        ("Mother", "mother"),
        ("mum", "mother"),
        ("Mum's partner", "parents_partner"),
        ("Stepfather", "step_parent"),
        ("Grandmother", "grandparent"),
        ("Foster carer", "foster_carer"),
        ("Older brother", "sibling"),
        ("Neighbour", "other"),
    ],
)
def test_relationship_words_are_read_as_kinds(described, kind):
    assert relationship_kind(described) == kind


def test_r4_a_childs_sex_and_disabilities_from_the_report_go_on_a_new_record(worker):
    children = [
        {
            "first_name": "Robin",
            "last_name": "Examplechild",
            "sex": "female",
            "disabilities": ["HEAR", "VIS"],
        }
    ]
    contact = _contact(children=children)
    person = create_person_from(reported=_child(contact, "Robin"), by=worker)
    assert (person.sex, person.disabilities) == ("female", "HEAR VIS")


def test_r22_linking_fills_a_sex_and_disabilities_not_known_and_flags_different_ones(worker):
    children = [
        {"first_name": "Ellis", "last_name": "Examplechild", "sex": "male", "disabilities": ["AUT"]}
    ]
    blank = PersonFactory()  # sex not known, disabilities not known
    linked = link_reported_person(
        reported=_child(_contact(children=children)), person=blank, by=worker
    )
    blank.refresh_from_db()
    assert (blank.sex, blank.disabilities) == ("male", "AUT")
    assert linked.filled["sex"] == "male" and linked.filled["disabilities"] == "AUT"

    known = PersonFactory(first_name="Ellis", sex="female", disabilities="NONE")
    linked = link_reported_person(
        reported=_child(_contact(children=children)), person=known, by=worker
    )
    known.refresh_from_db()
    assert (known.sex, known.disabilities) == ("female", "NONE")  # a conflict, not overwritten
    assert linked.conflicts["sex"] == {"on_record": "female", "given": "male"}
    assert linked.conflicts["disabilities"] == {"on_record": "NONE", "given": "AUT"}


def test_r22_a_report_that_does_not_know_sex_or_disabilities_changes_nothing(worker):
    known = PersonFactory(sex="female", disabilities="HEAR")
    linked = link_reported_person(reported=_child(_contact()), person=known, by=worker)
    known.refresh_from_db()
    assert (known.sex, known.disabilities) == ("female", "HEAR")
    assert "sex" not in linked.conflicts and "disabilities" not in linked.conflicts


def test_r18_merging_takes_sex_and_disabilities_where_the_kept_record_has_none(worker):
    keep = PersonFactory(nhs_number="", sex="not_known", disabilities="")
    duplicate = PersonFactory(nhs_number="", sex="female", disabilities="AUT HEAR")
    merge_people(keep=keep, duplicate=duplicate, by=worker, reason="Same child")
    keep.refresh_from_db()
    assert (keep.sex, keep.disabilities) == ("female", "AUT HEAR")
    event = AuditEvent.objects.get(action="person.merged")
    assert event.changes["filled"]["sex"] == "female"
    assert event.changes["filled"]["disabilities"] == "AUT HEAR"
    assert event.changes["conflicts"] == {}


def test_r18_merging_keeps_its_own_sex_and_disabilities_and_lists_the_differences(worker):
    keep = PersonFactory(nhs_number="", sex="male", disabilities="NONE")
    duplicate = PersonFactory(nhs_number="", sex="female", disabilities="AUT")
    same = PersonFactory(nhs_number="", sex="not_known", disabilities="")
    merge_people(keep=keep, duplicate=duplicate, by=worker, reason="Same child")
    keep.refresh_from_db()
    assert (keep.sex, keep.disabilities) == ("male", "NONE")
    conflicts = AuditEvent.objects.get(action="person.merged").changes["conflicts"]
    assert conflicts["sex"] == {"kept": "male", "duplicate": "female"}
    assert conflicts["disabilities"] == {"kept": "NONE", "duplicate": "AUT"}
    # A record that knows nothing of them changes nothing and conflicts with nothing.
    merge_people(keep=keep, duplicate=same, by=worker, reason="Same child again")
    keep.refresh_from_db()
    assert (keep.sex, keep.disabilities) == ("male", "NONE")
    latest = AuditEvent.objects.filter(action="person.merged").order_by("-id").first()
    assert "sex" not in latest.changes["conflicts"] and "sex" not in latest.changes["filled"]


def _contact_naming_one_child_twice():
    """A contact whose report names Ellis twice, the second time misspelt."""
    ellis = make_submission().children[0].model_dump(exclude={"disabilities"})
    return _contact(children=[ellis, {**ellis, "first_name": "Elis", "postcode": "L20 1AA"}])


def test_r7_a_second_child_of_the_contact_linked_to_the_same_person_is_the_same_child(worker):
    contact = _contact_naming_one_child_twice()
    known = PersonFactory(first_name="Ellis", last_name="Examplechild", postcode="L21 7PQ")
    first, second = contact.children.all()
    link_reported_person(reported=first, person=known, by=worker)
    # Ellis and Elis do not look like one child: the user confirms they are.
    link_reported_person(reported=second, person=known, by=worker, same_child_confirmed=True)
    # One child of the contact, screened and decided once; the second account is kept.
    assert list(contact.children.all()) == [first]
    second = ReportedChild.accounts.get(pk=second.pk)
    assert (second.account_of, second.person) == (first, known)
    event = AuditEvent.objects.filter(action="person.linked").order_by("pk").last()
    assert event.changes["same_child_as"]["id"] == first.pk
    assert "first_name" in event.changes["conflicts"]


def test_r18_a_sibling_is_not_made_an_account_of_another_child_unconfirmed(worker):
    from frontdoor.screening.linking import SameChildUnconfirmed

    contact = _contact()
    ellis, robin = contact.children.order_by("id")
    known = create_person_from(reported=ellis, by=worker)
    with pytest.raises(SameChildUnconfirmed) as question:
        link_reported_person(reported=robin, person=known, by=worker)
    assert "Robin Examplechild will become a further account of Ellis Examplechild" in (
        question.value.message
    )
    assert "no longer be listed as a separate child" in question.value.message
    robin.refresh_from_db()
    assert robin.person is None and robin.account_of is None
    assert list(contact.children.order_by("id")) == [ellis, robin]


def test_r7_the_same_child_named_twice_is_linked_without_asking(worker):
    ellis = make_submission().children[0].model_dump(exclude={"disabilities"})
    contact = _contact(children=[ellis, {**ellis, "postcode": "L20 1AA"}])
    first, second = contact.children.all()
    known = create_person_from(reported=first, by=worker)
    link_reported_person(reported=second, person=known, by=worker)
    assert ReportedChild.accounts.get(pk=second.pk).account_of == first


def test_r7_a_second_child_already_decided_on_is_not_linked_to_the_same_person(worker, manager):
    contact = _contact_naming_one_child_twice()
    known = PersonFactory(first_name="Ellis", last_name="Examplechild")
    first, second = contact.children.all()
    link_reported_person(reported=first, person=known, by=worker)
    decide(contact, second, manager, now=dt.datetime(2026, 11, 19, 13, 0, tzinfo=LONDON))
    with pytest.raises(DomainError, match="counted as two children"):
        link_reported_person(reported=second, person=known, by=worker)
    second.refresh_from_db()
    assert second.person is None and second.account_of is None


def test_r3_linking_a_child_links_the_written_referrals_account_of_it_too(worker):
    contact = _contact()
    attach_report(contact=contact, submission=make_submission(), channel=Channel.ONLINE_FORM)
    known = PersonFactory(first_name="Ellis", last_name="Examplechild")
    link_reported_person(reported=_child(contact), person=known, by=worker)
    account = ReportedChild.accounts.get(account_of=_child(contact))
    assert account.person == known
    assert AuditEvent.objects.filter(action="person.linked").count() == 2
