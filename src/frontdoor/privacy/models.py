"""Retention reviews as printed and kept (UK GDPR storage limitation).

A restriction on a person's record (R45) is about the person: `people.models.Restriction`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
