"""The CIN census: episodes, unborn children, no further action, and what blocks it (R29, R46)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from lxml import etree

from frontdoor.intake.models import ReportedChild
from frontdoor.people.models import Involvement, Person
from frontdoor.returns import data_to_fix as kinds
from frontdoor.returns.cin_census import build_census, produce_census
from frontdoor.returns.cin_census import collection_period as collection_period_of
from tests.returns.conftest import (
    ASSESS,
    BOXING_CLUB,
    NFA,
    SCHOOL,
    STRATEGY,
    child,
    current_collection_year,
    unborn,
)
from tests.returns.test_annex_a import days_ago

pytestmark = pytest.mark.django_db
# Every record here is made three days ago, so in this collection year whatever today is.
YEAR = current_collection_year(timezone.localdate() - dt.timedelta(days=3))


def census_xml(tmp_path) -> etree._Element:
    output = tmp_path / "cin.xml"
    result = produce_census(year=YEAR, output=output)
    assert result.written, result.census.problems.lines()
    return etree.parse(str(output)).getroot()


def test_a_referral_is_an_episode_with_its_source_need_and_assessment(record, tmp_path):
    at = days_ago(3)
    contact = record(at=at, referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]])
    root = census_xml(tmp_path)
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == f"{YEAR}-03-31"
    assert root.findtext("Header/Source/LEA") == "343"  # Sefton's DfE number, from its policy
    (kid,) = root.findall("Children/Child")
    assert kid.findtext("ChildIdentifiers/LAchildID") == f"R{contact.children.get().pk}"
    assert kid.findtext("ChildIdentifiers/Sex") == "F"
    assert kid.findtext("ChildCharacteristics/Ethnicity") == "WBRI"
    details = kid.find("CINdetails")
    assert details.findtext("CINreferralDate") == at.date().isoformat()
    assert details.findtext("ReferralSource") == "2A"
    assert details.findtext("PrimaryNeedCode") == "N1"
    assert details.findtext("Assessments/AssessmentActualStartDate") == at.date().isoformat()
    assert details.findtext("ReferralNFA") == "false"
    assert details.find("CINclosureDate") is None


def test_a_strategy_discussion_starts_a_section_47_with_its_conference_target(record, tmp_path):
    record(at=days_ago(3), referrer=SCHOOL, children=[child("Ellis")], decisions=[[STRATEGY]])
    details = census_xml(tmp_path).find("Children/Child/CINdetails")
    assert details.findtext("Section47/S47ActualStartDate") == days_ago(3).date().isoformat()
    target = dt.date.fromisoformat(details.findtext("Section47/InitialCPCtarget"))
    assert target.weekday() < 5  # 15 working days (Sefton's policy): never a weekend
    assert details.findtext("Section47/ICPCnotRequired") == "false"


def test_a_referral_then_decided_no_further_action_is_closed_that_day(record, tmp_path):
    at = days_ago(3)
    record(at=at, referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS, NFA]])
    kid = census_xml(tmp_path).find("Children/Child")
    details = kid.find("CINdetails")
    assert details.findtext("ReferralNFA") == "true"
    assert details.findtext("CINclosureDate") == at.date().isoformat()
    # Closed before any assessment: RC8 and RC9 are for after one (Sefton's policy says RC7).
    assert details.findtext("ReasonForClosure") == "RC7"
    assert details.find("Assessments") is None
    assert kid.findtext("ChildIdentifiers/UPNunknown") == "UN7"


def test_an_unborn_child_has_an_expected_date_of_birth_and_sex_u(record, tmp_path):
    due = timezone.localdate() + dt.timedelta(days=100)
    record(at=days_ago(3), referrer=SCHOOL, children=[unborn(due=due)], decisions=[[ASSESS]])
    kid = census_xml(tmp_path).find("Children/Child")
    assert kid.findtext("ChildIdentifiers/ExpectedPersonBirthDate") == due.isoformat()
    assert kid.find("ChildIdentifiers/PersonBirthDate") is None
    assert kid.findtext("ChildIdentifiers/Sex") == "U"
    assert kid.findtext("ChildIdentifiers/UPNunknown") == "UN1"
    assert kid.findtext("ChildCharacteristics/Ethnicity") == "NOBT"


def test_contacts_that_are_not_referrals_are_not_in_the_census(record, tmp_path):
    record(at=days_ago(3), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]])
    record(at=days_ago(3), referrer=SCHOOL, children=[child("Robin")], decisions=[[NFA]])
    assert len(census_xml(tmp_path).findall("Children/Child")) == 1


def test_a_referral_without_a_source_code_blocks_the_file(record, tmp_path):
    contact = record(
        at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]]
    )
    output = tmp_path / "cin.xml"
    result = produce_census(year=YEAR, output=output)
    assert not result.written and not output.exists()
    (group,) = result.census.problems.groups
    assert group.blocking
    assert group.summary == "1 referrer has no referral source code"
    assert group.items[0].reference == contact.reference
    assert group.items[0].detail == "Professional: Bootle Boxing Club"


def test_an_unmapped_ethnicity_blocks_the_file_and_a_missing_one_does_not(record):
    record(
        at=days_ago(3),
        referrer=SCHOOL,
        children=[child("Ellis", ethnicity="Scouse"), child("Robin", ethnicity="")],
        decisions=[[ASSESS], [ASSESS]],
    )
    problems = build_census(year=YEAR).problems
    assert [(group.summary, group.blocking) for group in problems.groups] == [
        ("1 child has an ethnicity no DfE code is mapped to", True),
        ("1 child has no ethnicity recorded", False),
    ]


def test_two_open_episodes_for_one_child_block_the_file(record):
    person = Person.objects.create(first_name="Ellis", last_name="Example")
    for hours in (0, 3):
        record(
            at=days_ago(3) + dt.timedelta(hours=hours),
            referrer=SCHOOL,
            children=[child("Ellis")],
            decisions=[[ASSESS]],
            person=person,
        )
    problems = build_census(year=YEAR).problems
    assert [group.summary for group in problems.groups] == [
        "1 child has a referral while an earlier episode is still open"
    ]


def test_two_children_of_one_contact_with_the_same_name_are_both_listed_to_fix(record):
    # Two different children called Ellis Example, each with their own open episode blocking.
    records = [Person.objects.create(first_name="Ellis", last_name="Example") for _ in "ab"]
    for hours in (0, 3):
        contact = record(
            at=days_ago(3) + dt.timedelta(hours=hours),
            referrer=SCHOOL,
            children=[child("Ellis"), child("Ellis", born="2017-05-06")],
            decisions=[[ASSESS], [ASSESS]],
        )
        for reported, person in zip(contact.children.order_by("id"), records, strict=True):
            ReportedChild.objects.filter(pk=reported.pk).update(person=person)
    (group,) = build_census(year=YEAR).problems.groups
    assert group.summary == "2 children have a referral while an earlier episode is still open"
    assert sorted(item.child for item in group.items) == [f"P{p.pk}" for p in records]


def test_a_year_without_referrals_is_not_written(db, tmp_path):
    result = produce_census(year=YEAR, output=tmp_path / "cin.xml")
    assert not result.written
    assert (
        result.census.problems.groups[0].summary == "No child was referred in the collection year"
    )


def test_r46_rule_8520_a_child_born_after_the_reference_date_blocks_the_file(record, tmp_path):
    from frontdoor.policy.clocks import LONDON
    from frontdoor.returns.cin_census import collection_period

    year = YEAR - 1
    _, reference_date = collection_period(year)
    # An unborn child referred in March, later linked to the person born in April.
    record(
        at=dt.datetime.combine(reference_date - dt.timedelta(days=20), dt.time(10), LONDON),
        referrer=SCHOOL,
        children=[child("Ellis", born=(reference_date + dt.timedelta(days=1)).isoformat())],
        decisions=[[ASSESS]],
    )
    result = produce_census(year=year, output=tmp_path / "cin.xml")
    assert not result.written
    assert [(group.summary, group.blocking) for group in result.census.problems.groups] == [
        ("1 child's date of birth is after the census reference date", True)
    ]


def test_a_born_child_without_a_date_of_birth_is_listed_as_a_guessed_un1(record):
    robin = {**child("Robin"), "date_of_birth": None}
    record(at=days_ago(3), referrer=SCHOOL, children=[robin], decisions=[[ASSESS]])
    summaries = [group.summary for group in build_census(year=YEAR).problems.groups]
    assert "1 child with no date of birth is returned as not of school age (UN1), a guess" in (
        summaries
    )


def test_r46_the_census_and_annex_a_start_each_section_47_on_the_same_day(record, tmp_path):
    from frontdoor.returns.annex_a import build_annex_a
    from frontdoor.screening.decisions import complete_follow_up
    from frontdoor.screening.models import FollowUp
    from tests.returns.test_annex_a import period

    at = days_ago(3)
    contact = record(
        at=at,
        referrer=SCHOOL,
        children=[child("Ann"), child("Ben")],
        decisions=[[STRATEGY], [STRATEGY]],
    )
    # Ann's strategy discussion was held the next day; Ben's is not yet recorded as held.
    ann = FollowUp.objects.get(
        decision__child=contact.children.order_by("id").first(),
        kind=FollowUp.Kind.STRATEGY_DISCUSSION,
    )
    complete_follow_up(
        follow_up=ann, by=ann.decision.decided_by, note="Held.", now=at + dt.timedelta(days=1)
    )
    annex = {row[0]: row[6] for row in build_annex_a(**period()).rows(5)}
    census = {
        kid.findtext("ChildIdentifiers/LAchildID"): dt.date.fromisoformat(
            kid.findtext("CINdetails/Section47/S47ActualStartDate")
        )
        for kid in census_xml(tmp_path).iterfind("Children/Child")
    }
    assert census == annex
    assert sorted(annex.values()) == [at.date(), at.date() + dt.timedelta(days=1)]


def _two_days_in_the_year() -> tuple[dt.datetime, dt.datetime]:
    """Two referral times on consecutive days of this collection year, both in the past."""
    later = days_ago(3)
    if later.date().month == 4 and later.date().day == 1:  # the year's first day
        return later, days_ago(2)
    return days_ago(4), later


def _returning_child(record, *, closure_reason: str, authorised: bool = True) -> Person:
    """Ellis, referred for an assessment, the case record's episode (its assessment authorised)
    closed the same day, then referred again the next day."""
    first, second = _two_days_in_the_year()
    person = Person.objects.create(first_name="Ellis", last_name="Example")
    record(
        at=first, referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]], person=person
    )
    Involvement.objects.create(
        person=person,
        kind=Involvement.Kind.SOCIAL_CARE,
        started_on=first.date(),
        ended_on=first.date(),
        closure_reason=closure_reason,
        assessment_authorised_on=first.date() if authorised else None,
        source_system="mosaic",
        external_id="EP-1",
    )
    record(
        at=second, referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]], person=person
    )
    return person


def test_r46_the_case_record_closes_an_episode_so_a_second_referral_files(record, tmp_path):
    _returning_child(record, closure_reason="RC8")
    (kid,) = census_xml(tmp_path).findall("Children/Child")
    first, second = kid.findall("CINdetails")
    day = _two_days_in_the_year()[0].date().isoformat()
    assert (first.findtext("CINclosureDate"), first.findtext("ReasonForClosure")) == (day, "RC8")
    assert first.findtext("Assessments/AssessmentAuthorisationDate") == day
    assert second.find("CINclosureDate") is None
    assert second.find("Assessments/AssessmentAuthorisationDate") is None


def test_r46_rule_8867_a_closed_episode_needs_its_assessment_authorised(record):
    _returning_child(record, closure_reason="RC8", authorised=False)
    problems = build_census(year=YEAR).problems
    assert [(group.summary, group.blocking) for group in problems.groups] == [
        ("1 child's closed episode has an assessment with no authorisation date", True)
    ]


def test_r46_rule_8868_a_closed_section_47_needs_its_conference_or_not_required(record, tmp_path):
    first, second = _two_days_in_the_year()
    person = Person.objects.create(first_name="Ellis", last_name="Example")
    record(
        at=first, referrer=SCHOOL, children=[child("Ellis")], decisions=[[STRATEGY]], person=person
    )
    spell = Involvement.objects.create(
        person=person,
        kind=Involvement.Kind.SOCIAL_CARE,
        started_on=first.date(),
        ended_on=first.date(),
        closure_reason="RC7",
        source_system="mosaic",
        external_id="EP-1",
    )
    record(
        at=second, referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]], person=person
    )
    problems = build_census(year=YEAR).problems
    assert [group.summary for group in problems.groups] == [
        "1 child's closed episode has a section 47 with no conference date or 'not required'"
    ]
    spell.conference_not_required = True
    spell.save()
    details = census_xml(tmp_path).find("Children/Child/CINdetails")
    assert details.findtext("Section47/ICPCnotRequired") == "true"


def test_r46_rule_8805_an_episode_ended_without_a_reason_is_listed_and_blocks(record):
    _returning_child(record, closure_reason="")
    problems = build_census(year=YEAR).problems
    assert [(group.summary, group.blocking) for group in problems.groups] == [
        ("1 child's social care involvement ended with no reason for closure", True)
    ]


def test_an_involvement_still_open_or_ending_after_the_year_leaves_the_episode_open(record):
    person = _returning_child(record, closure_reason="RC7")
    Involvement.objects.filter(person=person).update(ended_on=None, closure_reason="")
    problems = build_census(year=YEAR).problems
    assert [group.summary for group in problems.groups] == [
        "1 child has a referral while an earlier episode is still open"
    ]


@pytest.mark.parametrize(
    ("expected", "in_range"),
    [
        (dt.date(2027, 3, 1), False),  # 30 days before the reference date: the DfE queries it
        (dt.date(2027, 3, 2), True),
        (dt.date(2027, 12, 30), True),
        (dt.date(2027, 12, 31), False),  # 9 months after 31 March
    ],
)
def test_r46_query_8530q_the_expected_date_falls_in_the_census_window(expected, in_range):
    from frontdoor.returns.cin_census import expected_date_in_range

    assert expected_date_in_range(expected, dt.date(2027, 3, 31)) is in_range


def test_r46_query_8530q_an_unborn_child_due_outside_the_window_is_listed_to_fix(record):
    from frontdoor.intake.models import ReportedChild
    from frontdoor.returns.cin_census import collection_period

    due = timezone.localdate() + dt.timedelta(days=100)
    record(at=days_ago(3), referrer=SCHOOL, children=[unborn(due=due)], decisions=[[ASSESS]])
    _, reference_date = collection_period(YEAR)
    late = reference_date + dt.timedelta(days=300)
    ReportedChild.objects.update(expected_date_of_birth=late)
    groups = build_census(year=YEAR).problems.groups
    listed = [group for group in groups if group.kind.key == "expected_date_out_of_range"]
    assert [(group.summary, group.blocking) for group in listed] == [
        ("1 unborn child's expected date of birth is outside the census's range", False)
    ]
    assert listed[0].items[0].detail.endswith(f"expected {late:%d/%m/%Y}")


# R5: children reported unborn at the contact, as the census of the year before this one sees
# them (its reference date is past, so a birth after it can be on record).
LAST_YEAR = YEAR - 1
_, LAST_REFERENCE_DATE = collection_period_of(LAST_YEAR)


def unborn_at_contact(
    record, *, referred_on: dt.date, due: dt.date, born: dt.date | None = None
) -> ReportedChild:
    """A child reported unborn, expected on `due`, at a contact on `referred_on` and referred
    for an assessment; when `born`, the worker has since linked them to a person record and
    recorded the birth there (the expected date cleared, as a correction does)."""
    from frontdoor.policy.clocks import LONDON

    record(
        at=dt.datetime.combine(referred_on, dt.time(10), LONDON),
        referrer=SCHOOL,
        children=[unborn(due=timezone.localdate() + dt.timedelta(days=100))],
        decisions=[[ASSESS]],
    )
    # The expected date as given on the day of the contact (checked as on that day).
    reported = ReportedChild.objects.get()
    ReportedChild.objects.filter(pk=reported.pk).update(expected_date_of_birth=due)
    if born is not None:
        person = Person.objects.create(
            first_name="Robin",
            last_name="Example",
            date_of_birth=born,
            sex="female",
            ethnicity="WBRI",
        )
        ReportedChild.objects.filter(pk=reported.pk).update(person=person)
    return ReportedChild.objects.get()


UNBORN_CASES = {
    # Referred in May, born in August: on the census with the date of birth, referral valid.
    "born before the census date": (dt.date(LAST_YEAR - 1, 5, 12), dt.date(LAST_YEAR - 1, 8, 30)),
    # Referred in February, born in April after the reference date: unborn on 31 March.
    "born after the census date": (
        LAST_REFERENCE_DATE - dt.timedelta(days=50),
        LAST_REFERENCE_DATE + dt.timedelta(days=10),
    ),
    # Referred in February, not born yet on record.
    "still unborn at the census date": (LAST_REFERENCE_DATE - dt.timedelta(days=50), None),
}


def unborn_case(record, case: str) -> ReportedChild:
    referred_on, born = UNBORN_CASES[case]
    due = (born or LAST_REFERENCE_DATE + dt.timedelta(days=20)) - dt.timedelta(days=3)
    return unborn_at_contact(record, referred_on=referred_on, due=due, born=born)


@pytest.mark.parametrize("case", list(UNBORN_CASES))
def test_r5_r46_a_child_unborn_at_the_contact_is_on_the_census_as_on_its_reference_date(
    record, tmp_path, case
):
    reported = unborn_case(record, case)
    output = tmp_path / "cin.xml"
    result = produce_census(year=LAST_YEAR, output=output)
    assert result.written, result.census.problems.lines()
    assert not result.census.problems.groups, result.census.problems.lines()
    identifiers = etree.parse(str(output)).getroot().find("Children/Child/ChildIdentifiers")
    _, born = UNBORN_CASES[case]
    if case == "born before the census date":
        assert identifiers.findtext("PersonBirthDate") == born.isoformat()
        assert identifiers.find("ExpectedPersonBirthDate") is None
        assert identifiers.findtext("Sex") == "F"
    else:
        assert identifiers.find("PersonBirthDate") is None
        expected = reported.expected_date_of_birth.isoformat()
        assert identifiers.findtext("ExpectedPersonBirthDate") == expected
        assert identifiers.findtext("Sex") == "U"


def test_r5_annex_a_lists_no_fault_for_a_child_born_after_the_contact_that_reported_them_unborn(
    record,
):
    from frontdoor.returns.annex_a import build_annex_a

    unborn_case(record, "born before the census date")
    start, end = collection_period_of(LAST_YEAR)
    annex = build_annex_a(start=start, end=end)
    (row,) = list(annex.rows(1))
    assert row[3] == UNBORN_CASES["born before the census date"][1]
    assert row[4] is None  # not yet born on the day of the contact: no age
    (referral,) = list(annex.rows(3))
    assert referral[4] is None
    assert not annex.problems.groups, annex.problems.lines()


def test_r46_rule_8606_a_born_child_referred_over_40_weeks_before_birth_blocks_the_file(
    record, tmp_path
):
    referred_on = dt.date(LAST_YEAR - 1, 5, 12)
    born = referred_on + dt.timedelta(days=285)
    unborn_at_contact(record, referred_on=referred_on, due=born, born=born)
    result = produce_census(year=LAST_YEAR, output=tmp_path / "cin.xml")
    assert not result.written
    assert [(group.summary, group.blocking) for group in result.census.problems.groups] == [
        (
            "1 child was referred more than 40 weeks before their date of birth or expected date",
            True,
        )
    ]


def test_r5_a_correction_recording_the_birth_keeps_that_the_child_was_unborn_at_the_contact(
    record, officer
):
    from frontdoor.people.corrections import correct_details

    reported = unborn_case(record, "still unborn at the census date")
    born = LAST_REFERENCE_DATE - dt.timedelta(days=5)
    correct_details(
        record=reported,
        by=officer,
        details={"date_of_birth": born, "expected_date_of_birth": None},
        reason="Born at Southport hospital, the midwife says.",
    )
    reported.refresh_from_db()
    assert (reported.unborn, reported.unborn_at_contact, reported.date_of_birth) == (
        False,
        True,
        born,
    )
    # A date of birth before the contact: the child was never unborn then.
    correct_details(
        record=reported,
        by=officer,
        details={"date_of_birth": dt.date(2020, 1, 2)},
        reason="The contact named the wrong child: this is the older sister.",
    )
    reported.refresh_from_db()
    assert not reported.unborn_at_contact


def _closed_episode(record, decision, **spell) -> tuple[dt.date, list[tuple[str, bool]]]:
    """A child referred once, the case record's involvement closing the episode a week later
    with the dates `spell` gives; the referral's day and the census's problems."""
    at = days_ago(12)
    day = at.date()
    person = Person.objects.create(first_name="Ellis", last_name="Example")
    record(at=at, referrer=SCHOOL, children=[child("Ellis")], decisions=[[decision]], person=person)
    Involvement.objects.create(
        person=person,
        kind=Involvement.Kind.SOCIAL_CARE,
        started_on=day,
        ended_on=day + dt.timedelta(days=7),
        source_system="mosaic",
        external_id="EP-1",
        **spell,
    )
    problems = build_census(year=current_collection_year(day)).problems
    return day, [(group.summary, group.blocking) for group in problems.groups]


OUT_OF_ORDER = [(f"1 {kinds.CASE_RECORD_DATES_OUT_OF_ORDER.one}", True)]


def _weekday(day: dt.date, step: int) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=step)
    return day


def test_r46_rule_8565_the_case_record_closes_an_episode_before_its_assessment_is_authorised(
    record,
):
    day = days_ago(12).date()
    authorised = day + dt.timedelta(days=8)
    _, problems = _closed_episode(
        record, ASSESS, closure_reason="RC8", assessment_authorised_on=authorised
    )
    assert problems == OUT_OF_ORDER


def test_r46_rule_8608_an_assessment_authorised_before_it_started_blocks_the_file(record):
    day = days_ago(12).date()
    authorised = day - dt.timedelta(days=1)
    _, problems = _closed_episode(
        record, ASSESS, closure_reason="RC8", assessment_authorised_on=authorised
    )
    assert problems == OUT_OF_ORDER


def test_r46_rule_8615_a_conference_before_the_strategy_discussion_blocks_the_file(record):
    conference = _weekday(days_ago(13).date(), -1)
    _, problems = _closed_episode(
        record, STRATEGY, closure_reason="RC7", initial_conference_on=conference
    )
    assert problems == OUT_OF_ORDER


def test_r46_rule_8875_a_conference_on_a_weekend_blocks_the_file(record):
    day = days_ago(12).date()
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7 or 7)
    _, problems = _closed_episode(
        record, STRATEGY, closure_reason="RC7", initial_conference_on=saturday
    )
    assert problems == [("1 child's initial child protection conference is on a weekend", True)]
