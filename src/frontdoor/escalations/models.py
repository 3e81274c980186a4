"""Escalations of professional disagreement about a front door decision or a meeting's outcome
(R39, R42, R43).

An escalation moves through the council's steps (the policy's `escalation.steps`). Each step
entered is a `StepRecord` with its own clock; each step ends with one `Discussion`, recorded
append-only, that either resolves the disagreement or takes it to the next step.
"""

from django.conf import settings
from django.db import models

from frontdoor.audit.models import AppendOnly
from frontdoor.change_history import HistoricalRecords
from frontdoor.wording import in_sentence


class Method(models.TextChoices):
    """How a discussion was held: the keys of the policy's `escalation.recorded_by` (R42)."""

    TELEPHONE = "telephone", "Telephone"
    FACE_TO_FACE = "face_to_face", "Face to face"
    ONLINE_MEETING = "online_meeting", "Online meeting"
    EMAIL = "email", "E-mail"


class Outcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    ESCALATE = "escalate", "Escalate to the next step"


class Escalation(models.Model):
    """One disagreement with a decision of the front door, from the moment it is raised."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="escalations"
    )
    decision = models.ForeignKey(
        "screening.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    # R39: the outcome of a case discussion or strategy meeting an agency that attended
    # disagrees with; an agency's attendance is what lets it escalate that outcome.
    meeting = models.ForeignKey(
        "mash.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    about = models.TextField()  # what is disagreed with, in the words of who raised it
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The policy's agency key of a partner agency user; blank for the council's own staff.
    raised_by_agency = models.CharField(max_length=60, blank=True)
    raised_at = models.DateTimeField(db_index=True)
    # The steps and their timescales come from this version for the escalation's whole life.
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )
    step = models.PositiveSmallIntegerField(default=1)  # the step it is at, from 1
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)  # the final agreed plan, once resolved
    # A form sent twice carries the same key and opens one escalation (decision 7).
    submission_key = models.CharField(max_length=80, unique=True, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"Escalation {self.pk} on {self.contact}"

    @property
    def reference(self) -> str:
        return f"ESC-{self.pk}"


class StepRecord(models.Model):
    """A step the escalation entered, with the policy's words for it and its clock (R42)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="steps")
    number = models.PositiveSmallIntegerField()
    # The policy's words when the step began: a later policy version must not rename history.
    name = models.CharField(max_length=200)
    who = models.CharField(max_length=300)
    note = models.CharField(max_length=300, blank=True)
    is_last = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)  # None: no timescale
    timescale_words = models.CharField(max_length=100, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["escalation", "number"]
        constraints = [
            # Two people moving the escalation on at once cannot both start the next step.
            models.UniqueConstraint(fields=["escalation", "number"], name="one_record_per_step")
        ]

    def __str__(self) -> str:
        return f"Step {self.number}: {self.name}"

    @property
    def was_late(self) -> bool:
        return bool(self.due_at and self.ended_at and self.ended_at > self.due_at)


class Discussion(AppendOnly):
    """The discussion that ends a step: how it was held, who took part, the agreed plan (R42)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="discussions")
    step = models.PositiveSmallIntegerField()
    held_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=Method.choices)
    participants = models.TextField()
    discussion = models.TextField()
    agreed_plan = models.TextField()  # with its timescales (R42)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["step", "held_at", "id"]
        constraints = [
            # Each step ends once; a second discussion ending the same step is refused.
            models.UniqueConstraint(fields=["escalation", "step"], name="one_discussion_per_step")
        ]

    def __str__(self) -> str:
        return f"Step {self.step} discussion, {in_sentence(self.get_outcome_display())}"
