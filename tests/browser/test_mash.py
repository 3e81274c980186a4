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
from frontdoor.screening.models import Decision
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.intake.factories import make_submission


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).first.click()


def _answer(page: Page, live_server, partner, child, opinion: str) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, partner)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="MASH").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=str(child)).click()
    expect(page.get_by_text("Why the MASH is asking")).to_be_visible()
    expect(page.get_by_text("Pat Referrer")).to_have_count(0)
    for label in page.get_by_label("Nothing known").all():
        label.check()
    page.get_by_label("Your agency's professional opinion").fill(opinion)
    assert_no_axe_violations(page)
    _submit(page, "Send your answer")
    expect(page.get_by_text("Your agency's answer was sent to the MASH")).to_be_visible()


def test_an_amber_enquiry_is_answered_by_two_agencies_and_reviewed(page, live_server, make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    manager = make_user(Role.MASH_MANAGER)
    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    health = make_user(Role.PARTNER_AGENCY, agency_key="health")
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
    # Nothing is shared by default (R45): the manager ticks the agencies whose answers are needed.
    for agency in page.locator("input[name=agencies]").all():
        expect(agency).not_to_be_checked()
    page.get_by_label("Merseyside Police").check()
    page.get_by_label("Health", exact=True).check()
    page.get_by_role("group", name="RAG rating").get_by_label("Amber").check()
    _submit(page, "Continue")
    expect(page.get_by_text("Sefton Early Help")).to_have_count(0)
    assert_no_axe_violations(page)
    _submit(page, "Send the enquiry")
    expect(page.get_by_text(f"MASH enquiry sent for {ellis}")).to_be_visible()

    _answer(page, live_server, police, ellis, "Two call-outs this year.")

    # Health is still within its time: the manager reads the partial answers (R38).
    page.context.clear_cookies()
    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/mash/")
    page.get_by_role("link", name=f"Review the answers about {ellis}").click()
    expect(page.get_by_text("Two call-outs this year.")).to_be_visible()
    health_answer = page.locator("section.app-answer", has_text="Health")
    expect(health_answer.get_by_text("Waiting")).to_be_visible()
    expect(health_answer.get_by_text("No answer yet.")).to_be_visible()
    assert_no_axe_violations(page)

    _answer(page, live_server, health, ellis, "Missed health appointments.")

    page.context.clear_cookies()
    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/mash/")
    page.get_by_role("link", name=f"Review the answers about {ellis}").click()
    expect(page.get_by_text("Two call-outs this year.")).to_be_visible()
    expect(page.get_by_text("Missed health appointments.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("group", name="Final RAG").get_by_label("Red").check()
    page.get_by_label("Why").fill("The police hold more than the referral said.")
    _submit(page, "Confirm the final RAG")
    expect(page.get_by_role("heading", name=f"Decision for {ellis}")).to_be_visible()
    assert RagReview.objects.get().rag == "red"

    # The confirmed Red leads to a section 47 strategy discussion, offered as the outcome (R38).
    strategy = page.get_by_role("group", name="Outcome").get_by_label(
        "Child protection (section 47): strategy discussion"
    )
    expect(strategy).to_be_checked()
    expect(
        page.get_by_role("group", name="RAG rating", exact=False).get_by_label("Red")
    ).to_be_checked()
    page.get_by_role("group", name="Level of Need").get_by_label("Level 4").check()
    page.get_by_label("Primary need, when the contact becomes a referral").select_option("N1")
    page.get_by_label("Rationale").fill("Red after the police answer: a strategy discussion today.")
    assert_no_axe_violations(page)
    _submit(page, "Record the decision")
    expect(page.get_by_text(f"Decision recorded for {ellis}")).to_be_visible()
    decision = Decision.objects.get(child=ellis)
    assert decision.outcome == "strategy_discussion"


def test_a_strategy_meeting_ends_without_consensus_and_the_dissent_is_recorded(
    page, live_server, make_user
):
    officer = make_user(Role.CONTACT_OFFICER)
    manager = make_user(Role.MASH_MANAGER)
    contact = record_contact(
        submission=make_submission(),
        channel=Channel.TELEPHONE,
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        by=officer,
    ).contact

    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/contacts/{contact.reference}/screening/")
    page.get_by_role("link", name="Arrange a meeting").click()
    page.get_by_label("Strategy meeting").check()
    page.get_by_label("When it is held").fill(
        (dt.datetime.now() - dt.timedelta(minutes=30)).strftime("%d/%m/%Y %H:%M")
    )
    page.get_by_label("Who attends for Sefton Children's Social Care").fill("Sam Social")
    page.get_by_label("Who attends for Merseyside Police").fill("PC Lee")
    page.get_by_label("Who attends for Health").fill("Nurse Khan")
    assert_no_axe_violations(page)
    _submit(page, "Arrange the meeting")
    # Early help (for education) is required in Sefton: refused without the chair's reason.
    # The summary links to the box to fill in, where the message is repeated.
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Not invited: Sefton Early Help")).to_be_visible()
    expect(page.locator("#id_invite-early_help-error")).to_contain_text("Not invited")
    page.get_by_label("Who attends for Sefton Early Help (representing Education)").fill("Ed Help")
    _submit(page, "Arrange the meeting")
    expect(page.get_by_role("heading", name="Strategy meeting")).to_be_visible()
    assert_no_axe_violations(page)

    # Held after the concerns were recorded, which was a moment ago (R40).
    page.get_by_label("When it was held").fill(dt.datetime.now().strftime("%d/%m/%Y %H:%M"))
    for box in page.get_by_label("attended").all():
        box.check()
    page.get_by_label("Agreed analysis of needs and parenting capacity").fill("Mother overwhelmed.")
    page.get_by_label("The intervention required").fill("Section 47 enquiry.")
    page.get_by_label("The plan of action").fill("Joint visit today.")
    page.get_by_role("group", name="Outcome").get_by_label(
        "Child protection (section 47): strategy discussion"
    ).check()
    page.get_by_role("group", name="Did everyone agree?").get_by_label(
        "No: the chair decided"
    ).check()
    page.get_by_label("Who disagreed").first.fill("PC Lee, Merseyside Police")
    page.get_by_label("Their view").first.fill("No crime is disclosed: an assessment is enough.")
    _submit(page, "Record the meeting")
    expect(page.get_by_text("The meeting is recorded")).to_be_visible()
    expect(page.get_by_text("no consensus: the chair decided")).to_be_visible()
    expect(page.get_by_text("No crime is disclosed: an assessment is enough.")).to_be_visible()
    assert_no_axe_violations(page)
