"""The outbox: queued with what caused it, sent once, kept when sending fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from frontdoor.outbox.models import Message
from frontdoor.outbox.services import (
    CLAIM_EXPIRES,
    MAX_ATTEMPTS,
    gave_up,
    queue_message,
    send_pending,
)

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
    Message.objects.filter(pk=message.pk).update(retry_at=timezone.now() - dt.timedelta(seconds=1))
    assert send_pending() == 1


def test_each_failure_waits_twice_as_long_and_the_sender_gives_up_after_the_last(monkeypatch):
    message = queue()

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail relay down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        before = timezone.now()
        assert send_pending() == 0
        message.refresh_from_db()
        waits.append(round((message.retry_at - before).total_seconds() / 60))
        Message.objects.filter(pk=message.pk).update(retry_at=before)  # the wait has passed
    assert waits == [1, 2, 4, 8, 16, 32, 64]
    assert send_pending() == 0  # the last: given up, with no wait before another
    message.refresh_from_db()
    assert message.retry_at is None and message.delivery == "gave-up"
    assert list(gave_up()) == [message]
    monkeypatch.undo()
    assert send_pending() == 0  # given up: nothing tries it again by itself


def test_an_administrator_sees_what_was_not_sent_and_sends_it_again(client, make_user):
    from frontdoor.accounts.roles import Role
    from frontdoor.audit.models import AuditEvent

    message = queue(to="lost@school.example")
    Message.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS, last_error="550 no user")
    client.force_login(make_user(Role.ADMINISTRATOR))
    page = client.get("/outbox/").content.decode()
    assert "lost@school.example" in page and "550 no user" in page
    # It holds text messages too: it is not titled for e-mail alone.
    assert "<title>Messages not sent" in page and ">Messages not sent</h1>" in page
    assert "E-mail not sent" not in page
    answer = client.post(f"/outbox/{message.pk}/send-again/", follow=True).content.decode()
    assert "will be tried again now" in answer
    assert send_pending() == 1
    assert AuditEvent.objects.filter(action="outbox.sent_again").exists()
    assert "lost@school.example" not in client.get("/outbox/").content.decode()


def test_only_an_administrator_opens_the_outbox(client, make_user):
    from frontdoor.accounts.roles import Role

    client.force_login(make_user(Role.MASH_MANAGER))
    assert client.get("/outbox/").status_code == 403


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


def wake_ups(callbacks) -> int:
    return sum(1 for callback in callbacks if callback.__name__ == "_wake_sender")


def test_messages_queued_in_one_transaction_wake_the_sender_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        for n in range(3):
            queue(key=f"decision-{n}-feedback")
    assert wake_ups(callbacks) == 1


def test_a_message_queued_after_a_rolled_back_one_still_wakes_the_sender(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue(key="decision-1-feedback")
            raise RuntimeError("undone")
        queue(key="decision-2-feedback")
    assert wake_ups(callbacks) == 1
    assert list(Message.objects.values_list("key", flat=True)) == ["decision-2-feedback"]


def test_the_send_task_sends_everything_waiting():
    from frontdoor.outbox.tasks import send_outbox

    for n in range(150):
        queue(key=f"decision-{n}-feedback")
    assert send_outbox.call() == 150
    assert not Message.objects.filter(sent_at__isnull=True).exists()
