"""The outbox: queued with what caused it, sent once, kept when sending fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from frontdoor.outbox.models import Message
from frontdoor.outbox.services import CLAIM_EXPIRES, queue_message, send_pending

pytestmark = pytest.mark.django_db


def queue(key="decision-1-feedback-1", **overrides):
    values = {
        "key": key,
        "kind": "referrer_feedback",
        "to": "pat@school.example",
        "subject": "S",
        "body": "B",
    }
    values.update(overrides)
    return queue_message(**values)


def test_queueing_the_same_key_twice_keeps_one_message():
    first = queue()
    again = queue(body="a retried request")
    assert first.pk == again.pk
    assert Message.objects.count() == 1
    assert Message.objects.get().body == "B"


def test_a_message_is_sent_once():
    queue()
    assert send_pending() == 1
    assert send_pending() == 0
    assert len(mail.outbox) == 1
    message = Message.objects.get()
    assert message.sent_at is not None
    assert message.attempts == 1


def test_a_failed_send_is_kept_with_its_reason_and_tried_again(monkeypatch):
    queue()

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail relay down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    assert send_pending() == 0
    message = Message.objects.get()
    assert message.sent_at is None
    assert "mail relay down" in message.last_error
    assert message.attempts == 1  # one attempt per run, not every attempt at once
    monkeypatch.undo()
    assert send_pending() == 0  # waits before trying again
    Message.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - CLAIM_EXPIRES - dt.timedelta(seconds=1)
    )
    assert send_pending() == 1


def test_a_message_claimed_by_another_sender_is_left_until_the_claim_expires():
    message = queue()
    Message.objects.filter(pk=message.pk).update(claimed_at=timezone.now())
    assert send_pending() == 0
    Message.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - CLAIM_EXPIRES - dt.timedelta(seconds=1)
    )
    assert send_pending() == 1


def test_the_send_outbox_command_says_what_it_sent(capsys):
    queue()
    call_command("send_outbox")
    assert "Sent 1 message." in capsys.readouterr().out


def test_many_messages_committed_wake_one_waiting_sender(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            queue(key=f"decision-{n}-feedback")
    with django_capture_on_commit_callbacks(execute=True):
        queue(key="decision-9-feedback")
    assert DBTaskResult.objects.filter(task_path="frontdoor.outbox.tasks.send_outbox").count() == 1


def test_the_send_task_sends_everything_waiting():
    from frontdoor.outbox.tasks import send_outbox

    for n in range(150):
        queue(key=f"decision-{n}-feedback")
    assert send_outbox.call() == 150
    assert not Message.objects.filter(sent_at__isnull=True).exists()
