"""Queueing and sending the outbox.

A message is queued inside the transaction of what caused it, so it exists exactly when the cause
does. Sending happens afterwards, one message at a time: a sender claims a message (a row lock and
`claimed_at`), sends it, and marks it sent. A message is never sent twice by two senders; a sender
that dies between sending and marking leaves a claim that expires, so at worst that one message is
sent again after `CLAIM_EXPIRES` (the mail server may have taken it): at-least-once, never lost.
A failed send is tried again after a wait that doubles with each failure (`retry_delay`), up to
`MAX_ATTEMPTS` times; then the sender gives up on it, which is recorded as a failure like any other
(`_record_failure`: a referrer not told shows on the contact, and its follow-up is reopened), and
the administrators' outbox page lists it with its error until someone sends it again
(`send_again`).

The sender is Django's mail backend or GOV.UK Notify (`senders`, chosen by the settings). Notify
says later whether a message arrived: `check_deliveries` asks it, and a message that failed for
good (a wrong address or number, refused when sent or bounced after) is recorded as undelivered so
whatever caused it can say so where people look: a referrer not told shows on the contact, and
the failure listeners hear of it (screening reopens the follow-up to tell the referrer). A message
Notify could not pass on (its `technical-failure`: it never left Notify) is sent again, looked up
by its reference first so that it is never sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.commit_hooks import on_commit_once
from frontdoor.errors import DomainError
from frontdoor.outbox.models import FAILED, FINAL, Channel, Delivery, Message
from frontdoor.outbox.senders import Refused, sender, sender_for
from frontdoor.policy.clocks import time_in_words
from frontdoor.policy.councils import of_served_council
from frontdoor.policy.row_security import every_council

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

log = logging.getLogger(__name__)

CLAIM_EXPIRES = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=2)


# How many times a message Notify could not pass on (a technical failure) is sent again.
MOST_RESENDS = 2

# Apps above the outbox hear of each message that will never reach its recipient, from their
# AppConfig.ready (screening reopens a referrer's feedback, to be phoned instead): called in the
# transaction that records the failure.
_FAILURE_LISTENERS: list[Callable[[Message], object]] = []


def add_failure_listener(listener: Callable[[Message], object]) -> None:
    if listener not in _FAILURE_LISTENERS:
        _FAILURE_LISTENERS.append(listener)


def _record_failure(message: Message, **fields) -> None:
    """Record that `message` will never be delivered, and tell the listeners: the one way every
    final failure goes, whether Notify refused it (400), it failed after it was taken, or every
    try to send it failed (`Delivery.GAVE_UP`)."""
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(**fields)
        message.refresh_from_db()
        for listener in _FAILURE_LISTENERS:
            listener(message)


def _give_up(message: Message, *, error: Exception, delivery: str) -> None:
    """The sender stops trying `message`, refused for good or failed at its last attempt."""
    _record_failure(
        message,
        last_error=str(error),
        claimed_at=None,
        retry_at=None,
        attempts=MAX_ATTEMPTS,
        delivery=delivery,
        delivery_checked_at=timezone.now(),
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed send: 1, 2, 4... minutes, at most 2 hours.

    Eight attempts span about two hours: long enough to ride out a mail relay's restart, short
    enough that an administrator hears of a real fault the same morning.
    """
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def messages_of_served_council() -> QuerySet[Message]:
    """The messages the council served queued: what its administrators see and send again."""
    return Message.objects.filter(of_served_council())


def gave_up() -> QuerySet[Message]:
    """The council's messages the sender stopped trying: each failed `MAX_ATTEMPTS` times."""
    return messages_of_served_council().filter(
        sent_at__isnull=True, withdrawn_at__isnull=True, attempts__gte=MAX_ATTEMPTS
    )


def failing() -> QuerySet[Message]:
    """The council's messages not yet sent whose last attempt failed, the sender still trying."""
    return (
        messages_of_served_council()
        .filter(sent_at__isnull=True, withdrawn_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .exclude(last_error="")
    )


@transaction.atomic
def send_again(*, message: Message, by: User) -> Message:
    """An administrator asks for a message the sender gave up on to be tried afresh."""
    require(by, "outbox.manage")
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.sent_at is not None:
        raise DomainError(f"This message was sent at {time_in_words(message.sent_at)}.")
    attempts = message.attempts
    message.attempts = 0
    message.retry_at = None
    message.claimed_at = None
    if message.delivery == Delivery.GAVE_UP:  # tried afresh: not given up any more
        message.delivery = ""
    message.save(update_fields=["attempts", "retry_at", "claimed_at", "delivery"])
    audit.record(
        actor=by,
        action="outbox.sent_again",
        target=message,
        changes={"kind": message.kind, "attempts": [attempts, 0]},
        reason=message.last_error,
    )
    on_commit_once(_wake_sender)
    return message


def queue_message(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    body: str,
    channel: str = Channel.EMAIL,
    about: str = "",
) -> Message:
    """Queue one e-mail (or text message, to a mobile number); queueing the same key again returns
    the message already queued."""
    message, _ = Message.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "to": to,
            "subject": subject,
            "body": body,
            "channel": channel,
            "about": about,
        },
    )
    on_commit_once(_wake_sender)
    return message


def withdraw_unsent(key: str) -> bool:
    """Take back the message queued under `key` if no sender has taken it yet (a revised
    decision's outcome replaces the one not yet sent); whether it was taken back. One a sender
    has taken may be on its way, and stands."""
    with transaction.atomic():
        withdrawn = Message.objects.filter(
            key=key,
            sent_at__isnull=True,
            claimed_at__isnull=True,
            withdrawn_at__isnull=True,
        ).update(withdrawn_at=timezone.now())
    return withdrawn > 0


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
    # outbox.tasks imports this module (the task runs send_pending), so the task is looked up here.
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
            .filter(sent_at__isnull=True, withdrawn_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_EXPIRES))
            .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
            .order_by("created_at", "id")
            .first()
        )
        if message is None:
            return None
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["claimed_at", "attempts"])
        return message


def _give_up_abandoned(now: dt.datetime) -> None:
    """Messages whose sender stopped (a restart) during their last try: no sender takes them
    again, so once the claim expires they are given up like any other."""
    abandoned = Message.objects.filter(
        sent_at__isnull=True,
        withdrawn_at__isnull=True,
        attempts__gte=MAX_ATTEMPTS,
        delivery="",
        claimed_at__lt=now - CLAIM_EXPIRES,
    )
    for message in abandoned[:100]:
        _give_up(
            message,
            error=RuntimeError(
                f"The sender stopped during the last try, after: {message.last_error or 'none'}"
            ),
            delivery=Delivery.GAVE_UP,
        )


def send_pending(*, limit: int = 100) -> int:
    """Send up to `limit` waiting messages, every council's; the number sent.

    One queue sends for every council, in a task, a command or a regular job that serves no
    request: it reads and marks every council's messages (`policy.row_security.every_council`).
    """
    with every_council():
        return _send_pending(limit=limit)


def _send_pending(*, limit: int) -> int:
    sent = 0
    through = sender()
    _give_up_abandoned(timezone.now())
    for _ in range(limit):
        now = timezone.now()
        message = _claim_next(now)
        if message is None:
            break
        try:
            taken = sender_for(message, through).send(message)
        except Refused as error:
            # Sending again would be refused again: given up at once, and shown as undelivered.
            log.warning("outbox message %s refused: %s", message.pk, error)
            _give_up(message, error=error, delivery=Delivery.REFUSED)
            continue
        except Exception as error:
            # Kept with the reason; the next attempt waits longer each time rather than spending
            # every attempt against a mail relay that is down now. The last attempt gives up.
            log.warning("outbox message %s not sent: %s", message.pk, error)
            if message.attempts >= MAX_ATTEMPTS:
                _give_up(message, error=error, delivery=Delivery.GAVE_UP)
                continue
            Message.objects.filter(pk=message.pk).update(
                last_error=str(error),
                claimed_at=None,
                retry_at=timezone.now() + retry_delay(message.attempts),
            )
            continue
        fields = {
            "sent_at": timezone.now(),
            "last_error": "",
            "provider_id": taken.provider_id,
            "delivery": taken.delivery,
        }
        if taken.delivery in FAILED:  # found by its reference, already failed for good
            _record_failure(message, **fields)
        else:
            Message.objects.filter(pk=message.pk).update(**fields)
        sent += 1
    return sent


# Notify keeps a message's status for 7 days; after that there is nothing more to ask.
DELIVERY_KNOWN_FOR = dt.timedelta(days=7)


def check_deliveries(*, limit: int = 200) -> int:
    """Ask the sending service what became of messages sent lately, every council's (as
    `send_pending`); the number now known to have failed. A message is asked about until its
    delivery is final or Notify has forgotten it."""
    with every_council():
        return _check_deliveries(limit=limit)


def _check_deliveries(*, limit: int) -> int:
    now = timezone.now()
    waiting = (
        Message.objects.filter(sent_at__gte=now - DELIVERY_KNOWN_FOR)
        .exclude(provider_id="")
        .exclude(delivery__in=FINAL)
        .order_by("delivery_checked_at", "sent_at")[:limit]
    )
    through = sender()
    failed = 0
    for message in waiting:
        try:
            delivery = through.delivery(message)
        except Exception as error:  # asked again at the next run
            log.warning("delivery of outbox message %s not known: %s", message.pk, error)
            continue
        if delivery == Delivery.TECHNICAL_FAILURE and message.resent_after_failure < MOST_RESENDS:
            _send_again_after_technical_failure(message)
            continue
        if delivery in FAILED:
            log.warning("outbox message %s not delivered: %s", message.pk, delivery)
            _record_failure(message, delivery=delivery, delivery_checked_at=timezone.now())
            failed += 1
        else:
            Message.objects.filter(pk=message.pk).update(
                delivery=delivery, delivery_checked_at=timezone.now()
            )
    return failed


def _send_again_after_technical_failure(message: Message) -> None:
    """Notify could not pass the message on: it never left, so it is sent again, at once.

    It goes back to the outbox with its error shown; the sender looks it up by its reference
    first (`senders.NotifySender`), and takes any send Notify has that did not fail so, so a
    message is never sent twice. After `MOST_RESENDS` it is shown as not delivered.
    """
    log.warning("outbox message %s: technical failure at Notify; sending it again", message.pk)
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        sent_at=None,
        claimed_at=None,
        retry_at=None,
        provider_id="",
        delivery="",
        delivery_checked_at=now,
        attempts=0,
        last_error="GOV.UK Notify could not pass it on (a technical failure): sending it again.",
        resent_after_failure=F("resent_after_failure") + 1,
    )
    on_commit_once(_wake_sender)


def undelivered(*, about: str, kind: str) -> QuerySet[Message]:
    """The messages of a kind about something (a contact's reference) that will never reach
    their recipient, the oldest first."""
    return Message.objects.filter(about=about, kind=kind, delivery__in=FAILED).order_by(
        "created_at", "id"
    )
