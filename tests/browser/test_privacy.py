"""The audit pages in a real browser with JavaScript off: from home to the access log (R45)."""

from __future__ import annotations

from playwright.sync_api import expect

from frontdoor.accounts.roles import Role
from frontdoor.audit.services import record_view
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.intake.factories import make_submission


def test_a_service_manager_finds_what_a_worker_opened_without_javascript(
    page_without_js, live_server, make_user
):
    page = page_without_js
    worker = make_user(Role.MASH_SOCIAL_WORKER, first_name="Wren", last_name="Worker")
    contact = record_contact(
        submission=make_submission(), channel=Channel.TELEPHONE, by=make_user(Role.CONTACT_OFFICER)
    ).contact
    record_view(viewer=worker, target=contact, through="contact page")

    sign_in(page, live_server, make_user(Role.SERVICE_MANAGER))
    with page.expect_navigation():
        page.get_by_role("link", name="Read the disclosure log").click()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("link", name="access log").click()
    expect(page.get_by_role("heading", name="Access log", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    # Nobody chosen: the error summary links to the list.
    with page.expect_navigation():
        page.get_by_role("button", name="Show the views").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the member of staff whose views to list")
    assert_no_axe_violations(page)

    page.get_by_label("Member of staff").select_option(label=f"Wren Worker ({worker.username})")
    with page.expect_navigation():
        page.get_by_role("button", name="Show the views").click()
    rows = page.locator("#access-rows")
    expect(rows).to_contain_text("What Wren Worker has seen (1 view)")
    expect(rows.get_by_role("link", name=f"Contact {contact.reference}")).to_be_visible()
    assert_no_axe_violations(page)
