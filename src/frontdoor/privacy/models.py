"""Restricted records (R45): a person whose record only named members of staff may open.

A restriction is for a record that must not be read by everyone with the role to read it: a
member of staff's own family, a colleague's neighbour, a protected address. Everyone else still
sees that the record exists and whom to ask (so nobody records a second child by mistake), never
its content. Who may see it is decided here; `people.Person.restricted` says that it is one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Restriction(models.Model):
    """Only the named users may open this person's record and the contacts about them."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="restrictions"
    )
    allowed_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="restrictions_named_on"
    )
    # Whom everyone else asks: a name or a team ("Head of Service, Children's Social Care").
    ask = models.CharField(max_length=200)
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    # A lifted restriction stays on record (and in its history), with who lifted it and when.
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[allowed_users])

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            # One restriction in force per person: the names on it are the whole answer.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_restriction_in_force_per_person",
            )
        ]
        indexes = [models.Index(fields=["person", "lifted_at"], name="restriction_in_force")]

    def __str__(self) -> str:
        return f"Restricted record: ask {self.ask}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class RetentionReview(models.Model):
    """A retention report as it was printed and kept: erasure acts only on a kept report.

    Nothing is erased that a person has not first seen listed (UK GDPR storage limitation, with
    a report before anything is deleted). The references are those due when the report was made;
    erasure checks each again, and records when it ran and who ran it.
    """

    made_at = models.DateTimeField()
    as_of = models.DateField()
    policy_version = models.CharField(max_length=100)
    # {"label": ..., "years": ..., "references": [...]} per group, as printed.
    groups = models.JSONField()
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"Retention review {self.pk} as of {self.as_of:%d/%m/%Y}"

    @property
    def references(self) -> list[str]:
        return [reference for group in self.groups for reference in group["references"]]
