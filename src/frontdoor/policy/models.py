from django.db import models


class PolicyVersion(models.Model):
    """A policy as it was when something was first computed from it (ARCHITECTURE decision 3).

    Records that depend on a policy point here, so a new version of a file never changes what a past
    record was decided under. A version is immutable: the same id and version with different content
    is refused (see `policy.versions.record_policy_version`).
    """

    policy_id = models.CharField(max_length=60)
    version = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64)
    content = models.JSONField()
    source_file = models.CharField(max_length=255)
    first_loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy_id", "version"], name="policy_version_unique")
        ]
        ordering = ["policy_id", "first_loaded_at"]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.version}"
