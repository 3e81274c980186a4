from django.conf import settings
from django.db import models

from frontdoor.audit.labels import action_label
from frontdoor.policy.councils import council_field


class AppendOnly(models.Model):
    """A row written once and never changed or deleted: the trail must be trustworthy."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name} entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name} entries are never deleted.")


class AuditEvent(AppendOnly):
    """Something someone did: who, when, what, to which record, and what changed. Never edited."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept as text too, so the trail still reads when an account is renamed.
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The API token the actor acted through, when it was a partner system: what a leaked token
    # did can be listed.
    api_token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The council whose trail it is: the target's when the target names one (a contact, a
    # person), else the council served when it was written (`audit.services.council_of`).
    council = council_field()

    class Meta(AppendOnly.Meta):
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action}"

    @property
    def label(self) -> str:
        """What was done, in words (`audit.labels`), for the pages that show the trail."""
        return action_label(self.action)


class RecordView(AppendOnly):
    """Someone looked at a record about a child or family (the access log)."""

    at = models.DateTimeField(db_index=True)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    # The page, API route or export it was seen through.
    through = models.CharField(max_length=200, blank=True)
    # The API token it was seen through, if any (as for `AuditEvent.api_token`).
    api_token = models.ForeignKey(
        "accounts.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The council whose record was seen (as for `AuditEvent.council`).
    council = council_field()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.viewer_id} viewed {self.target_type} {self.target_id}"
        )
