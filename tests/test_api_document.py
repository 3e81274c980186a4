"""What the API's document (/api/v1/openapi.json, shown at /api/v1/docs) says to its users."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db

# The domain's rule numbers ("(R25)", "(R11: ...", "R12-R16", "R1, R2"): the developers' numbering,
# which the partner systems' developers reading the document do not have.
RULE_NUMBER = re.compile(r"\(R\d{1,2}|\bR\d{1,2}[,:\N{EN DASH}-]")


def test_the_api_document_says_no_rule_number(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    text = json.dumps(response.json(), ensure_ascii=False)
    found = sorted(
        {text[max(match.start() - 40, 0) : match.end()] for match in RULE_NUMBER.finditer(text)}
    )
    assert found == []


def test_the_api_document_still_describes_its_operations_and_shapes(client):
    text = json.dumps(client.get("/api/v1/openapi.json").json(), ensure_ascii=False)
    assert "Record a contact from its first report." in text
    assert "Who is telling us; a non-professional's identity is protected." in text
