"""Requests to the API as a partner system makes them, for the tests of API tokens."""

from __future__ import annotations

from tests.intake.factories import submission_data


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_contact(client, headers: dict[str, str], **extra):
    """POST a new contact with `headers` (a token's, from `bearer`) and any `extra` ones."""
    return client.post(
        "/api/v1/contacts", submission_data(), content_type="application/json", **headers, **extra
    )
