"""Recording which version of a policy a computation used (issue: versioning)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from frontdoor.policy.loader import LoadedPolicy, PolicyError, Problem
from frontdoor.policy.models import PolicyVersion
from frontdoor.policy.registry import current_loaded_policy


def record_policy_version(loaded: LoadedPolicy) -> PolicyVersion:
    """The stored version of `loaded`, storing it the first time it is used.

    A file whose content changed but whose `version` did not is refused: past records point at
    the stored version, and silently replacing it would rewrite what they were decided under.
    """
    existing = PolicyVersion.objects.filter(policy_id=loaded.id, version=loaded.version).first()
    if existing is None:
        try:
            with transaction.atomic():
                return PolicyVersion.objects.create(
                    policy_id=loaded.id,
                    version=loaded.version,
                    sha256=loaded.sha256,
                    content=loaded.content,
                    source_file=loaded.path.name,
                )
        except IntegrityError:  # another process stored it first
            existing = PolicyVersion.objects.get(policy_id=loaded.id, version=loaded.version)
    if existing.sha256 != loaded.sha256:
        raise PolicyError(
            loaded.path,
            [
                Problem(
                    "version",
                    f"version {loaded.version} is already on record with different content; "
                    "give the changed file a new version so past records keep the policy they "
                    "were decided under",
                )
            ],
        )
    return existing


def current_policy_version() -> PolicyVersion:
    """The stored version of the policy this installation serves."""
    return record_policy_version(current_loaded_policy())
