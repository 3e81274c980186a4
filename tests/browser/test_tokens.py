"""The API tokens page in a real browser with JavaScript off: issue, see once, revoke."""

from __future__ import annotations

from playwright.sync_api import expect

from frontdoor.accounts.models import ApiToken
from frontdoor.accounts.roles import Role
from tests.browser.conftest import assert_no_axe_violations, sign_in


def test_an_administrator_issues_and_revokes_a_token_without_javascript(
    page_without_js, live_server, make_user
):
    page = page_without_js
    make_user(Role.PARTNER_AGENCY, username="police", first_name="Pat", last_name="Police")
    sign_in(page, live_server, make_user(Role.ADMINISTRATOR))
    with page.expect_navigation():
        page.get_by_role("link", name="Issue, list and revoke partner systems' API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Account the token acts as").select_option(
        label="Pat Police (police, Partner agency user)"
    )
    page.get_by_label("The system it is for").fill("Police system")
    page.get_by_label("mash:answer", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Issue the token").click()
    expect(page.get_by_text("shown only this once")).to_be_visible()
    token = page.locator("#new-token").input_value()
    assert token.startswith(ApiToken.objects.get().prefix)

    with page.expect_navigation():
        page.get_by_role("link", name="Revoke the token for Police system").click()
    expect(page.get_by_role("heading", name="Revoke the token for Police system?")).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("its next request will be refused")).to_be_visible()
    assert ApiToken.objects.get().revoked_at is not None
