"""The council policies this installation has loaded, and the one it serves.

Every policy file in FRONTDOOR_POLICY_DIR is read and validated once, when the system starts
(`PolicyConfig.ready`); an invalid file stops start-up. Reads here never touch the disk again.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings

from frontdoor.policy.clocks import WorkingCalendar
from frontdoor.policy.councils import serving_council
from frontdoor.policy.loader import LoadedPolicy, PolicyError, Problem, load_policy_dir
from frontdoor.policy.schema import Policy

_loaded: dict[str, LoadedPolicy] | None = None


def load_policies(directory: Path | None = None) -> dict[str, LoadedPolicy]:
    """Read and validate every policy file, replacing what was loaded before."""
    global _loaded
    directory = Path(directory or settings.FRONTDOOR_POLICY_DIR)
    loaded = load_policy_dir(directory)
    council = settings.FRONTDOOR_COUNCIL
    if council not in loaded:
        known = ", ".join(sorted(loaded)) or "none"
        raise PolicyError(
            directory,
            [Problem("FRONTDOOR_COUNCIL", f"no policy file {council}.yaml here (found: {known})")],
        )
    _loaded = loaded
    _calendar.cache_clear()
    return loaded


def loaded_policies() -> dict[str, LoadedPolicy]:
    if _loaded is None:
        return load_policies()
    return _loaded


def get_loaded_policy(policy_id: str) -> LoadedPolicy:
    loaded = loaded_policies()
    try:
        return loaded[policy_id]
    except KeyError:
        known = ", ".join(sorted(loaded_policies()))
        raise LookupError(f"no policy {policy_id!r} is loaded (loaded: {known})") from None


def current_loaded_policy() -> LoadedPolicy:
    """The policy of the council the current request or task serves (`policy.councils`)."""
    return get_loaded_policy(serving_council())


def current_policy() -> Policy:
    return current_loaded_policy().policy


@cache
def _calendar(policy_id: str, sha256: str) -> WorkingCalendar:
    return WorkingCalendar(get_loaded_policy(policy_id).policy.calendar)


def calendar_for(policy: LoadedPolicy) -> WorkingCalendar:
    """The working calendar of a loaded policy, built once."""
    return _calendar(policy.id, policy.sha256)
