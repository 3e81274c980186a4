"""A cursor for statements run on every request, which PostgreSQL plans once per connection.

Django's PostgreSQL cursors bind parameters in the client: each statement reaches the server as
new text, to be parsed and planned again. For a fixed statement run on every request that is
waste: a new contact's one statement (`frontdoor.new_rows`) took PostgreSQL 1.2 ms to plan and
0.9 ms to run. Bound on the server instead, psycopg prepares a statement once it has run a few
times on a connection, and PostgreSQL keeps its plan.

Only the statements written for this (their SQL fixed, their parameters plain values) use it:
server-side binding is not switched on for every query, as some of the ORM's need client-side
binding. Elsewhere (SQLite) it is the usual cursor. Either way it is Django's cursor wrapper, so
queries are logged and counted as any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.backends.utils import CursorWrapper


@contextmanager
def prepared_cursor(using: str = "default") -> Iterator[CursorWrapper]:
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What `connection.cursor()` does, with the server-binding cursor class.
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        yield cursor
