"""Who takes a message from the outbox: Django's mail backend, or GOV.UK Notify; a message to a
case record's webhook, the sender the hand-offs register for that channel.

`FRONTDOOR_OUTBOX_SENDER` chooses between the first two. Each sender raises `Refused` for a
message that can never be sent as it stands (Notify's 400: a number that is not a mobile, an
address it will not take), and any other exception for a failure worth trying again.

GOV.UK Notify takes a `reference` with each message but does not refuse a second message with the
same one, so a send that failed uncertainly (a timeout, a 500: Notify may have taken it) is never
simply repeated: before sending a message again the Notify sender asks Notify for a message with
that message's key as its reference, and if Notify has one, takes that as the send. One Notify
marked `technical-failure` never left Notify and is not a send: it is sent again (`services`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage

from frontdoor.outbox.models import Channel, Delivery, Message

# Notify's statuses, as its API documents them, in Front Door's words. "created", "sending" and
# "pending" mean Notify is still trying; the failures are final.
NOTIFY_STATUSES = {
    "created": Delivery.SENDING,
    "sending": Delivery.SENDING,
    "pending": Delivery.SENDING,
    "sent": Delivery.DELIVERED,  # an international text message: Notify hears nothing more
    "delivered": Delivery.DELIVERED,
    "permanent-failure": Delivery.PERMANENT_FAILURE,
    "temporary-failure": Delivery.TEMPORARY_FAILURE,
    "technical-failure": Delivery.TECHNICAL_FAILURE,
}


class Refused(Exception):
    """The sending service refused the message for good: trying again would fail the same way."""


@dataclass(frozen=True)
class Sent:
    provider_id: str = ""
    delivery: str = ""


class Sender(Protocol):
    def send(self, message: Message) -> Sent: ...

    def delivery(self, message: Message) -> str: ...


class DjangoMailSender:
    """E-mail through Django's mail backend (files under var/, memory in tests, or SMTP)."""

    def send(self, message: Message) -> Sent:
        if message.channel != Channel.EMAIL:
            raise Refused("Text messages are sent through GOV.UK Notify, and none is set up.")
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
        ).send()
        return Sent()

    def delivery(self, message: Message) -> str:
        return message.delivery  # a mail relay says nothing more once it has taken a message


def notify_template(kind: str, channel: str) -> str:
    """The Notify template for a kind of message: its own if the settings name one, else the
    generic template of its channel (e-mail: ((subject)) and ((body)); text message: ((body)))."""
    templates = settings.FRONTDOOR_NOTIFY_TEMPLATES
    template = templates.get(f"{kind}.{channel}") or templates.get(channel)
    if not template:
        raise Refused(f"No GOV.UK Notify template is set for {channel} messages.")
    return template


def _notify_error(error: Any) -> str:
    """Notify's errors as it documents them: {"status_code": 400, "errors": [{"error":
    "ValidationError", "message": "phone_number Not a UK mobile number"}]}."""
    response = getattr(error, "response", None)
    try:
        errors = response.json()["errors"]  # type: ignore[union-attr]  # None fails into the except below
        said = "; ".join(f"{e['error']}: {e['message']}" for e in errors)
    except Exception:
        said = str(error)
    status = getattr(error, "status_code", None)
    return f"GOV.UK Notify answered {status}: {said}" if status else said


class NotifySender:
    """E-mail and text messages through GOV.UK Notify, the message's key as Notify's reference."""

    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            settings.FRONTDOOR_NOTIFY_API_KEY,
            base_url=settings.FRONTDOOR_NOTIFY_BASE_URL,
            timeout=20,
        )

    def _already_sent(self, message: Message) -> dict | None:
        """The message Notify already has with this message's key as its reference, if any. One
        that ended in a technical failure never left Notify, so it does not count: that is the
        case where the message is sent again."""
        found = self.client.get_all_notifications(reference=message.key)
        for notification in found.get("notifications") or []:
            if NOTIFY_STATUSES.get(notification.get("status", "")) != Delivery.TECHNICAL_FAILURE:
                return notification
        return None

    def send(self, message: Message) -> Sent:
        from notifications_python_client.errors import HTTPError

        try:
            # A first attempt cannot have reached Notify; any later one (or one an administrator
            # asked for after a failure) may follow a send Notify took without Front Door hearing.
            tried_before = message.attempts > 1 or bool(message.last_error)
            earlier = self._already_sent(message) if tried_before else None
            if earlier is not None:
                return Sent(earlier["id"], NOTIFY_STATUSES.get(earlier["status"], ""))
            template = notify_template(message.kind, message.channel)
            if message.channel == Channel.SMS:
                answer = self.client.send_sms_notification(
                    phone_number=message.to,
                    template_id=template,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=message.key,
                )
            else:
                answer = self.client.send_email_notification(
                    email_address=message.to,
                    template_id=template,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=message.key,
                )
        except HTTPError as error:
            # 400 (BadRequestError, ValidationError) will fail the same way again; 403 (AuthError,
            # a wrong key), 429 (RateLimitError, TooManyRequestsError) and 5xx are tried again.
            if error.status_code == 400:
                raise Refused(_notify_error(error)) from error
            raise RuntimeError(_notify_error(error)) from error
        return Sent(answer["id"], Delivery.SENDING)

    def delivery(self, message: Message) -> str:
        from notifications_python_client.errors import HTTPError

        try:
            answer = self.client.get_notification_by_id(message.provider_id)
        except HTTPError as error:
            raise RuntimeError(_notify_error(error)) from error
        return NOTIFY_STATUSES.get(answer["status"], message.delivery)


# The senders of the channels an app above the outbox sends itself, by channel: the hand-offs'
# webhook to a case record, registered from their AppConfig.ready.
_CHANNEL_SENDERS: dict[str, Sender] = {}


def add_channel_sender(channel: str, channel_sender: Sender) -> None:
    _CHANNEL_SENDERS[channel] = channel_sender


def sender_for(message: Message, default: Sender) -> Sender:
    """Who sends `message`: its channel's own sender, or `default` (`sender`)."""
    return _CHANNEL_SENDERS.get(message.channel, default)


def sender() -> Sender:
    """The sender the settings choose."""
    if settings.FRONTDOOR_OUTBOX_SENDER == "notify":
        return NotifySender()
    return DjangoMailSender()
