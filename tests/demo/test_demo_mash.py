"""After load-demo, each MASH page a newcomer visits has something on it, for each demo login.

The suite loads the demo's MASH stories without its weeks of contacts, to stay quick; the stories
are the same either way (`load_demo` adds them with the recent weeks).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from frontdoor.accounts.models import User
from frontdoor.demo.loader import demo_mash_staff, load_demo
from frontdoor.demo.mash import ANSWERS, KEY_PREFIX, demo_requests_for, load_demo_mash
from frontdoor.escalations.models import Escalation
from frontdoor.intake.models import Contact
from frontdoor.mash.models import BriefingAction, Dissent, Enquiry, Meeting, RagReview
from frontdoor.screening.models import Decision

pytestmark = pytest.mark.django_db


def _load() -> None:
    load_demo(weeks=0)
    load_demo_mash(staff=demo_mash_staff())


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module's tests, which only read it, and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        _load()
        yield
        transaction.set_rollback(True)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def page(username: str, url: str, status: int = 200) -> str:
    response = signed_in(username).get(url)
    assert response.status_code == status, (username, url, response.status_code)
    return response.content.decode()


def story(key: str) -> Contact:
    return Contact.objects.get(reports__submission_key=f"{KEY_PREFIX}{key}")


def enquiry_of(key: str) -> Enquiry:
    return Enquiry.objects.get(contact=story(key))


def test_the_demo_mash_is_loaded_once(demo):
    counts = (Enquiry.objects.count(), Meeting.objects.count(), Escalation.objects.count())
    assert load_demo_mash(staff=demo_mash_staff()).stories == 0
    assert (Enquiry.objects.count(), Meeting.objects.count(), Escalation.objects.count()) == counts


def test_r36_the_mash_list_shows_agencies_waiting_answered_late_and_overdue(demo):
    text = page("manager", reverse("mash:enquiries"))
    for state in ("Waiting", "Answered", "Answered late", "Overdue"):
        assert state in text
    # The restricted child's open enquiry shows only whom to ask (R45).
    assert "Restricted record: ask Sam Okafor-Reed" in text
    assert "Notarealle" not in text


def test_r38_the_review_page_shows_partial_answers(demo):
    enquiry = enquiry_of("partial")
    text = page("manager", reverse("mash:review", args=[enquiry.pk]))
    assert escape(ANSWERS["partial"]["police"].mother) in text
    assert "Waiting" in text
    assert enquiry.requests.filter(answered_at__isnull=True).count() == 2


def test_r38_a_final_rag_is_confirmed_and_waits_for_the_decision(demo):
    enquiry = enquiry_of("final-rag")
    assert RagReview.objects.filter(enquiry=enquiry).exists()
    assert enquiry.contact.state == Contact.State.AWAITING_DECISION
    page("manager", reverse("mash:review", args=[enquiry.pk]))


@pytest.mark.parametrize("username", ["police", "health", "school"])
def test_r37_each_demo_partner_has_requests_to_read_and_answer(demo, username):
    partner = User.objects.get(username=username)
    requests = demo_requests_for(partner)
    assert requests
    assert any(request.answered_at is None for request in requests)
    listing = page(username, reverse("mash:requests"))
    visible = [r for r in requests if r.enquiry.contact != story("restricted")]
    for request in visible:
        if request.answered_at is None and request.enquiry.closed_at is None:
            assert reverse("mash:answer", args=[request.pk]) in listing  # waiting for them
        page(username, reverse("mash:answer", args=[request.pk]))


def test_r36_the_police_manager_sees_who_answered_and_what_the_police_still_owe(demo):
    text = page("policemanager", reverse("mash:request_times") + "?days=365")
    owed = text[text.index("What your agency still owes") : text.index("Who answered")]
    answerers = text[text.index("Who answered") : text.index("Answered late, in")]
    assert "Alex Penhallow" in answerers  # the police's user answered the demo's enquiries
    police = User.objects.get(username="police")
    waiting = [r for r in demo_requests_for(police) if r.answered_at is None]
    assert waiting
    for request in waiting:
        if request.enquiry.contact != story("restricted") and request.enquiry.closed_at is None:
            assert reverse("mash:answer", args=[request.pk]) in owed
    page("policemanager", reverse("intake:inbox"), status=403)


def test_r39_r40_the_strategy_meeting_records_a_dissent_and_the_case_discussions(demo):
    strategy = Meeting.objects.get(kind=Meeting.Kind.STRATEGY_MEETING)
    dissent = Dissent.objects.get(meeting=strategy)
    text = page("manager", reverse("mash:meeting", args=[strategy.pk]))
    assert escape(dissent.view) in text
    discussions = Meeting.objects.filter(kind=Meeting.Kind.MASH_CASE_DISCUSSION)
    assert {meeting.held_at is None for meeting in discussions} == {True, False}
    for meeting in discussions:
        page("manager", reverse("mash:meeting", args=[meeting.pk]))


def test_r41_the_briefing_shows_the_exploited_child_and_the_actions_agreed(demo):
    text = page("exploitation", reverse("mash:briefing"))
    assert "Pretendale" in text
    assert "Exploitation risk high" in text
    for action in BriefingAction.objects.all():
        assert escape(action.action) in text


def test_r42_the_escalations_list_an_open_and_a_resolved_one(demo):
    escalations = list(Escalation.objects.all())
    assert len(escalations) == 2
    text = page("manager", reverse("escalations:list"))
    for escalation in escalations:
        assert escalation.contact.reference in text
        page("manager", reverse("escalations:detail", args=[escalation.pk]))


def test_r45_the_restricted_record_shows_only_whom_to_ask(demo):
    contact = story("restricted")
    url = reverse("intake:contact", args=[contact.reference])
    refused = page("manager", url, status=403)
    assert "Restricted record: ask Sam Okafor-Reed" in refused
    assert "Notarealle" not in refused
    assert "Notarealle" in page("service", url)


def test_r17_the_transfer_names_the_receiving_council(demo):
    decision = Decision.objects.get(contact=story("transfer"))
    assert decision.outcome_effect == "transfer_to_council"
    page("manager", reverse("intake:contact", args=[decision.contact.reference]))
