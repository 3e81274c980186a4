"""The staff recording forms in a real browser: Enter in a text box records the contact, and a
document chosen with the file upload arrives with it (R10).

The Django client cannot show which button the browser presses when Enter is pressed in a text
box (HTML implicit submission presses the form's first submit button).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Attachment, Contact
from tests.browser.conftest import assert_no_axe_violations, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fill_a_telephone_contact(page) -> None:
    page.get_by_role("group", name="How did the contact arrive?").get_by_label("Telephone").check()
    page.get_by_role("group", name="Who made the contact?").get_by_label("Professional").check()
    page.locator("#id_referrer_agency").fill("Litherland High School")
    page.locator("#id_referrer_role").fill("Designated safeguarding lead")
    page.locator("#id_referrer_phone").fill("0151 000 0000")
    page.locator("#id_child_0_first_name").fill("Ellis")
    page.locator("#id_child_0_last_name").fill("Browsertest")
    page.locator("#id_worry").fill("Ellis arrived with a bruise.")
    page.get_by_role(
        "group", name="Have the parents or carers agreed to this referral being made?"
    ).get_by_label("Given").check()


def test_enter_in_the_referrers_name_records_the_contact_not_another_child(
    page, live_server, make_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, live_server, make_user(Role.CONTACT_OFFICER))
    page.goto(f"{live_server.url}/contacts/new/")
    _fill_a_telephone_contact(page)
    page.locator("#id_documents").set_input_files(
        [{"name": "chronology.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#id_referrer_name").fill("Pat Referrer")

    with page.expect_navigation():
        page.locator("#id_referrer_name").press("Enter")

    contact = Contact.objects.get()
    expect(page).to_have_url(f"{live_server.url}/contacts/{contact.reference}/")
    expect(page.get_by_text(f"Contact recorded: {contact.reference}")).to_be_visible()
    assert contact.children.count() == 1
    assert Attachment.objects.get().original_name == "chronology.pdf"
    expect(page.get_by_role("link", name="chronology.pdf")).to_be_visible()


def test_add_another_child_adds_a_fieldset_and_the_form_with_a_refused_file_is_accessible(
    page, live_server, make_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, live_server, make_user(Role.CONTACT_OFFICER))
    page.goto(f"{live_server.url}/contacts/new/")
    page.locator("#id_referrer_name").fill("Pat Referrer")
    page.get_by_role("button", name="Add another child").click()
    expect(page.locator("#child-2")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/contacts/new/#child-2$"))

    _fill_a_telephone_contact(page)
    page.locator("#id_documents").set_input_files(
        [{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>\x00"}]
    )
    page.get_by_role("button", name="Record contact").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text(
        "The selected file must be a PDF, Word document, spreadsheet, photo or text file"
    )
    assert Contact.objects.count() == 0
    assert_no_axe_violations(page)
