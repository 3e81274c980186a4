"""The partner agency's MASH enquiries through the API: need-to-know as on the pages (R37, R45)."""

from __future__ import annotations

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.mash.models import Opinion
from tests.mash.test_enquiries import send

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    _, token = issue_token(user=user, name="Partner system", by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def police(make_user):
    return make_user(Role.PARTNER_AGENCY, agency_key="police")


def test_a_partner_system_lists_and_reads_only_its_agencys_enquiries(
    client, contact, manager, police, make_user
):
    request = send(contact, manager, agencies=["police"]).requests.get()
    listed = client.get("/api/v1/mash/requests", **auth(police)).json()
    assert [item["id"] for item in listed] == [request.pk]
    detail = client.get(f"/api/v1/mash/requests/{request.pk}", **auth(police)).json()
    assert {person["id"] for person in detail["people"]} >= {f"child-{contact.children.first().pk}"}
    assert detail["referred_by"] == ["A professional from Litherland High School"]
    health = make_user(Role.PARTNER_AGENCY, agency_key="health")
    assert client.get("/api/v1/mash/requests", **auth(health)).json() == []
    assert client.get(f"/api/v1/mash/requests/{request.pk}", **auth(health)).status_code == 404
    assert client.get("/api/v1/mash/requests", **auth(manager)).status_code == 403


def test_a_partner_system_answers_and_a_retry_stores_nothing_new(client, contact, manager, police):
    request = send(contact, manager, agencies=["police"]).requests.get()
    people = [f"child-{child.pk}" for child in contact.children.all()] + [
        f"adult-{adult.pk}" for adult in contact.adults.all()
    ]
    body = {
        "answers": [{"person": person, "nothing_known": True} for person in people],
        "opinion": "Nothing held.",
    }
    headers = {**auth(police), "HTTP_IDEMPOTENCY_KEY": "answer-1"}
    for _ in range(2):
        response = client.post(
            f"/api/v1/mash/requests/{request.pk}/answer",
            body,
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 200, response.content
        assert response.json()["answered_at"] is not None
    assert Opinion.objects.count() == 1
    incomplete = {**body, "answers": body["answers"][:1]}
    again = client.post(
        f"/api/v1/mash/requests/{request.pk}/answer",
        incomplete,
        content_type="application/json",
        **{**auth(police), "HTTP_IDEMPOTENCY_KEY": "answer-2"},
    )
    assert again.status_code == 409


def test_r45_every_portal_route_refuses_another_agency(client, contact, manager, police, make_user):
    """The pages, the export and the API of the partner portal, as a user of another agency."""
    from django.urls import reverse

    request = send(contact, manager, agencies=["police"]).requests.get()
    health = make_user(Role.PARTNER_AGENCY, agency_key="health")
    client.force_login(health)
    assert client.get(reverse("mash:answer", args=[request.pk])).status_code == 404
    answer = {"opinion": "x", "submission_key": "k"}
    assert client.post(reverse("mash:answer", args=[request.pk]), answer).status_code == 404
    assert "No MASH" not in client.get(reverse("mash:requests")).content.decode()
    export = client.get(reverse("mash:requests"), {"format": "csv"}).content.decode()
    assert export.count("\n") == 1  # the header only
    headers = {**auth(health), "HTTP_IDEMPOTENCY_KEY": "k"}
    assert client.get(f"/api/v1/mash/requests/{request.pk}", **headers).status_code == 404
    body = {"answers": [], "opinion": "x"}
    posted = client.post(
        f"/api/v1/mash/requests/{request.pk}/answer",
        body,
        content_type="application/json",
        **headers,
    )
    assert posted.status_code == 404
    assert not Opinion.objects.exists()
    for name in ("mash:enquiries", "mash:briefing"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("mash:review", args=[request.enquiry_id])).status_code == 403
