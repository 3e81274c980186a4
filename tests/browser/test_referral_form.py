"""The public online referral form in a real browser: the whole journey, axe-core on every page,
and the same journey with JavaScript turned off (R1-R6, R10-R16)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel, Contact
from frontdoor.intake.services import record_contact
from tests.accounts.factories import UserFactory
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.intake.factories import make_submission

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class Journey:
    """Walks the form as a referrer would, checking each page with axe-core as it goes."""

    def __init__(self, page: Page, live_server, *, axe: bool):
        self.page = page
        self.live_server = live_server
        self.axe = axe

    def check(self) -> None:
        if self.axe:
            assert_no_axe_violations(self.page)

    def press(self, name: str) -> None:
        self.check()
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).click()

    def fill(self, field_id: str, value: str) -> None:
        self.page.locator(f"#{field_id}").fill(value)

    def choose(self, radio_id: str) -> None:
        self.page.locator(f"#{radio_id}").check()

    def date(self, name: str, date: dt.date) -> None:
        self.fill(f"{name}-day", str(date.day))
        self.fill(f"{name}-month", str(date.month))
        self.fill(f"{name}-year", str(date.year))

    def start(self) -> None:
        self.page.goto(f"{self.live_server.url}/refer/")
        expect(self.page).to_have_title(re.compile(r"^Make a referral to children's services"))
        self.check()
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Start now").click()

    def answer(self, label: str, choice: str) -> None:
        group = self.page.get_by_role("group", name=label)
        group.get_by_label(choice, exact=True).check()


def the_professional_journey(journey: Journey) -> None:
    page = journey.page
    today = timezone.localdate()
    journey.start()
    expect(page.get_by_role("heading", name="Is a child in immediate danger?")).to_be_visible()
    journey.answer("Is a child in immediate danger?", "No")
    journey.press("Continue")

    journey.answer(
        "Who is making the referral?", "A professional, for example a teacher, GP or police officer"
    )
    journey.press("Continue")

    # A professional who leaves out their organisation is told, in the error summary.
    journey.fill("name", "Pat Referrer")
    journey.fill("role", "Designated safeguarding lead")
    journey.fill("email", "pat@school.example")
    journey.press("Continue")
    expect(page).to_have_title(re.compile(r"^Error: Your work details"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the organisation you work for")
    journey.fill("agency", "Litherland High School")
    journey.press("Continue")

    for first_name, born in (("Ellis", dt.date(2015, 3, 2)), ("Robin", dt.date(2018, 9, 14))):
        journey.fill("first_name", first_name)
        journey.fill("last_name", "Examplechild")
        journey.choose("unborn")  # "Yes", the child has been born
        journey.date("date_of_birth", born)
        if first_name == "Ellis":
            journey.answer("Gender", "Male")
            journey.answer("Disability", "Hearing")
        journey.press("Save and continue")
        journey.answer("Do you need to add another child?", "Yes")
        journey.press("Continue")
    journey.choose("unborn-2")  # not born yet
    journey.date("expected_date_of_birth", today + dt.timedelta(days=100))
    journey.press("Save and continue")
    expect(page.locator(".govuk-summary-list__key", has_text="Unborn baby")).to_be_visible()
    journey.answer("Do you need to add another child?", "No")
    journey.press("Continue")

    journey.answer("Do you want to tell us about any adults in the child's life?", "Yes")
    journey.press("Continue")
    journey.fill("first_name", "Jo")
    journey.fill("relationship_to_child", "Mother, expecting a baby")
    journey.answer("Do they have parental responsibility for the child?", "Yes")
    journey.press("Save and continue")
    journey.answer("Do you need to add another adult?", "No")
    journey.press("Continue")

    journey.fill("worry", "Ellis said <b>Mum's partner</b> hit him.")
    journey.press("Continue")
    journey.fill("child_location", "At school")
    journey.press("Continue")
    journey.answer("Is the household affected by domestic abuse?", "Yes")
    journey.press("Continue")
    journey.choose("consent")
    journey.press("Continue")
    page.get_by_text("What the levels of need mean").click()
    journey.choose("referrer_level_of_need-3")
    journey.press("Continue")

    page.locator("#document").set_input_files(
        files=[{"name": "early-help.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    journey.press("Upload file")
    expect(page.locator(".govuk-summary-list__key", has_text="early-help.pdf")).to_be_visible()
    journey.press("Continue")

    expect(
        page.get_by_role("heading", name="Check your answers before sending your referral")
    ).to_be_visible()
    # Markup typed into the worry is shown as the text typed.
    expect(page.get_by_text("Ellis said <b>Mum's partner</b> hit him.")).to_be_visible()
    journey.press("Submit referral")


def the_anonymous_journey(journey: Journey) -> None:
    journey.start()
    journey.answer("Is a child in immediate danger?", "No")
    journey.press("Continue")
    journey.answer("Who is making the referral?", "I want to stay anonymous")
    journey.press("Continue")
    expect(journey.page.locator("#name")).to_have_count(0)
    journey.fill("relationship_to_child", "Neighbour")
    journey.press("Continue")
    journey.fill("first_name", "Sam")
    journey.press("Save and continue")
    journey.answer("Do you need to add another child?", "No")
    journey.press("Continue")
    journey.answer("Do you want to tell us about any adults in the child's life?", "No")
    journey.press("Continue")
    journey.press("Continue")  # the worry is needed
    expect(journey.page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what you are worried about"
    )
    journey.fill("worry", "Shouting every night and a child crying")
    journey.press("Continue")
    journey.press("Continue")
    journey.press("Continue")
    journey.choose("consent-3")  # not asked
    journey.press("Continue")  # a reason is needed
    expect(journey.page.locator(".govuk-error-summary")).to_contain_text(
        "Select why consent was not sought"
    )
    journey.choose("not_sought_reason")
    journey.press("Continue")
    journey.choose("referrer_level_of_need-5")  # I do not know
    journey.press("Continue")
    journey.press("Continue")
    journey.press("Submit referral")


def assert_confirmed(journey: Journey) -> Contact:
    page = journey.page
    expect(page.get_by_role("heading", name="Referral sent")).to_be_visible()
    journey.check()
    reference = page.locator("#reference").inner_text()
    expect(page.locator("#status-code")).not_to_be_empty()
    return Contact.objects.get(reference=reference)


def find_in_inbox(page: Page, live_server, contact: Contact) -> None:
    """A contact officer signs in, finds the new contact in the inbox and opens it."""
    sign_in(page, live_server, UserFactory(role=Role.CONTACT_OFFICER))
    page.goto(f"{live_server.url}/contacts/")
    link = page.get_by_role("link", name=contact.reference)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", name=re.compile(contact.reference))).to_be_visible()


def test_a_professional_refers_two_siblings_and_an_unborn_baby(page, live_server):
    journey = Journey(page, live_server, axe=True)

    the_professional_journey(journey)

    contact = assert_confirmed(journey)
    children = list(contact.children.order_by("id"))
    assert [(child.first_name, child.unborn) for child in children] == [
        ("Ellis", False),
        ("Robin", False),
        ("", True),
    ]
    assert (children[0].gender, children[0].disabilities) == ("male", "HEAR")
    report = contact.reports.get()
    assert report.referrer_agency == "Litherland High School"
    assert report.worry == "Ellis said <b>Mum's partner</b> hit him."
    assert report.attachments.get().content_type == "application/pdf"
    find_in_inbox(page, live_server, contact)
    expect(page.get_by_text("Ellis said <b>Mum's partner</b> hit him.")).to_be_visible()


def test_an_anonymous_member_of_the_public_makes_a_referral(page, live_server):
    journey = Journey(page, live_server, axe=True)

    the_anonymous_journey(journey)

    contact = assert_confirmed(journey)
    report = contact.reports.get()
    assert report.referrer_type == "anonymous"
    assert report.referrer_name == ""
    assert [child.first_name for child in contact.children.all()] == ["Sam"]
    find_in_inbox(page, live_server, contact)


def test_the_form_works_with_javascript_turned_off(page_without_js, live_server):
    journey = Journey(page_without_js, live_server, axe=False)

    the_professional_journey(journey)

    expect(page_without_js.locator("body")).not_to_have_class(re.compile(r"js-enabled"))
    contact = assert_confirmed(journey)
    assert contact.children.count() == 3


def test_the_interruption_page_is_accessible_and_gives_the_numbers(page, live_server):
    journey = Journey(page, live_server, axe=True)
    journey.start()
    journey.answer("Is a child in immediate danger?", "Yes")
    journey.press("Continue")

    expect(page.get_by_role("heading", name="Call us now")).to_be_visible()
    expect(page.get_by_text("call 999").first).to_be_visible()
    journey.fill("phone_reference", "FD-BCDF-GHJK")
    journey.press("I have phoned, continue to the written referral")
    expect(page.get_by_role("heading", name="Who is making the referral?")).to_be_visible()


def test_a_referrer_checks_progress_on_an_accessible_page(page, live_server):
    recorded = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM)
    page.goto(f"{live_server.url}/refer/status/")
    expect(page.get_by_role("heading", name="Check the progress of your referral")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Reference number").fill(recorded.contact.reference)
    page.get_by_label("Status code").fill("not-the-code")
    with page.expect_navigation():
        page.get_by_role("button", name="Check progress").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(re.compile("^We could not find a referral"))
    assert_no_axe_violations(page)

    page.get_by_label("Status code").fill(recorded.status_secret)
    with page.expect_navigation():
        page.get_by_role("button", name="Check progress").click()
    expect(page.locator("#stage")).to_have_text("Received")
    assert_no_axe_violations(page)
