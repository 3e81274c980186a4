"""A contact screened and decided in a real browser (R18, R20, R24, R25, R27, R35).

A MASH social worker matches a reported child to a known child with an open early help
episode, records the indicators and concerns found, and asks for a decision; the MASH manager
rates and decides. axe-core checks each page on the way.
"""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel, Contact
from frontdoor.intake.services import record_contact
from frontdoor.people.models import Involvement, Person
from frontdoor.screening.models import Decision
from tests.browser.conftest import assert_no_axe_violations, record_police_told, sign_in
from tests.intake.factories import make_submission


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).first.click()


def test_a_contact_is_screened_matched_to_a_known_child_rated_and_decided(
    page, live_server, make_user
):
    officer = make_user(Role.CONTACT_OFFICER)
    worker = make_user(Role.MASH_SOCIAL_WORKER, team="MASH")
    manager = make_user(Role.MASH_MANAGER)
    contact = record_contact(
        submission=make_submission(),
        channel=Channel.TELEPHONE,
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        by=officer,
    ).contact
    known = Person.objects.create(
        first_name="Ellis", last_name="Examplechild", date_of_birth=dt.date(2015, 3, 2)
    )
    Involvement.objects.create(
        person=known,
        kind="early_help",
        started_on=dt.date(2026, 6, 1),
        team="Family Wellbeing South",
        source_system="early-help-module",
        external_id="EH-1",
    )
    ellis, robin = contact.children.order_by("id")

    sign_in(page, live_server, worker)
    page.goto(f"{live_server.url}/contacts/{contact.reference}/")
    page.get_by_role("link", name="Screening and decisions").click()
    expect(page.get_by_role("heading", name="Screening and decisions")).to_be_visible()
    _submit(page, "Start screening")
    expect(page.get_by_text("You are screening this contact")).to_be_visible()
    assert_no_axe_violations(page)

    # R18: Ellis is known; link the report to his record.
    page.get_by_role("link", name=f"Find or create the person record for {ellis}").click()
    assert_no_axe_violations(page)
    _submit(page, "This is the same person")
    page.goto(f"{live_server.url}/contacts/{contact.reference}/screening/")
    checks = page.locator(f"#checks-{ellis.pk}")
    expect(checks).to_contain_text("Open to early help")
    expect(checks).to_contain_text("Family Wellbeing South")

    # R27, R28: indicators from the guidance beside the referral's words, and the concern.
    page.get_by_role("link", name=f"Record screening of {ellis}").click()
    expect(
        page.locator(".app-referral-text").get_by_text("Ellis arrived with a bruise")
    ).to_be_visible()
    page.get_by_label("Search the Level of Need guidance").fill("injuries")
    _submit(page, "Save and search")
    expect(page.locator("#result-count")).to_contain_text("found")
    page.locator("#search-results input[type=checkbox]").first.check()
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Screening analysis").fill("Bruise with an account of being hit.")
    page.get_by_role("group", name="Is urgent action needed").get_by_label("No", exact=True).check()
    assert_no_axe_violations(page)
    _submit(page, "Save screening")
    expect(page.locator(f"#criteria-{ellis.pk}")).to_contain_text("physical abuse")
    expect(page.locator(f"#suggested-rag-{ellis.pk}")).not_to_contain_text("Not going to MASH")

    page.get_by_role("link", name=f"Record screening of {robin}").click()
    page.get_by_label("Screening analysis").fill("Robin lives in the same household.")
    _submit(page, "Save screening")
    # R24: physical abuse is a suspected crime: the police are told, and that is recorded.
    expect(page.locator("#police").locator("xpath=following-sibling::*[1]")).to_contain_text(
        "physical abuse"
    )
    record_police_told(page)
    expect(page.get_by_text("The police are recorded as told")).to_be_visible()
    _submit(page, "Ask the manager for a decision")
    expect(page.get_by_text("waiting for the manager's decision")).to_be_visible()

    # R25, R35: the manager rates and decides, with a rationale.
    page.context.clear_cookies()
    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/queues/screening/")
    expect(page.get_by_role("link", name=contact.reference)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=contact.reference).click()
    page.get_by_role("link", name=f"Decide for {ellis}").click()
    expect(page.get_by_text("What screening suggests")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("group", name="Level of Need").get_by_label("Level 4").check()
    page.get_by_role("group", name="RAG rating").get_by_label("Red").check()
    page.get_by_label("Child protection (section 47): strategy discussion").check()
    page.get_by_label("Primary need, when the contact becomes a referral").select_option("N1")
    page.get_by_label("Rationale").fill("A bruise with a disclosure: strategy discussion today.")
    _submit(page, "Record the decision")
    expect(page.get_by_text(f"Decision recorded for {ellis}")).to_be_visible()
    expect(page.locator(f"#child-{ellis.pk}").locator("xpath=..")).to_contain_text(
        "strategy discussion"
    )
    decision = Decision.objects.get(child=ellis)
    assert (decision.level, decision.rag, decision.outcome) == (4, "red", "strategy_discussion")
    assert Contact.objects.get(pk=contact.pk).state == Contact.State.AWAITING_DECISION
