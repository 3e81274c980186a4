"""`run_prepared`: fixed statements run on every request, prepared on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdoor.prepared import _numbered, run_prepared

pytestmark = pytest.mark.django_db


def test_placeholders_become_postgresqls_own_numbered_ones():
    assert _numbered("SELECT %s, %s FROM t WHERE a = %s") == "SELECT $1, $2 FROM t WHERE a = $3"
    assert _numbered("SELECT 1") == "SELECT 1"


def test_a_statement_with_a_literal_percent_is_refused():
    with pytest.raises(ValueError, match="no other %"):
        _numbered("SELECT %s WHERE name LIKE 'a%'")


def test_a_statement_gives_its_rows_and_is_logged_like_any_other():
    with CaptureQueriesContext(connection) as queries:
        rows = run_prepared("SELECT %s, %s", [7, "seven"])
    assert [tuple(row) for row in rows] == [(7, "seven")]
    assert len(queries.captured_queries) == 1
