"""Staff pages in a real browser: signing in and out, the home page, the guidance page.

What the Django test client cannot show: the real form and its CSRF cookie, the GOV.UK Frontend
scripts (the error summary takes focus), the pages working with JavaScript off, and axe-core's
WCAG 2.2 AA checks on the rendered, styled page.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from frontdoor.accounts.roles import Role
from frontdoor.policy.catalogue import indicators, search_indicators
from frontdoor.policy.registry import current_policy
from tests.browser.conftest import assert_no_axe_violations, sign_in

MANAGER_ACTION = "Send MASH enquiries to partner agencies"


def _menu(page: Page):
    return page.get_by_role("navigation", name="Menu")


def test_a_mash_manager_signs_in_sees_their_actions_and_opens_the_guidance(
    page, live_server, make_user
):
    manager = make_user(Role.MASH_MANAGER)

    sign_in(page, live_server, manager)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Front Door", level=1)).to_be_visible()
    expect(page.get_by_text("MASH manager", exact=True)).to_be_visible()
    expect(page.get_by_text(MANAGER_ACTION)).to_be_visible()
    _menu(page).get_by_role("link", name="Guidance").click()
    expect(page).to_have_url(f"{live_server.url}/guidance/")
    expect(page.get_by_role("heading", name="Guidance for the front door")).to_be_visible()


def test_a_partner_agency_user_sees_their_agency_and_not_the_managers_actions(
    page, live_server, make_user
):
    partner = make_user(Role.PARTNER_AGENCY, agency_key="police")

    sign_in(page, live_server, partner)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Partner agency user, Merseyside Police")).to_be_visible()
    expect(page.get_by_text("Answer the MASH enquiries sent to your agency")).to_be_visible()
    expect(page.get_by_text(MANAGER_ACTION)).to_have_count(0)


def test_a_wrong_password_shows_the_error_summary_and_stays_on_the_sign_in_page(
    page, live_server, make_user
):
    user = make_user(Role.CONTACT_OFFICER)

    sign_in(page, live_server, user, password="not-the-password")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus so screen readers announce it
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_contain_text("correct username and password")
    expect(page.locator("#id_username")).to_have_value(user.username)
    expect(page.locator("#id_password")).to_have_value("")
    expect(_menu(page)).to_have_count(0)


def test_the_guidance_search_works_with_javascript_off(page_without_js, live_server, make_user):
    page = page_without_js
    sign_in(page, live_server, make_user(Role.CONTACT_OFFICER))
    page.goto(f"{live_server.url}/guidance/")
    expect(page.locator("body")).not_to_have_class(re.compile(r"js-enabled"))

    page.get_by_label("Search the indicators").fill("dental decay")
    with page.expect_navigation():
        page.get_by_role("search", name="Indicators").get_by_role("button", name="Search").click()

    expected = search_indicators(current_policy(), query="dental decay")
    assert expected, "the policy should have indicators about dental decay"
    total = len(indicators(current_policy()))
    assert "q=dental+decay" in page.url
    expect(page.locator("#indicator-count")).to_contain_text(
        f"{len(expected)} of {total} indicators match"
    )
    shown = page.locator(".app-indicators li").evaluate_all("items => items.map(item => item.id)")
    assert sorted(shown) == sorted(indicator.key for indicator in expected)
    expect(page.get_by_role("link", name="Show all indicators")).to_be_visible()


def test_signing_out_returns_to_the_sign_in_page_and_home_asks_to_sign_in_again(
    page, live_server, make_user
):
    user = make_user(Role.MASH_SOCIAL_WORKER)
    sign_in(page, live_server, user)
    expect(page).to_have_url(f"{live_server.url}/")

    with page.expect_navigation():
        _menu(page).get_by_role("button", name=re.compile(r"^Sign out")).click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to Front Door")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.get_by_role("heading", name="Sign in to Front Door")).to_be_visible()
    expect(_menu(page)).to_have_count(0)


def test_the_sign_in_page_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_no_axe_violations(page)


def test_the_sign_in_page_showing_errors_is_accessible(page, live_server, make_user):
    sign_in(page, live_server, make_user(), password="not-the-password")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_no_axe_violations(page)


def test_the_home_page_is_accessible(page, live_server, make_user):
    sign_in(page, live_server, make_user(Role.MASH_MANAGER))
    expect(page.get_by_text(MANAGER_ACTION)).to_be_visible()
    assert_no_axe_violations(page)


def test_the_guidance_page_is_accessible(page, live_server, make_user):
    sign_in(page, live_server, make_user())
    page.goto(f"{live_server.url}/guidance/")
    assert_no_axe_violations(page)


def test_the_guidance_page_with_a_search_result_is_accessible(page, live_server, make_user):
    sign_in(page, live_server, make_user())
    page.goto(f"{live_server.url}/guidance/?q=missing&level=4#indicators")
    expect(page.locator("#indicator-count")).to_contain_text("indicators match")
    assert_no_axe_violations(page)
