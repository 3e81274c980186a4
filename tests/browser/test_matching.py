"""A MASH social worker finds that a reported child is already known (R18), in a real browser."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.people.models import Involvement, Person
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.intake.factories import make_submission


def test_r18_a_worker_matches_a_reported_child_to_a_known_person_with_open_early_help(
    page, live_server, make_user
):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    contact = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    # Known already, with the day and month of birth swapped on record.
    known = Person.objects.create(
        first_name="Ellis",
        last_name="Examplechild",
        date_of_birth=dt.date(2015, 2, 3),
        postcode="L21 7PQ",
    )
    Involvement.objects.create(
        person=known,
        kind=Involvement.Kind.EARLY_HELP,
        started_on=dt.date(2026, 1, 5),
        allocated_worker="Bea Marchetti",
        team="Family Wellbeing Centre",
        source_system="early-help-module",
        external_id="EH-1",
    )

    sign_in(page, live_server, worker)
    page.goto(f"{live_server.url}/contacts/{contact.reference}/")
    page.get_by_role("link", name="Find or create the person record for Ellis Examplechild").click()

    expect(page.get_by_role("heading", name="Is Ellis Examplechild already known?")).to_be_visible()
    candidate = page.locator("#candidates li").first
    expect(candidate).to_contain_text("Open: Early help")
    expect(candidate).to_contain_text("Bea Marchetti")
    reasons = candidate.locator(".app-reasons li")
    expect(reasons).to_contain_text(
        [
            "Surname matches",
            "First name matches",
            "Date of birth matches with day and month swapped",
            "Postcode matches",
        ]
    )
    assert_no_axe_violations(page)

    candidate.get_by_role("button", name="This is the same person").click()

    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Ellis Examplechild is linked to Ellis Examplechild's record."
    )
    expect(page.locator("#linked-person")).to_contain_text("Open: Early help")
    assert contact.children.get(first_name="Ellis").person == known
    assert_no_axe_violations(page)

    page.locator("#linked-person").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Ellis Examplechild", level=1)).to_be_visible()
    expect(page.locator("#involvements-table")).to_contain_text("Bea Marchetti")
    assert_no_axe_violations(page)
