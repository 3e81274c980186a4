"""A revision replaces what the revised decision set in motion (R19, R23, R45), at Sefton and
at Lewisham.

A team's message not yet taken by a sender is taken back and never sent; one that may have left
is followed by a short message saying the decision was revised and the child no longer comes to
them, naming no outcome; and the early help hub's list of children to take drops the child.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.outbox.models import Message
from frontdoor.outbox.services import send_pending
from frontdoor.policy.registry import current_policy
from frontdoor.screening.decisions import record_decision
from frontdoor.screening.revisions import REVISED_KIND
from tests.screening.test_decisions import DECIDED

pytestmark = pytest.mark.django_db

# Each council's words for an assessment and for advice only.
OUTCOMES = {
    "sefton": {"assessment": "child_and_family_assessment", "advice": "information_and_advice"},
    "lewisham": {"assessment": "child_in_need_assessment", "advice": "signposting"},
}
HUB = {"sefton": "early-help-hub@sefton.example", "lewisham": "early-help-hub@lewisham.example"}
DUTY = {
    "sefton": "duty-assessment-manager@sefton.example",
    "lewisham": "duty-assessment-manager@lewisham.example",
}


@pytest.fixture(params=["sefton", "lewisham"])
def council(request, settings):
    settings.FRONTDOOR_COUNCIL = request.param
    return request.param


def _decide(contact, child, by, *, outcome, based_on, hours=0, level=None):
    chosen = current_policy().outcome(outcome)
    return record_decision(
        contact=contact,
        child=child,
        by=by,
        level=level or max(chosen.levels),
        outcome=outcome,
        rationale="Read again with the school's chronology.",
        primary_need="N1" if chosen.becomes_referral else "",
        rag="red" if chosen.effect == "strategy_discussion" else "",
        based_on=based_on,
        now=DECIDED + dt.timedelta(hours=hours),
    )


def _sent():
    """The outbox's sender has taken and sent what was queued."""
    at = DECIDED + dt.timedelta(minutes=30)
    Message.objects.filter(sent_at__isnull=True, withdrawn_at__isnull=True).update(
        claimed_at=at, sent_at=at
    )


def _to(address, **filters):
    return list(Message.objects.filter(to=address, **filters).order_by("id"))


def test_r23_an_early_help_alert_not_yet_sent_is_taken_back(council, contact, manager):
    child = contact.children.first()
    _decide(contact, child, manager, outcome="early_help", based_on=0)
    (alert,) = _to(HUB[council])
    _decide(contact, child, manager, outcome=OUTCOMES[council]["assessment"], based_on=1, hours=1)
    alert.refresh_from_db()
    assert alert.withdrawn_at is not None
    assert not _to(HUB[council], kind=REVISED_KIND)
    send_pending()
    assert not [each for each in mail.outbox if HUB[council] in each.to]
    event = AuditEvent.objects.filter(action="decision.recorded").order_by("id").last()
    assert event.changes["messages_taken_back"] == [HUB[council]]


def test_r23_r45_a_hub_already_told_hears_the_child_no_longer_comes_and_nothing_more(
    council, contact, manager
):
    child = contact.children.first()
    _decide(contact, child, manager, outcome="early_help", based_on=0)
    _sent()
    revision = _decide(contact, child, manager, outcome="strategy_discussion", based_on=1, hours=1)
    alert, notice = _to(HUB[council])
    assert alert.withdrawn_at is None and notice.kind == REVISED_KIND
    assert notice.subject == f"Withdrawn, the decision was revised: {alert.subject}"
    assert f"{child.first_name} no longer comes to you" in notice.body
    # R45: the hub learns only that the child is not theirs, not where the child goes now.
    words = f"{notice.subject} {notice.body}".casefold()
    for detail in (revision.outcome_label, "section 47", "strategy", "level", child.last_name):
        assert detail.casefold() not in words
    # The duty and assessment team manager is alerted of the revision's outcome as ever.
    (duty,) = _to(DUTY[council])
    assert revision.outcome_label in duty.body
    send_pending()
    (sent,) = [each for each in mail.outbox if HUB[council] in each.to]
    assert sent.subject == notice.subject
    event = AuditEvent.objects.filter(action="decision.recorded").order_by("id").last()
    assert event.changes["told_decision_revised"] == [HUB[council]]


def test_r23_a_strategy_discussion_alert_is_taken_back_or_withdrawn_by_a_revision(
    council, contact, manager
):
    first, second = contact.children.order_by("id")
    advice = OUTCOMES[council]["advice"]
    # Not yet sent: taken back.
    _decide(contact, first, manager, outcome="strategy_discussion", based_on=0)
    _decide(contact, first, manager, outcome=advice, based_on=1, hours=1)
    (alert,) = _to(DUTY[council])
    assert alert.withdrawn_at is not None
    # Sent: the duty manager is told it no longer stands.
    _decide(contact, second, manager, outcome="strategy_discussion", based_on=0)
    _sent()
    _decide(contact, second, manager, outcome=advice, based_on=1, hours=1)
    *_, notice = _to(DUTY[council])
    assert notice.kind == REVISED_KIND
    assert f"{second.first_name} no longer comes to you" in notice.body


def test_r23_a_revision_writing_again_to_the_same_team_says_it_replaces_the_first(
    council, contact, manager
):
    child = contact.children.first()
    _decide(contact, child, manager, outcome="strategy_discussion", based_on=0)
    _sent()
    _decide(contact, child, manager, outcome="emergency_legal_action", based_on=1, hours=1)
    first, second = _to(DUTY[council])
    assert not _to(DUTY[council], kind=REVISED_KIND)
    assert second.body.startswith(f"This replaces our message “{first.subject}”")
    assert "Emergency legal action" in second.body


def test_r23_a_notice_not_yet_sent_is_still_owed_after_a_further_revision(
    council, contact, manager
):
    child = contact.children.first()
    _decide(contact, child, manager, outcome="early_help", based_on=0)
    _sent()
    _decide(contact, child, manager, outcome=OUTCOMES[council]["advice"], based_on=1, hours=1)
    # Revised again before the notice left: it is taken back, and the revision owes it.
    _decide(contact, child, manager, outcome=OUTCOMES[council]["assessment"], based_on=2, hours=2)
    alert, withdrawn, notice = _to(HUB[council])
    assert withdrawn.kind == notice.kind == REVISED_KIND
    assert withdrawn.withdrawn_at is not None and notice.withdrawn_at is None
    assert alert.subject in notice.subject
    # Back to early help, the notice having left: the new alert says what it replaces.
    _sent()
    _decide(contact, child, manager, outcome="early_help", based_on=3, hours=3)
    *_, again = _to(HUB[council])
    assert again.kind == "early_help_alert" and not again.body.startswith("This replaces")


def test_r19_the_allocated_worker_and_line_manager_are_told_the_contact_no_longer_comes(
    council, contact, manager, person_for, involvement
):
    child = contact.children.first()
    involvement(
        person_for(child),
        "social_care",
        dt.date(2026, 3, 1),
        allocated_worker="Sam Worker",
        allocated_worker_email="sam.worker@council.example",
        line_manager="Lee Lead",
        line_manager_email="lee.lead@council.example",
        team="Children in Need 2",
    )
    _decide(contact, child, manager, outcome="allocated_worker", based_on=0, level=3)
    _sent()
    _decide(contact, child, manager, outcome=OUTCOMES[council]["assessment"], based_on=1, hours=1)
    for address in ("sam.worker@council.example", "lee.lead@council.example"):
        passed, notice = _to(address)
        assert notice.kind == REVISED_KIND and passed.subject in notice.subject


def test_r20_the_early_help_list_drops_a_child_whose_decision_was_revised(
    council, client, contact, manager, make_user
):
    child = contact.children.first()
    _decide(contact, child, manager, outcome="early_help", based_on=0)
    client.force_login(make_user(Role.EARLY_HELP_WORKER))
    page = client.get(reverse("handoffs:early_help")).content.decode()
    assert child.last_name in page
    _decide(contact, child, manager, outcome=OUTCOMES[council]["assessment"], based_on=1, hours=1)
    page = client.get(reverse("handoffs:early_help")).content.decode()
    assert child.last_name not in page


def test_a_first_decision_withdraws_nothing(council, contact, manager):
    first, second = contact.children.order_by("id")
    _decide(contact, first, manager, outcome="early_help", based_on=0)
    _decide(contact, second, manager, outcome=OUTCOMES[council]["advice"], based_on=0)
    assert not Message.objects.filter(withdrawn_at__isnull=False).exists()
    assert not Message.objects.filter(kind=REVISED_KIND).exists()
