"""The administrators' API tokens and set-up links pages in a real browser with JavaScript
off: issue a token, see it once, revoke it; give a link and set an app up through it."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from frontdoor.accounts.models import ApiToken, User
from frontdoor.accounts.roles import Role
from frontdoor.policy.registry import current_policy
from tests.accounts.factories import PASSWORD
from tests.accounts.test_two_factor import code_for
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

    agency = current_policy().agency_name("police")
    page.get_by_label("Account the token acts as").select_option(
        label=f"Pat Police (police): Partner agency user, {agency}"
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


def test_a_new_starter_sets_up_their_app_through_a_link_without_javascript(
    page_without_js, live_server, make_user, settings
):
    settings.FRONTDOOR_TWO_FACTOR = "required"
    page = page_without_js
    make_user(Role.CONTACT_OFFICER, username="newstarter", first_name="Nia", last_name="New")
    admin = make_user(Role.ADMINISTRATOR)
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    # The administrator, already set up, gives the new starter a link.
    sign_in(page, live_server, admin)
    page.get_by_label("Code").fill(code_for(TOTPDevice.objects.get(user=admin)))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Give staff a one-time link").click()
    assert_no_axe_violations(page)
    page.get_by_label("Member of staff").select_option(
        label="Nia New (newstarter): Contact officer"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Make a set-up link").click()
    link = page.locator("#new-link").input_value()
    page.context.clear_cookies()

    # Signing in without the link sets nothing up: it says to ask for one.
    user = User.objects.get(username="newstarter")
    sign_in(page, live_server, user)
    expect(page.get_by_role("heading", name="You need a set-up link")).to_be_visible()
    assert_no_axe_violations(page)
    page.context.clear_cookies()

    # The link, through the password, to the QR code and the first code.
    page.goto(link)
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Enter the code from your app").fill(
        code_for(TOTPDevice.objects.get(user=user))
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Front Door")).to_be_visible()
    assert TOTPDevice.objects.get(user=user).confirmed
