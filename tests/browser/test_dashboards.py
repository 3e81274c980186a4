"""The dashboards in a real browser with JavaScript off: charts, tables, filters, accessibility."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.policy.clocks import LONDON
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.intake.factories import make_submission
from tests.screening.factories import ASSESSMENT, decide_every_child


def test_a_performance_analyst_reads_the_dashboards_without_javascript(
    page_without_js, live_server, make_user
):
    page = page_without_js
    officer = make_user(Role.CONTACT_OFFICER)
    manager = make_user(Role.MASH_MANAGER)
    received = dt.datetime.now(LONDON) - dt.timedelta(days=2)
    contact = record_contact(
        submission=make_submission(), channel=Channel.TELEPHONE, received_at=received, by=officer
    ).contact
    decide_every_child(
        contact, by=manager, now=received + dt.timedelta(hours=2), decision=ASSESSMENT
    )

    sign_in(page, live_server, make_user(Role.PERFORMANCE_ANALYST))
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    page.get_by_role("link", name="Dashboards").first.click()
    expect(page.get_by_role("heading", name="Dashboards", level=1)).to_be_visible()

    expect(page.get_by_role("img", name="Contacts by channel")).to_be_visible()
    channels = page.get_by_role("table", name="Contacts by channel")
    expect(channels.get_by_role("row").filter(has_text="Telephone")).to_contain_text("1")
    expect(page.locator("#headlines")).to_contain_text("100%")  # two of two children referred
    expect(page.get_by_role("heading", name="MASH enquiries answered on time")).to_be_visible()

    # A filter that finds nothing still draws the page, and the error summary works without JS.
    page.locator("#id_end-day").fill("28")
    page.locator("#id_end-month").fill("2")
    page.locator("#id_end-year").fill("2020")
    with page.expect_navigation():
        page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("alert")).to_contain_text("The end date must be the same as")
    assert_no_axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("link", name="The last 4 weeks, all teams").click()
    assert_no_axe_violations(page)
