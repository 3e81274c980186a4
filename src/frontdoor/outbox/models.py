"""Messages the front door sends: written first, in the same transaction as what caused them."""

from django.db import models


class Message(models.Model):
    """One e-mail to send. Its key makes queueing idempotent: the same event never queues twice."""

    # What caused the message, e.g. "decision-41-referrer-feedback-7": unique, so a retried
    # decision or task cannot queue a second copy.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=60)
    to = models.EmailField()
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

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"
