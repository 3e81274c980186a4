"""Queueing and sending the outbox.

A message is queued inside the transaction of what caused it, so it exists exactly when the cause
does. Sending happens afterwards, one message at a time: a sender claims a message (a row lock and
`claimed_at`), sends it, and marks it sent. A message is never sent twice by two senders; a sender
that dies between sending and marking leaves a claim that expires, so at worst that one message is
sent again after `CLAIM_EXPIRES` (the mail server may have taken it): at-least-once, never lost.
A failed send is tried again after `CLAIM_EXPIRES`, up to `MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from frontdoor.outbox.models import Message

log = logging.getLogger(__name__)

CLAIM_EXPIRES = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8


def queue_message(*, key: str, kind: str, to: str, subject: str, body: str) -> Message:
    """Queue one e-mail; queueing the same key again returns the message already queued."""
    message, _ = Message.objects.get_or_create(
        key=key, defaults={"kind": kind, "to": to, "subject": subject, "body": body}
    )
    transaction.on_commit(_wake_sender)
    return message


def _sender_already_waiting() -> bool:
    """A send task queued and not yet started will send this message too: queue no other.

    Without this, a loader committing thousands of messages (the demo's year of history) queues
    thousands of tasks, and the worker's log buries the address `dev.py run` printed.
    """
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path="frontdoor.outbox.tasks.send_outbox", status=TaskResultStatus.READY
    ).exists()


def _wake_sender() -> None:
    from frontdoor.outbox.tasks import send_outbox

    try:
        if _sender_already_waiting():
            return
        send_outbox.enqueue()
    except Exception:  # the scheduled run of send-outbox will pick it up
        log.exception("could not queue the outbox task; messages wait for the next run")


def _claim_next(now: dt.datetime) -> Message | None:
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES))
            .order_by("created_at", "id")
            .first()
        )
        if message is None:
            return None
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["claimed_at", "attempts"])
        return message


def send_pending(*, limit: int = 100) -> int:
    """Send up to `limit` waiting messages; the number sent."""
    sent = 0
    for _ in range(limit):
        now = timezone.now()
        message = _claim_next(now)
        if message is None:
            break
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
            ).send()
        except Exception as error:
            # Kept with the reason; the claim stays, so the next attempt waits CLAIM_EXPIRES
            # rather than spending every attempt against a mail relay that is down now.
            log.warning("outbox message %s not sent: %s", message.pk, error)
            Message.objects.filter(pk=message.pk).update(last_error=str(error))
            continue
        Message.objects.filter(pk=message.pk).update(sent_at=timezone.now(), last_error="")
        sent += 1
    return sent
