"""The case record sends its involvements through the API, with the file import's rules (R46)."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.audit.models import AuditEvent
from frontdoor.people.models import Involvement
from tests.accounts.api_requests import bearer

pytestmark = pytest.mark.django_db

URL = "/api/v1/involvements"


def _headers(user, *scopes: str) -> dict[str, str]:
    _, token = issue_token(user=user, name="Case record", by=None, scopes=scopes)
    return bearer(token)


def _send(client, headers, rows, source="mosaic"):
    return client.post(
        URL, {"source_system": source, "rows": rows}, content_type="application/json", **headers
    )


CLOSED = {
    "person_id": "M1",
    "last_name": "Examplechild",
    "date_of_birth": "2015-03-02",
    "kind": "social_care",
    "started_on": "2026-01-05",
    "ended_on": "2026-02-20",
    "external_id": "EP-1",
    "closure_reason": "RC8",
    "assessment_authorised_on": "2026-02-10",
}


def test_r46_the_case_record_sends_involvements_and_refused_rows_say_why(client, make_user):
    system = make_user(Role.ADMINISTRATOR)
    headers = _headers(system, "involvements:write")
    response = _send(client, headers, [CLOSED, {**CLOSED, "external_id": "EP-2", "kind": "x"}])
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["rows"], body["created"], body["people_created"]) == (2, 1, 1)
    assert body["refused"] == [
        {"row": 2, "field": "rows.1", "message": body["refused"][0]["message"]},
    ]
    assert "kind 'x' is not known" in body["refused"][0]["message"]
    closed = Involvement.objects.get(external_id="EP-1")
    assert (closed.ended_on, closed.closure_reason) == (dt.date(2026, 2, 20), "RC8")
    event = AuditEvent.objects.get(action="involvements.imported")
    assert event.actor == system and event.changes["through"] == "api"

    # Sent again the next night, changed: updated in place, never doubled.
    again = _send(client, headers, [{**CLOSED, "closure_reason": "RC7"}]).json()
    assert (again["created"], again["updated"]) == (0, 1)
    assert Involvement.objects.get(external_id="EP-1").closure_reason == "RC7"


@pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.PARTNER_AGENCY])
def test_only_the_roles_the_matrix_allows_send_involvements(client, make_user, role):
    extra = {"agency_key": "police"} if role == Role.PARTNER_AGENCY else {}
    response = _send(client, _headers(make_user(role, **extra)), [CLOSED])
    assert response.status_code == 403
    assert not Involvement.objects.exists()


def test_a_token_scoped_to_contacts_cannot_send_involvements(client, make_user):
    system = make_user(Role.ADMINISTRATOR)
    with pytest.raises(Exception, match="contacts:write"):
        _headers(system, "contacts:write")  # a scope of no use to the role is not issued
    response = _send(client, _headers(system, "read"), [CLOSED])
    assert response.status_code == 403


def test_a_body_that_does_not_validate_names_the_field(client, make_user):
    headers = _headers(make_user(Role.ADMINISTRATOR))
    response = _send(client, headers, [CLOSED], source="Mosaic System!")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "source_system"
    assert _send(client, headers, []).status_code == 422
    # A row's field by its path in the body, as a refused row's `field` names the row.
    response = _send(client, headers, [CLOSED, {**CLOSED, "kind": None}])
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["rows.1.kind"]
