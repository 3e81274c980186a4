"""R44: a record with a webhook that may have a hand-off hears, through the outbox, when a revised
decision withdraws it: once, retried until taken, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdoor.audit.models import AuditEvent
from frontdoor.handoffs import delivery, services
from frontdoor.handoffs.models import HandOff
from frontdoor.outbox.models import Channel, Message
from frontdoor.outbox.services import send_pending
from tests.screening.test_decisions import DECIDED, decide

pytestmark = pytest.mark.django_db(transaction=True)


def _withdrawals():
    return Message.objects.filter(kind=services.WITHDRAWN)


def _revise_to_early_help(contact, child, manager):
    decide(contact, child, manager, level=2, outcome="early_help", based_on=1)


def test_r44_a_tried_hand_off_withdrawn_is_announced_once_and_retried(
    contact, manager, lcs_webhook
):
    child = contact.children.first()
    decide(contact, child, manager)
    # Refused: the record may still have kept it (an answer lost is a refusal too).
    assert delivery.deliver_due(DECIDED) == 0
    first = HandOff.objects.get()
    _revise_to_early_help(contact, child, manager)
    first.refresh_from_db()
    assert first.state == HandOff.State.REPLACED

    (message,) = _withdrawals()
    assert (message.channel, message.to, message.about) == (
        Channel.WEBHOOK,
        "lcs",
        contact.reference,
    )
    assert AuditEvent.objects.filter(action="handoff.withdrawn").count() == 1

    lcs_webhook.refuse = 1  # the record is away for the first try
    asked = lcs_webhook.requests
    send_pending()
    message.refresh_from_db()
    assert message.sent_at is None and "503" in message.last_error
    send_pending()  # waiting out its retry
    assert lcs_webhook.requests == asked + 1
    Message.objects.filter(pk=message.pk).update(retry_at=timezone.now() - dt.timedelta(seconds=1))
    send_pending()
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 2
    send_pending()
    assert lcs_webhook.requests == asked + 2  # never twice

    withdrawn = lcs_webhook.received[message.key]
    assert withdrawn["type"] == "handoff.withdrawn"
    assert withdrawn["data"]["id"] == first.pk
    assert withdrawn["data"]["record_system"] == "lcs"
    assert "no longer hands the child to LCS" in withdrawn["data"]["reason"]
    assert lcs_webhook.bad_signatures == 0
    # The early help hand-off goes to its own record; the withdrawn one is never sent again.
    assert delivery.deliver_due(DECIDED + dt.timedelta(hours=1)) == 0
    assert set(lcs_webhook.received) == {message.key}

    # Announcing it again (a retried decision) queues nothing more.
    services.announce_withdrawal(first, by=manager, at=DECIDED)
    assert _withdrawals().count() == 1


def test_r44_a_hand_off_never_tried_is_withdrawn_without_a_message(contact, manager, lcs_webhook):
    child = contact.children.first()
    decide(contact, child, manager)
    _revise_to_early_help(contact, child, manager)
    assert not _withdrawals().exists()


def test_r44_a_hand_off_replaced_for_the_same_record_is_not_withdrawn(
    contact, manager, lcs_webhook
):
    child = contact.children.first()
    decide(contact, child, manager)
    assert delivery.deliver_due(DECIDED) == 0
    decide(contact, child, manager, rationale="Revised after a call.", based_on=1)
    # The revision's hand-off says what it replaces: no withdrawal besides.
    assert not _withdrawals().exists()


def test_r44_a_record_that_pulls_is_told_by_its_accept_not_a_message(
    contact, manager, settings, lcs_webhook
):
    child = contact.children.first()
    decide(contact, child, manager)
    assert delivery.deliver_due(DECIDED) == 0  # tried while the record had a webhook
    settings.HANDOFF_WEBHOOKS = {}
    _revise_to_early_help(contact, child, manager)
    assert not _withdrawals().exists()
