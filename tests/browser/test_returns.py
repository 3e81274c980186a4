"""The statutory returns in a real browser with JavaScript off: found from the dashboards,
checked before downloading, errors summarised, and accessible (R45, R46)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.policy.clocks import LONDON
from frontdoor.returns.views import current_collection_year
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.intake.factories import make_submission
from tests.returns.conftest import BOXING_CLUB
from tests.screening.factories import ASSESSMENT, decide_every_child


def test_an_analyst_checks_and_downloads_annex_a_and_checks_the_census_without_javascript(
    page_without_js, live_server, make_user
):
    page = page_without_js
    received = dt.datetime.combine(
        timezone.localdate() - dt.timedelta(days=3), dt.time(10), tzinfo=LONDON
    )
    contact = record_contact(
        submission=make_submission(referrer=BOXING_CLUB),
        channel=Channel.TELEPHONE,
        received_at=received,
        by=make_user(Role.CONTACT_OFFICER),
    ).contact
    decide_every_child(
        contact,
        by=make_user(Role.MASH_MANAGER),
        now=received + dt.timedelta(hours=2),
        decision=ASSESSMENT,
    )

    sign_in(page, live_server, make_user(Role.PERFORMANCE_ANALYST))
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    page.get_by_role("link", name="Dashboards").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="statutory returns").click()
    expect(page.get_by_role("heading", name="Statutory returns", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    # Annex A for the period offered (the collection year so far): counts, data to fix, download.
    with page.expect_navigation():
        page.get_by_role("button", name="Check Annex A").click()
    results = page.locator(".govuk-inset-text").first
    assert contact.children.count() == 2  # Annex A has a row per child
    expect(results).to_contain_text("List 1, contacts: 2 rows")
    expect(results).to_contain_text("List 4, assessments: 2 rows")
    page.get_by_text("has no contact source code").click()  # opens the details, without JS too
    # The analyst cannot open contacts: the reference is given for front door staff, not linked.
    expect(page.get_by_text(f"{contact.reference}: Professional")).to_be_visible()
    expect(page.get_by_role("link", name=contact.reference)).to_have_count(0)
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Annex A").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # The census: a year out of range is summarised and linked to its field, then a right one.
    year = page.get_by_label("Collection year ending 31 March")
    year.fill("1999")
    with page.expect_navigation():
        page.get_by_role("button", name="Check the census").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a year from")
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_year")
    assert_no_axe_violations(page)

    latest = current_collection_year(timezone.localdate())
    page.get_by_label("Collection year ending 31 March").fill(str(latest))
    with page.expect_navigation():
        page.get_by_role("button", name="Check the census").click()
    expect(page.get_by_text(f"31 March {latest}:")).to_be_visible()
    assert_no_axe_violations(page)
