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


class Council(models.Model):
    """A council this service holds: its records, staff and public form, under its own policy.

    A deployment holds the council of FRONTDOOR_COUNCIL from its first `migrate`; `python -m
    frontdoor add-council POLICY.yaml` adds another (`policy.councils.add_council`). The key is the
    policy file's id, so a council's policy versions are the ones recorded under that id.
    """

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    # The host name the council's pages are served on, if it has its own ("mash.sefton.gov.uk");
    # otherwise they are served under /<key>/ once the service holds more than one council.
    host = models.CharField(max_length=253, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["host"], condition=~models.Q(host=""), name="council_host_unique"
            )
        ]
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name
