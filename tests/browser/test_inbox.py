"""The inbox and contact pages in a real browser: recording a telephone contact and finding it.

axe-core checks the inbox, the new-contact form (with its error summary) and the contact page.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel, Contact
from frontdoor.intake.services import record_contact
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.intake.factories import make_submission, unborn_child


def _record_a_telephone_contact(page: Page) -> None:
    page.get_by_role("group", name="How did the contact arrive?").get_by_label("Telephone").check()
    page.get_by_role("group", name="Who made the contact?").get_by_label("Professional").check()
    page.locator("#id_referrer_name").fill("Pat Referrer")
    page.locator("#id_referrer_agency").fill("Litherland High School")
    page.locator("#id_referrer_role").fill("Designated safeguarding lead")
    page.locator("#id_referrer_phone").fill("0151 000 0000")
    page.locator("#id_child_0_first_name").fill("Ellis")
    page.locator("#id_child_0_last_name").fill("Browsertest")
    page.locator("#id_worry").fill("Ellis said <b>Mum's partner</b> hit him.")
    page.get_by_role(
        "group", name="Have the parents or carers agreed to this referral being made?"
    ).get_by_label("Given").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record contact").click()


def test_a_contact_officer_records_a_telephone_contact_and_finds_it_in_the_inbox(
    page, live_server, make_user
):
    sign_in(page, live_server, make_user(Role.CONTACT_OFFICER))
    page.get_by_role("link", name=re.compile("^Record contacts")).click()
    expect(page.get_by_role("heading", name="Record a contact", level=1)).to_be_visible()

    _record_a_telephone_contact(page)

    contact = Contact.objects.get()
    expect(page).to_have_url(f"{live_server.url}/contacts/{contact.reference}/")
    expect(page.get_by_text(f"Contact recorded: {contact.reference}")).to_be_visible()
    expect(page.get_by_text("Ellis said <b>Mum's partner</b> hit him.")).to_be_visible()

    page.get_by_role("link", name="Back to the inbox").click()
    row = page.get_by_role("row").filter(has_text=contact.reference)
    expect(row).to_contain_text("Telephone")
    expect(row).to_contain_text("Ellis Browsertest")
    expect(row).to_contain_text("left")
    row.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_role("heading", name=f"Contact {contact.reference}")).to_be_visible()
    expect(page.locator("#record-views")).to_contain_text("contact page")


def test_the_inbox_is_accessible(page, live_server, make_user):
    record_contact(
        submission=make_submission(children=[unborn_child()]), channel=Channel.ONLINE_FORM
    )
    sign_in(page, live_server, make_user(Role.CONTACT_OFFICER))
    page.goto(f"{live_server.url}/contacts/")
    expect(page.get_by_role("table")).to_contain_text("Unborn child, due")
    assert_no_axe_violations(page)


def test_the_new_contact_form_is_accessible_with_and_without_errors(page, live_server, make_user):
    sign_in(page, live_server, make_user(Role.CONTACT_OFFICER))
    page.goto(f"{live_server.url}/contacts/new/")
    assert_no_axe_violations(page)

    page.locator("#id_received_time").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Record contact").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the time the contact was received")
    expect(page).to_have_title(re.compile(r"^Error: Record a contact"))
    summary.get_by_role("link", name="Enter what you are worried about").click()
    expect(page.locator("#id_worry")).to_be_focused()
    assert_no_axe_violations(page)


def test_the_contact_page_is_accessible(page, live_server, make_user):
    contact = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    sign_in(page, live_server, make_user(Role.MASH_MANAGER))
    page.goto(f"{live_server.url}/contacts/{contact.reference}/")
    expect(page.get_by_role("heading", name=f"Contact {contact.reference}")).to_be_visible()
    assert_no_axe_violations(page)


def test_adding_another_child_works_with_javascript_off(page_without_js, live_server, make_user):
    page = page_without_js
    sign_in(page, live_server, make_user(Role.CONTACT_OFFICER))
    page.goto(f"{live_server.url}/contacts/new/")
    page.locator("#id_child_0_first_name").fill("Ellis")
    with page.expect_navigation():
        page.get_by_role("button", name="Add another child").click()
    expect(page.locator("#id_child_0_first_name")).to_have_value("Ellis")
    expect(page.locator("#id_child_1_first_name")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
