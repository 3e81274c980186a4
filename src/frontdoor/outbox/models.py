"""Messages the front door sends: written first, in the same transaction as what caused them."""

from django.db import models

from frontdoor.policy.councils import council_field


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"
    # To a case record's webhook (`to` is the record system's key): sent by the sender the
    # hand-offs register for it (`senders.add_channel_sender`).
    WEBHOOK = "webhook", "Webhook to a case record"


class Delivery(models.TextChoices):
    """What the sending service last said of a message after taking it (GOV.UK Notify's statuses).

    The Django mail backend says nothing after taking a message, so its messages stay blank.
    """

    # The labels say what happened, to follow "could not be delivered: ".
    SENDING = "sending", "it is being sent"
    DELIVERED = "delivered", "it was delivered"
    # Notify: the address or number does not exist, or the provider refused it for good.
    PERMANENT_FAILURE = "permanent-failure", "the address or number does not exist"
    # Notify: the inbox was full or the phone off for 72 hours; Notify has stopped trying.
    TEMPORARY_FAILURE = "temporary-failure", "the inbox was full or the phone was off for 3 days"
    # Notify: a fault between Notify and its provider; the message did not leave.
    TECHNICAL_FAILURE = "technical-failure", "GOV.UK Notify could not pass it on"
    # Refused before sending (a number that is not a mobile, an address Notify will not take).
    REFUSED = "refused", "the address or number was refused when it was sent"
    # Front Door: every try to hand it to the sending service failed (Notify answered 403, 429
    # or 5xx, or nothing; the mail relay was down); the sender stopped trying.
    GAVE_UP = "gave-up", "it could not be sent after repeated tries"


FAILED = (
    Delivery.PERMANENT_FAILURE,
    Delivery.TEMPORARY_FAILURE,
    Delivery.TECHNICAL_FAILURE,
    Delivery.REFUSED,
    Delivery.GAVE_UP,
)
FINAL = (Delivery.DELIVERED, *FAILED)


class Message(models.Model):
    """One e-mail or text message to send. Its key makes queueing idempotent: the same event never
    queues twice, and it is the reference the sending service keeps, so a send is never repeated.
    """

    # What caused the message, e.g. "decision-41-referrer-feedback-7": unique, so a retried
    # decision or task cannot queue a second copy.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=60)
    # What the message is about, if anything: a contact's reference, so the contact's page can
    # say when a message about it could not be delivered.
    about = models.CharField(max_length=40, blank=True, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # An e-mail address, or a mobile number for a text message.
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a sender takes the message, so two senders never both send it.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a failed send, not tried again before this (the wait doubles with each failure).
    retry_at = models.DateTimeField(null=True, blank=True)
    # The sending service's own id for the message (GOV.UK Notify's notification id), and what it
    # last said of its delivery; a failure there is final and shown where the message came from.
    provider_id = models.CharField(max_length=64, blank=True)
    delivery = models.CharField(max_length=30, choices=Delivery.choices, blank=True)
    delivery_checked_at = models.DateTimeField(null=True, blank=True)
    # How many times it was sent again after Notify's technical failure (the message never left
    # Notify): each re-send is looked up by its reference first, so it is never sent twice.
    resent_after_failure = models.PositiveSmallIntegerField(default=0)
    # Taken back before any sender took it (`withdraw_unsent`): what it said no longer stands, and
    # it is never sent.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The council whose work queued it: its administrators alone see it and send it again.
    council = council_field()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"

    @property
    def undelivered(self) -> bool:
        return self.delivery in FAILED
