"""Ofsted's Annex A: children counted, Ofsted's columns and codes, what to fix (R29, R46)."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from frontdoor.people.models import Person
from frontdoor.policy.clocks import LONDON
from frontdoor.privacy.restrictions import restrict
from frontdoor.returns.annex_a import LISTS, build_annex_a, find_problems, produce_annex_a
from tests.returns.conftest import (
    ASSESS,
    BOXING_CLUB,
    EARLY_HELP,
    NFA,
    SCHOOL,
    STRATEGY,
    child,
    unborn,
)

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(10), tzinfo=LONDON)


def rows(annex, number):
    return list(annex.rows(number))


def period(days: int = 60):
    today = timezone.localdate()
    return {"start": today - dt.timedelta(days=days), "end": today}


def test_each_child_of_a_contact_is_a_row_of_list_1(record):
    at = days_ago(10)
    contact = record(
        at=at,
        referrer=SCHOOL,
        children=[child("Ellis", born="2015-03-02"), child("Robin", born="2018-09-14")],
        decisions=[[NFA], [NFA]],
    )
    annex = build_annex_a(**period())
    contacts = rows(annex, 1)
    assert LISTS[0].columns == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date of Contact",
        "Contact Source",
    ]
    ids = [f"R{reported.pk}" for reported in contact.children.order_by("id")]
    assert [row[0] for row in contacts] == ids
    ellis = contacts[0]
    age = timezone.localdate().year - 2015  # near enough: checked against the rule below
    assert ellis[1:4] == ["b) Female", "a) WBRI", dt.date(2015, 3, 2)]
    assert ellis[4] in (age - 1, age)
    assert ellis[5:] == [at.date(), "e) 2A: Schools"]
    assert annex.counts[1] == 2


def test_lists_2_to_5_follow_each_childs_decision_in_force(record):
    at = days_ago(20)
    record(
        at=at,
        referrer=SCHOOL,
        children=[child("Ann"), child("Ben"), child("Cal"), child("Dee")],
        decisions=[[ASSESS], [EARLY_HELP], [STRATEGY], [ASSESS, NFA]],
    )
    annex = build_annex_a(**period())
    early_help, referrals, assessments, s47s = (rows(annex, n) for n in (2, 3, 4, 5))
    assert [row[5:] for row in early_help] == [
        [at.date(), None, "Early Help: Team Around the Family or Targeted Family Support"]
    ]
    # Three referrals: Ann and Cal, and Dee's, later decided no further action.
    assert [row[5] for row in referrals] == [at.date()] * 3
    assert [row[7] for row in referrals] == ["b) No", "b) No", "a) Yes"]
    assert [row[8] for row in referrals] == [0, 0, 0]  # none earlier: the row is not counted
    # Dee's assessment was superseded by no further action: only Ann's counts.
    assert len(assessments) == 1 and assessments[0][6] == at.date()
    assert len(s47s) == 1 and s47s[0][6] == at.date() and s47s[0][10] == 0


def test_r46_a_re_referral_within_12_months_is_counted(record):
    person = Person.objects.create(first_name="Ellis", last_name="Example")
    first = record(
        at=days_ago(90),
        referrer=SCHOOL,
        children=[child("Ellis")],
        decisions=[[ASSESS]],
        person=person,
    )
    record(
        at=days_ago(5),
        referrer=SCHOOL,
        children=[child("Ellis")],
        decisions=[[ASSESS]],
        person=person,
    )
    annex = build_annex_a(**period(30))
    (row,) = rows(annex, 3)
    assert row[0] == f"P{person.pk}"
    assert row[8] == 1  # one earlier referral within 12 months, made before the period
    assert first.reference


def test_an_unborn_child_has_no_date_of_birth_age_or_sex_in_the_lists(record):
    at = days_ago(3)
    record(
        at=at,
        referrer=SCHOOL,
        children=[unborn(due=timezone.localdate() + dt.timedelta(days=100))],
        decisions=[[ASSESS]],
    )
    annex = build_annex_a(**period())
    (row,) = rows(annex, 1)
    assert row[1:5] == ["c) Not stated/recorded", "t) NOBT", None, None]
    assert not annex.problems  # nothing to obtain before birth


def test_what_cannot_be_coded_is_left_blank_and_listed_to_fix(record):
    contact = record(
        at=days_ago(4),
        referrer=BOXING_CLUB,
        children=[
            child("Ellis", ethnicity="Scouse"),
            child("Robin", ethnicity="", gender="not_known"),
        ],
        decisions=[[NFA], [NFA]],
    )
    annex = build_annex_a(**period())
    ellis, robin = rows(annex, 1)
    assert ellis[2] == "" and ellis[6] == ""
    assert robin[1:3] == ["c) Not stated/recorded", "t) NOBT"]
    summaries = [group.summary for group in annex.problems.groups]
    # One referrer on one contact is one thing to fix, however many children it names.
    assert summaries == [
        "1 child has an ethnicity no DfE code is mapped to",
        "1 referrer has no contact source code",
        "1 child has no sex recorded",
        "1 child has no ethnicity recorded",
    ]
    item = annex.problems.groups[0].items[0]
    # Linked to where the child's ethnicity is corrected (tests/returns/test_data_to_fix_links.py).
    reported = contact.children.order_by("id")[0]
    assert item.url == f"/contacts/{contact.reference}/people/child/{reported.pk}/correct/"
    assert not annex.problems.blocking  # Annex A is written with blanks, never guesses


def test_find_problems_reads_every_list(record):
    record(at=days_ago(4), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]])
    problems = find_problems(build_annex_a(**period()))
    assert [group.summary for group in problems.groups] == ["1 referrer has no contact source code"]


def test_the_xlsx_has_a_sheet_per_list_with_ofsteds_columns(record, tmp_path):
    record(at=days_ago(4), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]])
    annex, written = produce_annex_a(**period(), output=tmp_path / "annex.xlsx")
    workbook = load_workbook(written[0])
    assert workbook.sheetnames == ["List 1", "List 2", "List 3", "List 4", "List 5"]
    sheet = workbook["List 3"]
    assert [cell.value for cell in sheet[1]] == LISTS[2].columns
    assert sheet.cell(row=2, column=6).number_format == "DD/MM/YYYY"
    assert annex.counts == {1: 1, 2: 0, 3: 1, 4: 1, 5: 0}


def test_csv_is_five_files_or_a_zip_of_them(record, tmp_path):
    record(at=days_ago(4), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]])
    _, files = produce_annex_a(**period(), output=tmp_path / "annex.csv")
    assert [path.name for path in files] == [
        "annex-list-1-contacts.csv",
        "annex-list-2-early-help.csv",
        "annex-list-3-referrals.csv",
        "annex-list-4-assessments.csv",
        "annex-list-5-section-47-enquiries.csv",
    ]
    contacts = files[0].read_text().splitlines()
    assert contacts[0].startswith("Child Unique ID,Gender,Ethnicity,Date of Birth")
    assert contacts[1].endswith(f"{days_ago(4):%d/%m/%Y},e) 2A: Schools")
    _, (archive,) = produce_annex_a(**period(), output=tmp_path / "annex.zip")
    with zipfile.ZipFile(archive) as opened:
        assert len(opened.namelist()) == 5


def test_an_unknown_output_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"a \.xlsx, \.csv or \.zip file"):
        produce_annex_a(**period(), output=tmp_path / "annex.pdf")


def test_r45_data_to_fix_never_names_a_restricted_child(record, admin):
    person = Person.objects.create(first_name="Zephyr", last_name="Example")
    record(
        at=days_ago(4),
        referrer=SCHOOL,
        children=[child("Zephyr", ethnicity="", gender="not_known")],
        decisions=[[NFA]],
        person=person,
    )
    # Restricted once decided: no one decides for a child they may not see.
    restrict(person=person, allowed_users=[], ask="Head of Service", reason="Known", by=admin)
    problems = find_problems(build_annex_a(**period()))
    details = [item.detail for group in problems.groups for item in group.items]
    assert details and all("Zephyr" not in detail for detail in details)
    assert "A restricted record" in details


@pytest.mark.parametrize(
    ("days_before", "counted"),
    [
        ((), 0),  # a first referral: none earlier
        ((100,), 1),
        ((100, 300), 2),
        ((100, 300, 400), 2),  # the third is over twelve months before
    ],
)
def test_r46_the_last_12_months_count_only_earlier_referrals(record, days_before, counted):
    person = Person.objects.create(first_name="Ellis", last_name="Example")
    for days in (*days_before, 0):
        record(
            at=days_ago(10 + days),
            referrer=SCHOOL,
            children=[child("Ellis")],
            decisions=[[ASSESS]],
            person=person,
        )
    (row,) = rows(build_annex_a(**period(30)), 3)
    assert row[8] == counted


def test_r46_a_date_of_birth_after_the_contact_is_listed_to_fix_not_a_negative_age(record):
    # Later linked to a person born since: the record's date of birth is after the contact.
    born = timezone.localdate() - dt.timedelta(days=2)
    record(
        at=days_ago(10),
        referrer=SCHOOL,
        children=[child("Ellis", born=born.isoformat())],
        decisions=[[NFA]],
    )
    annex = build_annex_a(**period())
    (row,) = rows(annex, 1)
    assert row[4] is None
    assert "1 child's date of birth is after the contact, referral or enquiry listed" in [
        group.summary for group in annex.problems.groups
    ]


def test_r46_list_3_has_ofsteds_columns_and_no_other():
    from frontdoor.returns.annex_a import LISTS

    assert LISTS[2].columns[5:9] == [
        "Date of Referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
    ]
    assert not any("Re-referral" in column for column in LISTS[2].columns)
