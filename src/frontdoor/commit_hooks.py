"""Work to do once the current transaction commits, registered once however often it is asked.

A long transaction (loading the demo, an import) queues thousands of e-mails and records
thousands of rows against the policy version; registering the same on-commit work for each ran
it thousands of times at the commit. Django keeps a registered callback only while everything
it was registered in can still commit: a rolled-back savepoint or transaction drops it. So a
callback still registered will run whenever anything written after it (in the same or an
enclosing savepoint) commits, and need not be registered again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, transaction


def pending(func: Callable[[], object], *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether `func` itself is registered to run when the current transaction commits."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return False
    # Django's list of (savepoint ids, callback, robust), from which a rollback removes those
    # it undid.
    return any(entry[1] is func for entry in connection.run_on_commit)


def on_commit_once(func: Callable[[], object], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """`transaction.on_commit(func)`, unless `func` is registered already and still to run."""
    if not pending(func, using=using):
        transaction.on_commit(func, using=using)
