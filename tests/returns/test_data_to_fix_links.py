"""Each item of the data to fix links to the page where it is put right (R45, R46).

For every kind of problem a return can list, the item's link opens (200) for a MASH manager, who
may see the returns and correct, decide and read the case record; the CSV of the data to fix
carries the same links; an analyst, who cannot open records, is given the references.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import ReportedChild
from frontdoor.people.models import Involvement, Person
from frontdoor.returns import data_to_fix as kinds
from frontdoor.returns.annex_a import build_annex_a, find_problems
from frontdoor.returns.cin_census import build_census, collection_period
from frontdoor.screening.models import Decision
from tests.returns.conftest import (
    ASSESS,
    BOXING_CLUB,
    NFA,
    SCHOOL,
    STRATEGY,
    child,
    unborn,
)
from tests.returns.test_annex_a import days_ago, period
from tests.returns.test_cin_census import YEAR

pytestmark = pytest.mark.django_db


def _census(year: int = YEAR):
    return build_census(year=year).problems


def _annex():
    return find_problems(build_annex_a(**period()))


def _returning(record, *, decisions, **spell) -> None:
    """A child referred twice in the year, linked to one person, with the case record's
    involvement for the first episode as `spell` gives it (none when empty)."""
    first, second = days_ago(4), days_ago(3)
    person = Person.objects.create(first_name="Ellis", last_name="Example")
    record(
        at=first, referrer=SCHOOL, children=[child("Ellis")], decisions=[decisions], person=person
    )
    if spell:
        Involvement.objects.create(
            person=person,
            kind=Involvement.Kind.SOCIAL_CARE,
            started_on=first.date(),
            ended_on=first.date(),
            source_system="mosaic",
            external_id="EP-1",
            **spell,
        )
    record(
        at=second, referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]], person=person
    )


def no_source(record):
    record(at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]])
    return _census()


def no_contact_source(record):
    record(at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[NFA]])
    return _annex()


def unmapped_ethnicity(record):
    kid = child("Ellis", ethnicity="Other")  # names no group: never guessed as OOTH
    record(at=days_ago(3), referrer=SCHOOL, children=[kid], decisions=[[ASSESS]])
    return _census()


def unmapped_ethnicity_listed(record):
    kid = child("Ellis", ethnicity="Other")
    record(at=days_ago(3), referrer=SCHOOL, children=[kid], decisions=[[NFA]])
    return _annex()


def no_ethnicity(record):
    kid = child("Ellis", ethnicity="")
    record(at=days_ago(3), referrer=SCHOOL, children=[kid], decisions=[[ASSESS]])
    return _census()


def no_sex(record):
    kid = child("Ellis", gender="not_known")
    record(at=days_ago(3), referrer=SCHOOL, children=[kid], decisions=[[ASSESS]])
    return _census()


def no_date_of_birth(record):
    kid = {**child("Robin"), "date_of_birth": None}
    record(at=days_ago(3), referrer=SCHOOL, children=[kid], decisions=[[ASSESS]])
    return _census()


def born_after_event(record):
    born = timezone.localdate() - dt.timedelta(days=2)
    kid = child("Ellis", born=born.isoformat())
    record(at=days_ago(10), referrer=SCHOOL, children=[kid], decisions=[[NFA]])
    return _annex()


def born_after_reference_date(record):
    from frontdoor.policy.clocks import LONDON

    _, reference_date = collection_period(YEAR - 1)
    kid = child("Ellis", born=(reference_date + dt.timedelta(days=1)).isoformat())
    at = dt.datetime.combine(reference_date - dt.timedelta(days=20), dt.time(10), LONDON)
    record(at=at, referrer=SCHOOL, children=[kid], decisions=[[ASSESS]])
    return _census(YEAR - 1)


def no_primary_need(record):
    record(at=days_ago(3), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]])
    Decision.objects.update(primary_need="")  # recorded before the primary need was asked
    return _census()


def overlapping(record):
    _returning(record, decisions=[ASSESS])
    return _census()


def no_closure_reason(record):
    _returning(record, decisions=[ASSESS], closure_reason="", assessment_authorised_on=None)
    return _census()


def assessment_not_authorised(record):
    _returning(record, decisions=[ASSESS], closure_reason="RC8")
    return _census()


def conference_not_known(record):
    _returning(record, decisions=[STRATEGY], closure_reason="RC7")
    return _census()


def case_record_dates_out_of_order(record):
    authorised = days_ago(5).date()  # before the assessment started
    _returning(
        record, decisions=[ASSESS], closure_reason="RC8", assessment_authorised_on=authorised
    )
    return _census()


def conference_on_weekend(record):
    day = days_ago(4).date()
    saturday = day - dt.timedelta(days=(day.weekday() - 5) % 7)
    _returning(record, decisions=[STRATEGY], closure_reason="RC7", initial_conference_on=saturday)
    return _census()


def referred_too_early(record):
    due = (days_ago(3) + dt.timedelta(weeks=30)).date()
    record(at=days_ago(3), referrer=SCHOOL, children=[unborn(due=due)], decisions=[[ASSESS]])
    # Corrected since to a date more than 40 weeks after the referral.
    ReportedChild.objects.update(expected_date_of_birth=due + dt.timedelta(weeks=20))
    return _census()


def expected_date_out_of_range(record):
    due = (days_ago(3) + dt.timedelta(weeks=30)).date()
    record(at=days_ago(3), referrer=SCHOOL, children=[unborn(due=due)], decisions=[[ASSESS]])
    # Corrected since to a date the DfE queries: more than 9 months after the reference date.
    _, reference_date = collection_period(YEAR)
    ReportedChild.objects.update(expected_date_of_birth=reference_date + dt.timedelta(days=300))
    return _census()


CASES = {
    kinds.NO_SOURCE_CODE: no_source,
    kinds.NO_SOURCE_CODE_CONTACT: no_contact_source,
    kinds.UNMAPPED_ETHNICITY: unmapped_ethnicity,
    kinds.UNMAPPED_ETHNICITY_LIST: unmapped_ethnicity_listed,
    kinds.NO_ETHNICITY: no_ethnicity,
    kinds.NO_SEX: no_sex,
    kinds.BORN_AFTER_EVENT: born_after_event,
    kinds.BORN_AFTER_REFERENCE_DATE: born_after_reference_date,
    kinds.UN1_GUESSED: no_date_of_birth,
    kinds.NO_DATE_OF_BIRTH: no_date_of_birth,
    kinds.NO_PRIMARY_NEED: no_primary_need,
    kinds.OVERLAPPING_EPISODES: overlapping,
    kinds.NO_CLOSURE_REASON: no_closure_reason,
    kinds.ASSESSMENT_NOT_AUTHORISED: assessment_not_authorised,
    kinds.CONFERENCE_NOT_KNOWN: conference_not_known,
    kinds.CASE_RECORD_DATES_OUT_OF_ORDER: case_record_dates_out_of_order,
    kinds.CONFERENCE_ON_WEEKEND: conference_on_weekend,
    kinds.REFERRED_TOO_EARLY: referred_too_early,
    kinds.EXPECTED_DATE_OUT_OF_RANGE: expected_date_out_of_range,
}
# The page each kind is corrected on, as its link's path begins and ends.
PAGES = {
    kinds.FixedAt.DETAILS: ("/", "/correct/"),
    kinds.FixedAt.DECISION: ("/contacts/", "/decision/"),
    kinds.FixedAt.CASE_RECORD: ("/people/", "/#involvements"),
    kinds.FixedAt.REFERRER: ("/contacts/", "/"),
}


def test_every_kind_of_problem_about_a_record_is_tested_here():
    every = {value for value in vars(kinds).values() if isinstance(value, kinds.Kind)}
    # No child was referred in the year: a problem of the whole return, with no record to open.
    assert every - set(CASES) == {kinds.NOTHING_TO_RETURN}
    assert kinds.NOTHING_TO_RETURN.fixed_at is kinds.FixedAt.NOWHERE


@pytest.mark.parametrize("kind", list(CASES), ids=lambda kind: kind.key)
def test_each_item_links_to_the_page_where_it_is_corrected(kind, record, client, manager):
    problems = CASES[kind](record)
    (group,) = [group for group in problems.groups if group.kind == kind]
    client.force_login(manager)
    for item in group.items:
        start, end = PAGES[kind.fixed_at]
        assert item.url.startswith(start) and item.url.endswith(end), item.url
        path = item.url.split("#")[0]
        assert client.get(path).status_code == 200, (kind.key, item.url)
        assert kind.opens_with in {"records.correct", "contact.decide", "inbox.view"}


def test_details_are_corrected_on_the_linked_person_else_on_the_contacts_child(record):
    person = Person.objects.create(first_name="Ellis", last_name="Example")
    linked = record(
        at=days_ago(3),
        referrer=SCHOOL,
        children=[child("Ellis", ethnicity="")],
        decisions=[[ASSESS]],
        person=person,
    )
    alone = record(
        at=days_ago(3),
        referrer=SCHOOL,
        children=[child("Robin", ethnicity="")],
        decisions=[[ASSESS]],
    )
    (group,) = [group for group in _census().groups if group.kind == kinds.NO_ETHNICITY]
    urls = {item.reference: item.url for item in group.items}
    # The person's details are what the returns read once a child is linked (selectors).
    assert urls[linked.reference] == f"/people/{person.pk}/correct/"
    reported = alone.children.get()
    assert urls[alone.reference] == (
        f"/contacts/{alone.reference}/people/child/{reported.pk}/correct/"
    )


def test_an_involvement_to_import_again_is_named_by_its_case_record_id(record):
    no_closure_reason(record)
    (group,) = [g for g in _census().groups if g.kind == kinds.NO_CLOSURE_REASON]
    assert group.items[0].detail.endswith("import mosaic involvement EP-1 again")


def test_the_csv_of_data_to_fix_has_each_items_link(record, client, make_user):
    no_ethnicity(record)
    overlapping(record)
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    response = client.get(
        reverse("returns:returns"),
        {"return": "cin-census", "year": YEAR, "download": "data-to-fix"},
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    links = {row["Problem"]: row["Link"] for row in rows}
    assert links["child has no ethnicity recorded"].startswith("http://testserver/")
    assert links["child has no ethnicity recorded"].endswith("/correct/")
    assert links["child has a referral while an earlier episode is still open"].endswith(
        "/#involvements"
    )


def test_a_manager_follows_the_link_an_analyst_is_given_the_reference(record, client, make_user):
    contact = record(
        at=days_ago(3),
        referrer=SCHOOL,
        children=[child("Ellis", ethnicity="Other")],
        decisions=[[ASSESS]],
    )
    reported = contact.children.get()
    correct = f"/contacts/{contact.reference}/people/child/{reported.pk}/correct/"
    query = {"return": "cin-census", "year": YEAR}
    client.force_login(make_user(Role.MASH_MANAGER))
    assert f'href="{correct}"' in client.get(reverse("returns:returns"), query).content.decode()
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    page = client.get(reverse("returns:returns"), query).content.decode()
    assert contact.reference in page and correct not in page


def test_the_commands_list_and_csv_give_each_items_link(record, tmp_path):
    from tests.returns.test_commands import run

    contact = record(
        at=days_ago(3),
        referrer=SCHOOL,
        children=[child("Ellis", ethnicity="")],
        decisions=[[ASSESS]],
    )
    correct = f"/contacts/{contact.reference}/people/child/{contact.children.get().pk}/correct/"
    fix = tmp_path / "fix.csv"
    printed = run(
        "cin_census", "--year", str(YEAR), "--output", str(tmp_path / "cin.xml"),
        "--data-to-fix", str(fix),
    )  # fmt: skip
    assert f"    {correct}  Ellis Example" in printed
    (row,) = list(csv.DictReader(fix.open(encoding="utf-8")))
    assert (row["Problem"], row["Link"]) == ("child has no ethnicity recorded", correct)


def test_r45_an_analyst_is_given_each_childs_id_not_their_name(record, client, make_user):
    contact = record(
        at=days_ago(3),
        referrer=SCHOOL,
        children=[child("Ellis", ethnicity="Other")],
        decisions=[[ASSESS]],
    )
    key = f"R{contact.children.get().pk}"
    query = {"return": "cin-census", "year": YEAR}
    client.force_login(make_user(Role.MASH_MANAGER))
    page = client.get(reverse("returns:returns"), query).content.decode()
    assert "Ellis Example: “Other”" in page
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    page = client.get(reverse("returns:returns"), query).content.decode()
    assert f"{contact.reference}: {key}: “Other”" in page
    assert "Ellis" not in page
    download = client.get(reverse("returns:returns"), {**query, "download": "data-to-fix"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows and all("Ellis" not in row["Detail"] for row in rows)
    assert f"{key}: “Other”" in {row["Detail"] for row in rows}


def test_a_summary_of_children_counts_each_child_once_whatever_its_rows():
    from frontdoor.returns.data_to_fix import Group, Item

    group = Group(kind=kinds.BORN_AFTER_EVENT)
    group.items = [
        Item(reference=f"FD-{n}", about="born after the contact", child="P719") for n in range(5)
    ]
    assert group.summary.startswith("1 child's date of birth")
    group.items.append(Item(reference="FD-9", about="born after the contact", child="P720"))
    assert group.summary.startswith("2 children's dates of birth")
    referrers = Group(kind=kinds.NO_SOURCE_CODE_CONTACT)
    referrers.items = [Item(reference=f"FD-{n}", about="", child="P719") for n in range(3)]
    assert referrers.summary.startswith("3 referrers")
