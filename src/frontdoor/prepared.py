"""Statements run on every request, which PostgreSQL plans once per connection.

Django's PostgreSQL cursors bind parameters in the client: each statement reaches the server as
new text, to be parsed and planned again. For a fixed statement run on every request that is
waste: a new contact's one statement (`frontdoor.new_rows`) took PostgreSQL 1.2 ms to plan and
0.9 ms to run. Bound on the server instead, psycopg prepares a statement once it has run a couple
of times on a connection (settings: `prepare_threshold`), and PostgreSQL keeps its plan.

The statement is sent with PostgreSQL's own placeholders ($1, $2...), rewritten from `%s` once
per statement here: psycopg rewrites them on every execution for a statement as long as a new
contact's (it caches only short ones), and that was a quarter of the CPU a contact cost.

Only the statements written for this (their SQL fixed, their parameters plain values, no literal
`%`) are run here: server-side binding is not switched on for every query, as some of the ORM's
need client-side binding. Elsewhere (SQLite) it is the usual cursor. Either way it goes through
Django's cursor wrapper, so queries are logged and counted as any other.

What it saves (bench/bench_api.py --in-process 200, Django 5.2, psycopg 3.3, medians of five
runs interleaved, December 2026): a contact cost the app 4.2 ms of CPU on PostgreSQL; through
Django's usual cursor (bound in the client, never prepared) 5.1 ms, 19% more, and PostgreSQL
plans the contact's statement afresh each time. Django's own `server_side_binding: True` came
to 4.6 ms (8% more) and served fewer contacts a second (median 63 against 85, on a machine
loaded by other work); it binds every query the ORM writes on the server, where some ORM
expressions leave PostgreSQL unable to tell a parameter's type ("could not determine data type
of parameter"). With it set, the returns, search, export, escalation, handoff and people tests
passed on PostgreSQL; the rest were not run. This can go once the whole suite passes with that
option and the served benchmark loses no more than about 10%: then set it, run these statements
with `connection.cursor()`, and keep `prepare_threshold`. Django's connection pool changes none
of this (4.3 ms with it, against persistent connections).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import psycopg
from django.db import connections


class _Cursor(psycopg.RawCursor):
    """Server-side binding with PostgreSQL's own placeholders."""


def run_prepared(sql: str, params: Sequence, *, using: str = "default") -> list[tuple]:
    """Run one fixed statement that gives rows (a SELECT, or a write with RETURNING), with `%s`
    for each parameter, and return its rows."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # What `connection.cursor()` does, with a server-binding cursor.
    connection.ensure_connection()
    connection.validate_thread_sharing()
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    # Django wraps the driver's cursor given; the stubs name Django's own wrapper instead.
    with wrap(_Cursor(connection.connection)) as cursor:  # type: ignore[arg-type]
        cursor.execute(_numbered(sql), params)
        return cursor.fetchall()


@lru_cache(maxsize=64)
def _numbered(sql: str) -> str:
    """`sql` with $1, $2... for its `%s` placeholders."""
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("A prepared statement has only %s placeholders, no other %")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]
