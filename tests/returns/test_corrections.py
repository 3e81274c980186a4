"""The returns read a child's details as corrected, through one function (R46, R45).

Sex and disability are recorded by correction (intake does not ask them); a correction of the
contact's child, or of the person it is linked to, is what Annex A and the CIN census report.
"""

from __future__ import annotations

import pytest

from frontdoor.people.corrections import correct_details
from frontdoor.people.models import Person
from frontdoor.returns.annex_a import build_annex_a
from frontdoor.returns.cin_census import build_census
from frontdoor.returns.selectors import recorded_sex
from tests.returns.conftest import ASSESS, SCHOOL, STRATEGY, child
from tests.returns.test_annex_a import days_ago, period, rows
from tests.returns.test_cin_census import YEAR, census_xml

pytestmark = pytest.mark.django_db
REASON = "Confirmed with the child's school."


def test_sex_is_the_persons_then_the_contacts_then_a_gender_recorded_before_sex_was_asked():
    assert (
        recorded_sex(person_sex="male", reported_sex="female", person_gender="", reported_gender="")
        == "male"
    )
    assert (
        recorded_sex(
            person_sex="not_known", reported_sex="female", person_gender="male", reported_gender=""
        )
        == "female"
    )
    assert (
        recorded_sex(
            person_sex="", reported_sex="not_known", person_gender="", reported_gender="male"
        )
        == "male"
    )
    assert (
        recorded_sex(
            person_sex="", reported_sex="", person_gender="other", reported_gender="not_known"
        )
        == ""
    )


def test_a_corrected_sex_is_what_the_census_and_annex_a_report(record, officer, tmp_path):
    contact = record(
        at=days_ago(3), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]]
    )
    reported = contact.children.get()
    assert census_xml(tmp_path).findtext("Children/Child/ChildIdentifiers/Sex") == "F"
    correct_details(record=reported, by=officer, details={"sex": "male"}, reason=REASON)
    assert census_xml(tmp_path).findtext("Children/Child/ChildIdentifiers/Sex") == "M"
    # Gender stays as recorded: Annex A's "Gender" column is the child's gender.
    (row,) = rows(build_annex_a(**period()), 4)
    assert row[1] == "b) Female"


def test_the_linked_persons_corrected_details_win_over_the_contacts(record, officer, tmp_path):
    person = Person.objects.create(first_name="Ellis", last_name="Example")
    record(
        at=days_ago(3),
        referrer=SCHOOL,
        children=[child("Ellis", gender="not_known")],
        decisions=[[STRATEGY]],
        person=person,
    )
    assert census_xml(tmp_path).findtext("Children/Child/ChildIdentifiers/Sex") == "U"
    correct_details(
        record=person,
        by=officer,
        details={"sex": "female", "disabilities": "HEAR AUT"},
        reason=REASON,
    )
    kid = census_xml(tmp_path).find("Children/Child")
    assert kid.findtext("ChildIdentifiers/Sex") == "F"
    assert [d.text for d in kid.findall("ChildCharacteristics/Disabilities/Disability")] == [
        "HEAR",
        "AUT",
    ]
    (row,) = rows(build_annex_a(**period()), 5)
    assert row[5] == "a) Yes"  # "Does the Child have a Disability"


def test_disability_in_annex_a_is_unknown_until_recorded_then_no(record, officer):
    contact = record(
        at=days_ago(3), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]]
    )
    (row,) = rows(build_annex_a(**period()), 4)
    assert row[5] == "c) Unknown"
    correct_details(
        record=contact.children.get(), by=officer, details={"disabilities": "NONE"}, reason=REASON
    )
    (row,) = rows(build_annex_a(**period()), 4)
    assert row[5] == "b) No"


def test_a_census_child_with_no_disability_recorded_has_no_disabilities_element(record, tmp_path):
    record(at=days_ago(3), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]])
    assert census_xml(tmp_path).find("Children/Child/ChildCharacteristics/Disabilities") is None


def test_correcting_no_sex_clears_the_census_item_to_fix(record, officer):
    contact = record(
        at=days_ago(3),
        referrer=SCHOOL,
        children=[child("Ellis", gender="not_known")],
        decisions=[[ASSESS]],
    )
    summaries = [group.summary for group in build_census(year=YEAR).problems.groups]
    assert any("no sex recorded" in summary for summary in summaries)
    correct_details(
        record=contact.children.get(), by=officer, details={"sex": "male"}, reason=REASON
    )
    summaries = [group.summary for group in build_census(year=YEAR).problems.groups]
    assert not any("no sex recorded" in summary for summary in summaries)
