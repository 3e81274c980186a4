"""The demo council's data is coherent, so its statutory returns file (docs/returns.md, R46).

A newcomer's first look at `/returns/` is the demo: its census must have nothing that blocks it,
its MASH enquiries must be about children found on the records, and its dates must be as they
were on the day of each contact. The suite loads a short demo (two months of history, so that
children come back, and the MASH stories) once for the module, and rolls it back.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from frontdoor.demo.contacts import census_year_end, expected_date_for
from frontdoor.demo.history import case_record
from frontdoor.demo.loader import demo_mash_staff, load_demo
from frontdoor.demo.mash import ANSWERS, load_demo_mash
from frontdoor.intake.models import ReportedChild
from frontdoor.mash.models import Enquiry, Opinion
from frontdoor.people.models import Involvement
from frontdoor.policy.clocks import LONDON
from frontdoor.returns.annex_a import produce_annex_a
from frontdoor.returns.cin_census import LONGEST_PREGNANCY, build_census, produce_census
from frontdoor.screening.models import Decision, Referral
from tests.returns.test_cin_census_valid import CIN_PYTHON, validate

pytestmark = pytest.mark.django_db

HISTORY_WEEKS = 9


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module's tests, which only read it, and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(weeks=0, history_weeks=HISTORY_WEEKS)
        load_demo_mash(staff=demo_mash_staff())
        yield
        transaction.set_rollback(True)


def census_years() -> list[int]:
    """The collection years the demo's contacts fall in (each ends on 31 March of its year)."""
    today = timezone.localdate()
    first = today - dt.timedelta(weeks=HISTORY_WEEKS + 1)
    return sorted({census_year_end(first).year, census_year_end(today).year})


def test_r46_the_demo_census_has_nothing_that_blocks_it(demo):
    for year in census_years():
        census = build_census(year=year)
        assert not census.problems.blocking, census.problems.lines()
    this_year = build_census(year=census_years()[-1])
    assert this_year.counts["referrals"] >= 10
    # Nothing the front door lists for a worker to put right: sex, ethnicity, dates are recorded.
    assert not this_year.problems, this_year.problems.lines()


def test_r46_the_demo_census_is_written_and_annex_a_has_nothing_to_fix(demo, tmp_path):
    year = census_years()[-1]
    result = produce_census(year=year, output=tmp_path / "cin.xml")
    assert result.written, result.census.problems.lines()
    start = timezone.localdate() - dt.timedelta(weeks=HISTORY_WEEKS)
    annex, written = produce_annex_a(
        start=start, end=timezone.localdate(), output=tmp_path / "annex-a.xlsx"
    )
    assert written
    assert annex.counts[1] and annex.counts[3] and annex.counts[5]
    assert not annex.problems, annex.problems.lines()


@pytest.mark.skipif(not CIN_PYTHON.exists(), reason="python3 dev.py test installs .venv-cin")
def test_r46_the_dfe_validator_finds_no_error_in_the_demo_census(demo, tmp_path):
    year = census_years()[-1]
    output = tmp_path / "cin.xml"
    assert produce_census(year=year, output=output).written
    checked = validate(output, year=year)
    assert re.search(r"^errors: 0$", checked.stdout, re.MULTILINE), checked.stdout
    # Queries only about what the front door does not hold (UPNs, disabilities, assessment
    # factors, what happened after the referral): none it could have listed to fix.
    for foreseeable in ("8530Q", "8825Q", "2886Q", "8525Q"):
        assert f"rule {foreseeable} " not in checked.stdout, checked.stdout


def test_r18_every_mash_enquiry_is_about_a_child_matched_to_a_person_record(demo):
    enquiries = Enquiry.objects.select_related("child")
    assert enquiries.exists()
    assert not enquiries.filter(child__person__isnull=True).exists()


def test_partner_agencies_answer_each_story_from_their_own_records(demo):
    opinions = list(Opinion.objects.values_list("request__agency_key", "opinion"))
    assert len(opinions) >= 8
    texts = [opinion for _, opinion in opinions]
    assert len(set(texts)) == len(texts)  # no stock answer repeated
    every_answer = {answer.opinion for story in ANSWERS.values() for answer in story.values()}
    assert set(texts) <= every_answer


def test_r5_no_child_is_born_after_their_contact_unless_reported_unborn_and_due_in_40_weeks(demo):
    children = ReportedChild.objects.select_related("contact", "person")
    assert not children.filter(date_of_birth__gt=F("contact__received_at__date")).exists()
    born_later = children.filter(person__date_of_birth__gt=F("contact__received_at__date"))
    assert born_later.exists()  # babies reported unborn and born since (R5)
    assert not born_later.filter(unborn_at_contact=False).exists()
    for child in (child for child in children if child.unborn_at_contact):
        referred_on = child.contact.received_at.astimezone(LONDON).date()
        assert child.expected_date_of_birth is not None
        assert referred_on <= child.expected_date_of_birth <= referred_on + LONGEST_PREGNANCY
        if child.person and child.person.date_of_birth:  # born: within 40 weeks too (rule 8606)
            assert referred_on < child.person.date_of_birth <= referred_on + LONGEST_PREGNANCY


def test_r5_unborn_children_are_expected_within_40_weeks_of_a_contact_on_any_day_of_the_year():
    import random

    rng = random.Random(1)
    today = dt.date(2027, 2, 10)
    for day in (dt.date(2026, 4, 20), dt.date(2026, 6, 5), dt.date(2026, 11, 30)):
        for _ in range(50):
            expected = expected_date_for(rng, referred_on=day, today=today)
            assert expected is not None
            # DfE rule 8606, with room for a birth a week after the expected date.
            assert dt.timedelta(days=20) <= expected - day <= LONGEST_PREGNANCY - dt.timedelta(7)
            # Born by today, or due no earlier than the census can state (query 8530Q).
            year_end = census_year_end(day)
            assert expected < today or expected > year_end - dt.timedelta(days=30)
    # A contact from April to early June names babies who are born before the census date.
    spring = [
        expected_date_for(rng, referred_on=day, today=today)
        for day in (dt.date(2026, 4, 20), dt.date(2026, 6, 5))
        for _ in range(25)
    ]
    assert all(day and day < census_year_end(dt.date(2026, 4, 20)) for day in spring)


def test_r5_the_census_reports_babies_born_since_their_contact_with_their_date_of_birth(demo):
    census = build_census(year=census_years()[-1])
    born = [
        child
        for child in census.children
        if child.facts.unborn_at_contact and child.facts.date_of_birth
    ]
    assert born
    assert all(child.sex in ("M", "F") and child.ethnicity != "NOBT" for child in born)


def test_most_ethnicities_are_recorded_with_the_dfes_codes_and_some_not_stated(demo):
    census = build_census(year=census_years()[-1])
    codes = [child.ethnicity for child in census.children if not child.facts.unborn]
    assert codes and None not in codes
    assert sum(code not in ("REFU", "NOBT") for code in codes) / len(codes) > 0.8


def test_r19_r29_children_who_come_back_are_referred_again_only_once_their_case_closed(demo):
    cases = Involvement.objects.filter(source_system=case_record(), external_id__startswith="CASE-")
    assert cases.filter(ended_on__isnull=False).exclude(closure_reason="").exists()
    assert cases.filter(ended_on__isnull=True).exclude(allocated_worker="").exists()
    for referral in Referral.objects.filter(is_re_referral=True).select_related("child"):
        earlier = (
            Referral.objects.filter(
                child__person=referral.child.person_id, referred_at__lt=referral.referred_at
            )
            .order_by("-referred_at")
            .first()
        )
        if earlier is None:  # an earlier referral of a reported child not yet linked
            continue
        case = cases.get(external_id=f"CASE-{earlier.pk}")
        assert case.ended_on is not None
        assert case.ended_on < referral.referred_at.astimezone(LONDON).date()
    # A child whose case is still open goes to the allocated worker instead (R19).
    assert Decision.objects.filter(outcome_effect="allocated_worker").exists()


def test_r7_no_contact_has_two_reported_children_who_are_one_person(demo):
    # A written referral after a call (R3) or a further report (R7) names the children again:
    # each is a further account of the child already on the contact, not another child.
    doubled = (
        ReportedChild.objects.filter(person__isnull=False)
        .values("contact", "person")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    )
    assert not doubled.exists(), list(doubled[:5])
    referred_twice = (
        Referral.objects.filter(child__person__isnull=False)
        .values("contact", "child__person")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    )
    assert not referred_twice.exists(), list(referred_twice[:5])
