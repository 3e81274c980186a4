"""Recording which version of a policy a computation used (issue: versioning)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models.signals import post_migrate

from frontdoor.commit_hooks import pending
from frontdoor.policy.loader import LoadedPolicy, PolicyError, Problem
from frontdoor.policy.models import PolicyVersion
from frontdoor.policy.registry import current_loaded_policy

# Performance: every contact and decision records the policy version, and looking it up cost a
# query (and the decoding of the whole policy's JSON) on every write. A stored version never
# changes, so each process keeps the rows it has seen, keyed on the database and the file's exact
# content (sha256): a changed file is a new key, looked up and checked against the database again.
_known: dict[tuple[str, str, str, str, str], PolicyVersion] = {}
# Rows read or stored inside a transaction not yet committed, with the callback that keeps them
# once it is: used again while that callback is still to run (`commit_hooks.pending`), which
# is until the savepoint or transaction that read the row is rolled back or commits.
_pending: dict[tuple[str, str, str, str, str], tuple[PolicyVersion, Callable[[], None]]] = {}


def _key(loaded: LoadedPolicy, using: str) -> tuple[str, str, str, str, str]:
    name = str(connections[using].settings_dict["NAME"])
    return (using, name, loaded.id, loaded.version, loaded.sha256)


def _remember_once_committed(key: tuple[str, str, str, str, str], row: PolicyVersion) -> None:
    """Keep `row` once the transaction that read or stored it has committed, never before.

    A row read or stored inside a transaction that is later rolled back (as every test's is)
    may not exist afterwards, so it is kept only when the commit has really happened: outside
    any atomic block. Tests that capture on-commit callbacks run them inside their own
    transaction, so they are not kept either.
    """
    connection = connections[key[0]]

    def remember() -> None:
        if not connection.in_atomic_block:
            _known[key] = row
        if _pending.get(key, (None, None))[1] is remember:
            del _pending[key]

    _pending[key] = (row, remember)
    transaction.on_commit(remember, using=key[0])


def forget_policy_versions(**kwargs: object) -> None:
    """Drop the kept rows: the database was migrated or flushed (as between transactional tests)."""
    _known.clear()
    _pending.clear()


post_migrate.connect(forget_policy_versions, dispatch_uid="frontdoor.policy.versions.forget")


def record_policy_version(loaded: LoadedPolicy, *, using: str = DEFAULT_DB_ALIAS) -> PolicyVersion:
    """The stored version of `loaded`, storing it the first time it is used.

    A file whose content changed but whose `version` did not is refused: past records point at
    the stored version, and silently replacing it would rewrite what they were decided under.
    """
    key = _key(loaded, using)
    if (known := _known.get(key)) is not None:
        return known  # checked when it was first read: same id, version and content
    if (waiting := _pending.get(key)) is not None and pending(waiting[1], using=using):
        return waiting[0]  # read or stored earlier in this transaction, and checked then
    # Without its content: the caller points records at the row, and the content is the file's
    # (checked by its sha256). Read inside a long transaction, such as loading the demo, a row is
    # read again on every write until the commit, and each full copy was kept until then.
    existing = (
        PolicyVersion.objects.using(using)
        .filter(policy_id=loaded.id, version=loaded.version)
        .defer("content")
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic(using=using):
                created = PolicyVersion.objects.using(using).create(
                    policy_id=loaded.id,
                    version=loaded.version,
                    sha256=loaded.sha256,
                    content=loaded.content,
                    source_file=loaded.path.name,
                )
            _remember_once_committed(key, created)
            return created
        except IntegrityError:  # another process stored it first
            existing = PolicyVersion.objects.using(using).get(
                policy_id=loaded.id, version=loaded.version
            )
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
    _remember_once_committed(key, existing)
    return existing


def current_policy_version() -> PolicyVersion:
    """The stored version of the policy this installation serves."""
    return record_policy_version(current_loaded_policy())
