"""A hand-off of one routed child to a council case record, and each attempt to deliver it (R44)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from frontdoor.audit.models import AppendOnly


class HandOff(models.Model):
    """What the case record needs of one child the front door routed to it (docs/handoff.md).

    Made in the decision's transaction. At most one hand-off is in force for a child and an
    outcome: a decision revised before delivery replaces the pending one; one revised after
    delivery makes an amendment that names the hand-off it amends.
    """

    class Kind(models.TextChoices):
        HANDOFF = "handoff", "Hand-off"
        AMENDMENT = "amendment", "Amendment"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be delivered"
        FAILING = "failing", "Failing"
        DEAD = "dead", "Stopped after repeated failures"
        DELIVERED = "delivered", "Delivered"
        ACCEPTED = "accepted", "Accepted"
        REPLACED = "replaced", "Replaced before delivery"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HANDOFF)
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.WAITING, db_index=True
    )
    decision = models.ForeignKey(
        "screening.Decision", on_delete=models.PROTECT, related_name="handoffs"
    )
    contact = models.ForeignKey("intake.Contact", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        "intake.ReportedChild", on_delete=models.PROTECT, related_name="handoffs"
    )
    outcome = models.CharField(max_length=60)  # the policy's outcome key
    effect = models.CharField(max_length=40)
    record_system = models.CharField(max_length=40)  # a key of the policy's record systems
    record_system_name = models.CharField(max_length=200)
    amends = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When a revised decision replaced it before it was delivered (state `replaced`).
    replaced_at = models.DateTimeField(null=True, blank=True)
    # Whether a person named is restricted (R45): the hand-off then goes to the record only.
    restricted = models.BooleanField(default=False)
    payload_version = models.CharField(max_length=10)
    payload = models.JSONField()
    # How the sharing is lawful (R12-R16, R45): a statutory duty, or consent (read from
    # screening's records by the disclosure log) when the basis is empty.
    lawful_basis = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(db_index=True)
    # The pull API's cursor: numbered from `HandOffSequence` in the transaction that makes the
    # hand-off, which holds the counter's row until it commits, so the numbers become visible
    # in the order they were given and a poller's cursor never passes one still to come.
    sequence = models.BigIntegerField(unique=True, null=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When a run last probed the record with this failing hand-off (not counted as a try), so
    # that probes are spaced as the first retry is.
    probed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_how = models.CharField(max_length=20, blank=True)  # "webhook" or "pull"
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Who took it: the record system's account, or the early help worker who took it (R20).
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "outcome"],
                condition=Q(kind="handoff") & ~Q(state="replaced"),
                name="handoff_once_per_child_and_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} of {self.child} to {self.record_system_name}"

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None

    @property
    def withdrawn(self) -> bool:
        """Replaced before it was delivered by a revision that no longer hands the child to this
        record (R44): no hand-off to the same record took its place, so the record is told it
        is withdrawn, and the contact page says so. One replaced by a hand-off to the same
        record is not withdrawn: that one says it `replaces` it."""
        if self.state != self.State.REPLACED:
            return False
        successor = self.replaced_by
        return successor is None or successor.record_system != self.record_system

    @property
    def child_not_linked(self) -> bool:
        """The child is not yet linked to a person record: the early help record's identifier
        waits on the hand-off until a worker links them (R20, R44). The early help lists and
        the child's own page both say so from this."""
        return self.child.person_id is None


class HandOffSequence(models.Model):
    """The one row counting hand-offs for the pull API's cursor (docs/handoff.md).

    Taking a number updates this row, so the transaction that took it holds the row's lock
    until it commits or rolls back; the next number is given only after that. A number is
    therefore never seen before every smaller one is committed (or given up).
    """

    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Hand-offs numbered to {self.last}"


class IdentifierCorrection(AppendOnly):
    """An accepted hand-off's identifier corrected by whoever took it: the earlier value kept,
    with why (R20, R44)."""

    handoff = models.ForeignKey(HandOff, on_delete=models.PROTECT, related_name="corrections")
    was = models.CharField(max_length=100)
    now = models.CharField(max_length=100)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["handoff", "at", "id"]

    def __str__(self) -> str:
        return f"Hand-off {self.handoff_id}: {self.was} corrected to {self.now}"


class DeliveryAttempt(AppendOnly):
    """One try at delivering a hand-off to its record's webhook: the delivery log."""

    handoff = models.ForeignKey(HandOff, on_delete=models.PROTECT, related_name="deliveries")
    number = models.PositiveIntegerField()  # 1 for the first try
    at = models.DateTimeField()
    url = models.CharField(max_length=500)
    message_id = models.CharField(max_length=100)
    status_code = models.PositiveIntegerField(null=True, blank=True)  # None: no answer
    succeeded = models.BooleanField()
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["handoff", "number", "id"]

    def __str__(self) -> str:
        return f"Delivery {self.number} of hand-off {self.handoff_id}"
