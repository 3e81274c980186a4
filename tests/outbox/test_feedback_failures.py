"""R30: a referrer's feedback that could not be delivered is to be done again, by phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.audit.models import AuditEvent
from frontdoor.outbox.models import Delivery, Message
from frontdoor.outbox.services import (
    CLAIM_EXPIRES,
    MAX_ATTEMPTS,
    check_deliveries,
    send_pending,
    undelivered,
)
from frontdoor.screening.models import FollowUp
from tests.screening.conftest import contact, make_contact, officer  # noqa: F401
from tests.screening.test_decisions import decide

from .test_notify import due_again, notify  # noqa: F401

pytestmark = pytest.mark.django_db


def test_r30_a_permanent_failure_of_the_feedback_reopens_its_follow_up(
    notify,  # noqa: F811
    client,
    contact,  # noqa: F811
    manager,
):
    decide(contact, contact.children.first(), manager)
    feedback = FollowUp.objects.get(kind=FollowUp.Kind.REFERRER_FEEDBACK)
    assert feedback.done_at is not None
    assert send_pending() >= 1
    message = Message.objects.get(kind="referrer_feedback")
    notify.set_status(message.provider_id, "permanent-failure")
    assert check_deliveries() >= 1
    feedback.refresh_from_db()
    assert feedback.done_at is None
    assert "could not be delivered: the address or number does not exist" in feedback.note
    assert AuditEvent.objects.filter(action="follow_up.reopened").exists()
    # The staff see it open, to be done by phone.
    client.force_login(manager)
    page = client.get(reverse("screening:contact", args=[contact.reference])).content.decode()
    assert "could not be delivered" in page and "Record as done" in page


def test_r30_a_delivered_feedback_stays_done(notify, contact, manager):  # noqa: F811
    decide(contact, contact.children.first(), manager)
    send_pending()
    message = Message.objects.get(kind="referrer_feedback")
    notify.set_status(message.provider_id, "delivered")
    check_deliveries()
    assert FollowUp.objects.get(kind=FollowUp.Kind.REFERRER_FEEDBACK).done_at is not None


def test_r30_feedback_given_up_after_repeated_refusals_reopens_its_follow_up(
    notify,  # noqa: F811
    contact,  # noqa: F811
    manager,
):
    decide(contact, contact.children.first(), manager)
    message = Message.objects.get(kind="referrer_feedback")
    # Notify refuses each try as it documents: a wrong key, too many requests, its own fault.
    notify.refuse_next = [403, 429, 500, 503] * MAX_ATTEMPTS
    for _ in range(MAX_ATTEMPTS):
        assert send_pending() == 0
        due_again(message)
    message.refresh_from_db()
    assert message.attempts == MAX_ATTEMPTS and message.sent_at is None
    assert message.delivery == Delivery.GAVE_UP
    assert list(undelivered(about=contact.reference, kind="referrer_feedback")) == [message]
    feedback = FollowUp.objects.get(kind=FollowUp.Kind.REFERRER_FEEDBACK)
    assert feedback.done_at is None
    assert "could not be delivered: it could not be sent after repeated tries" in feedback.note
    assert AuditEvent.objects.filter(action="follow_up.reopened").count() == 1
    assert send_pending() == 0  # given up: not tried again until an administrator asks
    assert notify.sent() == []


def test_r30_feedback_whose_sender_stopped_during_its_last_try_reopens_its_follow_up(
    contact,  # noqa: F811
    manager,
):
    """A sender that stopped (a restart) between claiming the last try and recording it leaves
    a message no sender takes again: it is given up like any other once the claim expires."""
    decide(contact, contact.children.first(), manager)
    message = Message.objects.get(kind="referrer_feedback")
    Message.objects.filter(pk=message.pk).update(
        attempts=MAX_ATTEMPTS,
        claimed_at=timezone.now() - CLAIM_EXPIRES - dt.timedelta(seconds=1),
        last_error="connection reset",
    )
    send_pending()
    message.refresh_from_db()
    assert message.delivery == Delivery.GAVE_UP and message.sent_at is None
    assert FollowUp.objects.get(kind=FollowUp.Kind.REFERRER_FEEDBACK).done_at is None
