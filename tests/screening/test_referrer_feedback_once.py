"""A referrer hears each outcome once (R30), at Lewisham as at Sefton.

A revised decision tells the referrer only when the outcome they hear changes; a referrer who
telephoned and then sent the written referral (R3), two reports of one contact, is told once.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.intake.models import Channel
from frontdoor.intake.services import attach_report
from frontdoor.outbox.models import Message
from frontdoor.policy.registry import current_policy
from frontdoor.screening.decisions import record_decision
from frontdoor.screening.models import FollowUp
from tests.intake.factories import make_submission
from tests.screening.conftest import RECEIVED
from tests.screening.test_decisions import DECIDED

pytestmark = pytest.mark.django_db

# Each council's words for an assessment and for advice only.
OUTCOMES = {
    "lewisham": ("child_in_need_assessment", "signposting"),
    "sefton": ("child_and_family_assessment", "information_and_advice"),
    "sefton-2022": ("child_and_family_assessment", "information_and_advice"),
}


@pytest.fixture(params=["lewisham", "sefton", "sefton-2022"])
def council(request, settings):
    settings.FRONTDOOR_COUNCIL = request.param
    return request.param


def _decide(contact, child, by, *, outcome, based_on, hours=0):
    policy = current_policy()
    chosen = policy.outcome(outcome)
    return record_decision(
        contact=contact,
        child=child,
        by=by,
        level=max(chosen.levels),
        outcome=outcome,
        rationale="Read again with the school's chronology.",
        primary_need="N1" if chosen.becomes_referral else "",
        rag="",
        based_on=based_on,
        now=DECIDED + dt.timedelta(hours=hours),
    )


def _feedback():
    return list(Message.objects.filter(kind="referrer_feedback").order_by("id"))


def _sent():
    """The outbox's sender has taken and sent what was queued."""
    at = DECIDED + dt.timedelta(minutes=30)
    Message.objects.filter(sent_at__isnull=True).update(claimed_at=at, sent_at=at)


def test_r30_a_revision_tells_the_referrer_only_when_the_outcome_changes(council, contact, manager):
    assessment, advice = OUTCOMES[council]
    child = contact.children.first()
    _decide(contact, child, manager, outcome=assessment, based_on=0)
    assert len(_feedback()) == 1
    _sent()
    # The same outcome, read again: nothing new to tell, and nothing left to do.
    _decide(contact, child, manager, outcome=assessment, based_on=1, hours=1)
    assert len(_feedback()) == 1
    kept = FollowUp.objects.get(decision__sequence=2, kind=FollowUp.Kind.REFERRER_FEEDBACK)
    assert kept.done_at is not None and "did not change it" in kept.note
    # A changed outcome is told once, saying what changed.
    _decide(contact, child, manager, outcome=advice, based_on=2, hours=2)
    _sent()
    *_, changed = _feedback()
    assert len(_feedback()) == 2
    assert "the outcome has changed" in changed.subject
    # Back to the assessment: the referrer last heard advice, so it changed again.
    _decide(contact, child, manager, outcome=assessment, based_on=3, hours=3)
    assert len(_feedback()) == 3


def test_r3_r30_a_referrer_who_phoned_then_wrote_is_told_once(council, contact, manager, officer):
    assessment, advice = OUTCOMES[council]
    # The written referral after the call, from the same referrer (R3).
    attach_report(
        contact=contact,
        submission=make_submission(),
        channel=Channel.ONLINE_FORM,
        received_at=RECEIVED + dt.timedelta(hours=2),
        by=officer,
    )
    assert contact.reports.count() == 2
    child = contact.children.first()
    _decide(contact, child, manager, outcome=assessment, based_on=0)
    assert len(_feedback()) == 1
    follow_ups = FollowUp.objects.filter(kind=FollowUp.Kind.REFERRER_FEEDBACK)
    assert follow_ups.count() == 2 and not follow_ups.filter(done_at__isnull=True).exists()
    written = follow_ups.get(report__channel=Channel.ONLINE_FORM)
    assert written.note.startswith("Told with the feedback on their report of")
    assert "pat@school.example" in written.note
    # A revision changing the outcome tells them once too.
    _decide(contact, child, manager, outcome=advice, based_on=1, hours=1)
    assert len(_feedback()) == 2
    assert not FollowUp.objects.open().filter(kind=FollowUp.Kind.REFERRER_FEEDBACK).exists()


def test_r30_two_referrers_are_each_told(council, contact, manager, officer):
    from tests.intake.factories import submission_data

    assessment, _ = OUTCOMES[council]
    other = submission_data()
    other["referrer"] = {**other["referrer"], "name": "Dr Lee", "email": "lee@gp.example"}
    attach_report(
        contact=contact,
        submission=make_submission(referrer=other["referrer"]),
        channel=Channel.ONLINE_FORM,
        received_at=RECEIVED + dt.timedelta(hours=2),
        by=officer,
    )
    _decide(contact, contact.children.first(), manager, outcome=assessment, based_on=0)
    assert sorted(message.to for message in _feedback()) == ["lee@gp.example", "pat@school.example"]


def test_r30_a_revision_takes_back_an_outcome_not_yet_sent(council, contact, manager):
    """A revision replaces what the revised decision set in motion: an outcome still waiting in
    the outbox is taken back, and the referrer hears only the one that stands."""
    assessment, advice = OUTCOMES[council]
    child = contact.children.first()
    _decide(contact, child, manager, outcome=assessment, based_on=0)
    _decide(contact, child, manager, outcome=advice, based_on=1, hours=1)
    first, second = _feedback()
    assert first.withdrawn_at is not None and second.withdrawn_at is None
    assert "changed" not in second.subject and "We told you" not in second.body
    told = FollowUp.objects.get(decision__sequence=1, kind=FollowUp.Kind.REFERRER_FEEDBACK)
    assert "Taken back before it was sent" in told.note
    # The sender sends the one that stands, never the one taken back.
    from frontdoor.outbox.services import send_pending

    send_pending()
    first.refresh_from_db()
    assert first.sent_at is None


def test_r30_an_outcome_a_sender_has_taken_is_not_taken_back(council, contact, manager):
    assessment, advice = OUTCOMES[council]
    child = contact.children.first()
    _decide(contact, child, manager, outcome=assessment, based_on=0)
    Message.objects.update(claimed_at=DECIDED)  # on its way
    _decide(contact, child, manager, outcome=advice, based_on=1, hours=1)
    first, second = _feedback()
    assert first.withdrawn_at is None
    assert "the outcome has changed" in second.subject
