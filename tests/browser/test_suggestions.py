"""Suggestions from the referral's words on a child's screening page, in a real browser, with and
without JavaScript (R27, R34): the phrases are marked, each suggestion links to its phrase, and
one button accepts or rejects it. axe-core checks the page."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.screening.models import ChildScreening, SuggestionResponse
from tests.browser.conftest import assert_no_axe_violations, sign_in
from tests.intake.factories import make_submission

CONCERN = {
    "worry": "Ellis came to school with a bruise on his cheek and said Mum's partner hit him with "
    "a belt last night. Police were called to a domestic incident at the house at the weekend.",
    "working_well": "Ellis attends school every day.",
    "immediate_protection_needed": "no",
    "domestic_abuse": "yes",
}


def _screen_with_suggestions(page: Page, live_server, make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    worker = make_user(Role.MASH_SOCIAL_WORKER, team="MASH")
    contact = record_contact(
        submission=make_submission(concern=CONCERN),
        channel=Channel.TELEPHONE,
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        by=officer,
    ).contact
    ellis = contact.children.order_by("id").first()
    sign_in(page, live_server, worker)
    page.goto(f"{live_server.url}/contacts/{contact.reference}/screening/children/{ellis.pk}/")
    expect(page.get_by_role("heading", name="Suggested from the referral's words")).to_be_visible()
    suggestions = page.locator("#suggested-indicators > li")
    expect(suggestions.first).to_be_visible()
    # Each suggestion links to its phrase, marked in the referral's words.
    link = suggestions.first.locator("a[href^='#phrase-']").first
    target = link.get_attribute("href")
    assert page.locator(f"mark{target}").count() == 1
    link.click()
    assert page.url.endswith(target)
    assert_no_axe_violations(page)
    return ellis, suggestions


def test_a_worker_accepts_and_rejects_suggestions_with_javascript(page, live_server, make_user):
    ellis, suggestions = _screen_with_suggestions(page, live_server, make_user)
    with page.expect_navigation():
        suggestions.first.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Suggestion accepted and added to the screening")).to_be_visible()
    assert len(ChildScreening.objects.get(child=ellis).indicators) == 1
    with page.expect_navigation():
        suggestions.nth(1).get_by_role("button", name="Not relevant").click()
    expect(page.get_by_text("Suggestion recorded as not relevant")).to_be_visible()
    assert SuggestionResponse.objects.filter(child=ellis).count() == 2
    assert_no_axe_violations(page)


def test_a_worker_accepts_a_suggestion_without_javascript(page_without_js, live_server, make_user):
    ellis, suggestions = _screen_with_suggestions(page_without_js, live_server, make_user)
    with page_without_js.expect_navigation():
        suggestions.first.get_by_role("button", name="Accept").click()
    expect(page_without_js.get_by_text("Suggestion accepted")).to_be_visible()
    assert len(ChildScreening.objects.get(child=ellis).indicators) == 1


def _answering_keeps_what_was_typed(page: Page, live_server, make_user) -> None:
    ellis, suggestions = _screen_with_suggestions(page, live_server, make_user)
    page.get_by_label("Screening analysis").fill("Typed before answering")
    page.get_by_label("Neglect").check()
    page.get_by_label("Yes", exact=True).check()
    with page.expect_navigation():
        suggestions.nth(1).get_by_role("button", name="Not relevant").click()
    expect(
        page.get_by_text("Suggestion recorded as not relevant, and your changes")
    ).to_be_visible()
    expect(page.get_by_label("Screening analysis")).to_have_value("Typed before answering")
    page.get_by_label("Screening analysis").fill("Typed again")
    with page.expect_navigation():
        suggestions.first.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Suggestion accepted and added to the screening")).to_be_visible()
    screening = ChildScreening.objects.get(child=ellis)
    assert screening.analysis == "Typed again"
    assert screening.concerns == ["neglect"] and screening.urgent_action_needed == "yes"
    assert len(screening.indicators) == 1
    expect(page.get_by_label("Screening analysis")).to_have_value("Typed again")
    # Enter in the search box searches, as it did before the suggestions' buttons joined the form.
    page.get_by_label("Search the Level of Need guidance").fill("belt")
    with page.expect_navigation():
        page.get_by_label("Search the Level of Need guidance").press("Enter")
    expect(page.locator("#result-count")).to_be_visible()
    assert SuggestionResponse.objects.filter(child=ellis).count() == 2
    assert_no_axe_violations(page)


def test_answering_a_suggestion_keeps_what_the_worker_typed(page, live_server, make_user):
    _answering_keeps_what_was_typed(page, live_server, make_user)


def test_answering_keeps_what_was_typed_without_javascript(page_without_js, live_server, make_user):
    _answering_keeps_what_was_typed(page_without_js, live_server, make_user)
