"""MASH in a real browser: the manager sends an enquiry, a partner agency
answers it in its portal, the manager reviews the answers and confirms the final RAG (R33-R38).
axe-core checks each page."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.mash.models import RagReview
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.intake.factories import make_submission


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).first.click()


def test_an_enquiry_is_sent_answered_by_a_partner_and_reviewed(page, live_server, make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    manager = make_user(Role.MASH_MANAGER)
    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    contact = record_contact(
        submission=make_submission(),
        channel=Channel.TELEPHONE,
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        by=officer,
    ).contact
    ellis = contact.children.order_by("id").first()

    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/contacts/{contact.reference}/screening/")
    page.get_by_role("link", name=f"Send a MASH enquiry about {ellis}").click()
    assert_no_axe_violations(page)
    for agency in page.locator("input[name=agencies]").all():
        agency.uncheck()
    page.get_by_label("Merseyside Police").check()
    page.get_by_role("group", name="RAG rating").get_by_label("Amber").check()
    _submit(page, "Send the enquiry")
    expect(page.get_by_text(f"MASH enquiry sent for {ellis}")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, police)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="MASH").click()
    expect(page.get_by_role("heading", name="MASH enquiries for Merseyside Police")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=str(ellis)).click()
    expect(page.get_by_text("Why the MASH is asking")).to_be_visible()
    expect(page.get_by_text("Pat Referrer")).to_have_count(0)
    for label in page.get_by_label("Nothing known").all():
        label.check()
    page.get_by_label("Your agency's professional opinion").fill("Two call-outs this year.")
    assert_no_axe_violations(page)
    _submit(page, "Send your answer")
    expect(page.get_by_text("Your agency's answer was sent to the MASH")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/mash/")
    page.get_by_role("link", name=f"Review the answers about {ellis}").click()
    expect(page.get_by_text("Two call-outs this year.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("group", name="Final RAG").get_by_label("Red").check()
    page.get_by_label("Why").fill("The police hold more than the referral said.")
    _submit(page, "Confirm the final RAG")
    expect(page.get_by_role("heading", name=f"Decision for {ellis}")).to_be_visible()
    assert RagReview.objects.get().rag == "red"
