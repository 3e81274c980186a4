"""The suite's PostgreSQL database as production runs it: row-level security on, and the app
connected as the tables' owner, neither superuser nor BYPASSRLS (frontdoor.policy.row_security).

CI connects as the superuser `postgres`, which passes every policy; so every connection to the
suite's database takes the role `frontdoor_owner` (made here, owning the tables) at once.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from frontdoor.policy.row_security import raise_walls

OWNER = "frontdoor_owner"

_suite_database: str | None = None
# Whether the suite's connections take the role (other processes of a test do the same).
OWNER_TAKEN = False


def _take_role(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "postgresql" and connection.settings_dict["NAME"] == _suite_database:
        with connection.connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {OWNER}")


def run_as_table_owner(connection: BaseDatabaseWrapper) -> None:
    global _suite_database, OWNER_TAKEN
    raise_walls(connection)
    with connection.cursor() as cursor:
        # Roles belong to the whole server: another suite may be making it at the same time.
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {OWNER} NOLOGIN NOSUPERUSER NOBYPASSRLS; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
        # Some tests make a database of their own (a restored backup), as an app owner may.
        cursor.execute(f"ALTER ROLE {OWNER} CREATEDB")
        cursor.execute(f"GRANT ALL ON SCHEMA public TO {OWNER}")
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE "{table}" OWNER TO {OWNER}')
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'S' "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')"
        )
        for (sequence,) in cursor.fetchall():
            cursor.execute(f'ALTER SEQUENCE "{sequence}" OWNER TO {OWNER}')
        cursor.execute(f"SET ROLE {OWNER}")
    _suite_database = connection.settings_dict["NAME"]
    OWNER_TAKEN = True
    connection_created.connect(_take_role)
