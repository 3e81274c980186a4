"""Every answer under /api/ is JSON in the API's one shape for refusals, {"message": ...},
whichever part of Front Door refuses: Django before any view, django-ninja, or a fault."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(make_user) -> dict[str, str]:
    _, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="Police", by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def client() -> Client:
    # Faults are answered as in production, not raised into the test.
    return Client(raise_request_exception=False)


def refusal(response, status: int) -> str:
    """The message of an answer in the API's shape for refusals, with `status`."""
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message"}
    assert body["message"]
    return body["message"]


def test_a_body_larger_than_the_api_accepts_is_413(client, partner, settings):
    body = b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/api/v1/contacts", body, content_type="application/json", **partner)
    assert "larger than the 2.5 MB" in refusal(response, 413)


@pytest.mark.parametrize("method", ["options", "put", "delete", "patch"])
def test_a_method_an_operation_does_not_take_is_405_with_those_it_does(client, partner, method):
    response = getattr(client, method)("/api/v1/contacts", **partner)
    message = refusal(response, 405)
    assert response["Allow"] == "POST"
    assert response["X-Content-Type-Options"] == "nosniff"  # the site's headers are kept
    assert f"{method.upper()} is not allowed here: use POST" in message


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v2/contacts", "/api/", "/api"])
def test_an_unknown_address_under_the_api_is_404(client, path):
    message = refusal(client.get(path), 404)
    assert "/api/v1/openapi.json" in message


def test_a_request_refused_before_any_view_is_400(client):
    # Django refuses a host it does not serve before any view runs.
    response = client.get("/api/v1/openapi.json", HTTP_HOST="front-door.example.com")
    refusal(response, 400)


def test_a_fault_is_500_and_tells_nothing_of_it(client, partner):
    with mock.patch(
        "frontdoor.accounts.tokens.user_for_token", side_effect=RuntimeError("secret detail")
    ):
        response = client.get("/api/v1/contacts/FD-B2C3-D4F5", **partner)
    message = refusal(response, 500)
    assert "secret detail" not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert "logged" in message


def test_the_database_away_before_the_view_is_503_with_when_to_retry(client, partner):
    # The session, read from the database by the middleware, fails before the API's view runs.
    client.cookies["sessionid"] = "a" * 32
    with mock.patch.object(SessionStore, "load", side_effect=OperationalError("shutting down")):
        response = client.post("/api/v1/contacts", {}, content_type="application/json", **partner)
    assert "nothing was recorded" in refusal(response, 503)
    assert response["Retry-After"] == "30"


def test_pages_outside_the_api_are_still_pages(client):
    response = client.options("/accounts/login/")
    assert response.status_code == 200
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_openapi_document_lists_413_wherever_a_body_is_taken(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, methods in paths.items():
        for method, operation in methods.items():
            statuses = operation["responses"]
            assert ("413" in statuses) == ("requestBody" in operation), f"{method} {path}"
    too_large = paths["/api/v1/contacts"]["post"]["responses"]["413"]
    assert too_large["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Message"
    }


def test_the_unavailable_page_carries_the_nonce_its_scripts_need(client):
    # Rendered without the context processors (the database is away), but with the request.
    client.cookies["sessionid"] = "a" * 32
    with mock.patch.object(SessionStore, "load", side_effect=OperationalError("shutting down")):
        response = client.get("/accounts/login/")
    assert response.status_code == 503
    nonce = re.search(r'<script type="module" nonce="([^"]+)"', response.content.decode())[1]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
