"""R44: a record system that polls reads its hand-offs in order and accepts them."""

from __future__ import annotations

import importlib

import pytest

from frontdoor.accounts.permissions import can
from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.handoffs.models import HandOff
from frontdoor.people.models import ExternalIdentifier
from tests.accounts.api_requests import bearer
from tests.screening.test_decisions import decide

pytestmark = pytest.mark.django_db

URL = "/api/v1/handoffs"


def _headers(user, *scopes: str, record_system: str = "lcs") -> dict[str, str]:
    receives = can(user, "handoffs.receive") and (not scopes or "handoffs:receive" in scopes)
    _, token = issue_token(
        user=user,
        name="LCS",
        by=None,
        scopes=scopes,
        record_system=record_system if receives else "",
    )
    return bearer(token)


def test_r44_the_record_pulls_in_order_and_accepts_with_its_own_id(
    client, make_contact, manager, record_system, person_for
):
    children = []
    for _ in range(2):
        contact = make_contact()
        child = contact.children.first()
        person_for(child)
        decide(contact, child, manager)
        children.append(child)
    headers = _headers(record_system, "handoffs:receive")
    response = client.get(URL, {"limit": 1}, **headers)
    assert response.status_code == 200, response.content
    page = response.json()
    (first,) = page["items"]
    assert first["version"] == "1" and first["record_system"] == "lcs"
    response = client.get(URL, {"after": page["next_after"]}, **headers)
    (second,) = response.json()["items"]
    assert second["id"] > first["id"]
    last = client.get(URL, {"after": page["next_after"]}, **headers).json()["next_after"]
    assert client.get(URL, {"after": last}, **headers).json()["items"] == []
    # Listed is not delivered: the record has not taken it yet.
    assert HandOff.objects.get(pk=first["id"]).state == HandOff.State.WAITING

    response = client.post(
        f"{URL}/{first['id']}/accept",
        {"external_id": "123456"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    person = children[0].person
    assert ExternalIdentifier.objects.get(person=person).external_id == "123456"
    again = client.post(
        f"{URL}/{first['id']}/accept",
        {"external_id": "999"},
        content_type="application/json",
        **headers,
    )
    assert again.status_code == 409


def test_r44_the_schema_is_published(client, record_system):
    response = client.get(f"{URL}/schema", **_headers(record_system, "read"))
    assert response.status_code == 200
    assert response.json()["properties"]["version"]["const"] == "1"
    document = client.get("/api/v1/openapi.json").json()
    assert "HandOffPayload" in str(document["components"]["schemas"])


def test_r44_a_partner_agencys_token_reads_and_accepts_nothing(client, contact, manager, make_user):
    decide(contact, contact.children.first(), manager)
    handoff = HandOff.objects.get()
    partner = make_user(Role.PARTNER_AGENCY)
    headers = _headers(partner)
    assert client.get(URL, **headers).status_code == 403
    response = client.post(
        f"{URL}/{handoff.pk}/accept",
        {"external_id": "1"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    handoff.refresh_from_db()
    assert handoff.state == HandOff.State.WAITING


def test_r44_another_scope_is_refused_and_an_unknown_id_is_not_found(client, make_user):
    system = make_user(Role.ADMINISTRATOR)
    assert client.get(URL, **_headers(system, "involvements:write")).status_code == 403
    response = client.post(
        f"{URL}/99999/accept",
        {"external_id": "1"},
        content_type="application/json",
        **_headers(system, "handoffs:receive"),
    )
    assert response.status_code == 404


def test_r45_a_restricted_childs_hand_off_goes_to_the_record_only(
    client, contact, manager, record_system, person_for
):
    child = contact.children.first()
    person = person_for(child)
    person.restricted = True
    person.save(update_fields=["restricted"])
    decide(contact, child, manager)
    (item,) = client.get(URL, **_headers(record_system, "handoffs:receive")).json()["items"]
    assert item["restricted"] is True
    assert client.get(URL, **_headers(manager)).status_code == 403


def test_the_payloads_parts_keep_their_own_names_in_the_document(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    # The reports' Child is intake's, not the hand-off's child.
    assert "front_door_person_id" not in schemas["Child"]["properties"]
    assert "front_door_person_id" in schemas["HandOffChild"]["properties"]


@pytest.mark.parametrize("typed", ["a b", "<script>", "E" * 101, "  ", " 123"])
def test_r44_the_api_refuses_an_identifier_the_page_refuses(
    client, contact, manager, record_system, typed
):
    decide(contact, contact.children.first(), manager)
    handoff = HandOff.objects.get()
    response = client.post(
        f"{URL}/{handoff.pk}/accept",
        {"external_id": typed},
        content_type="application/json",
        **_headers(record_system, "handoffs:receive"),
    )
    assert response.status_code == 422, response.content
    handoff.refresh_from_db()
    assert handoff.state != HandOff.State.ACCEPTED


def _accept(client, headers, handoff_id, external_id="123456"):
    return client.post(
        f"{URL}/{handoff_id}/accept",
        {"external_id": external_id},
        content_type="application/json",
        **headers,
    )


def test_r44_a_listed_hand_off_replaced_before_it_is_taken_is_named_by_its_replacement(
    client, contact, manager, record_system
):
    child = contact.children.first()
    decide(contact, child, manager)
    headers = _headers(record_system, "handoffs:receive")
    page = client.get(URL, **headers).json()
    (listed,) = page["items"]
    assert listed["replaces"] is None

    decide(contact, child, manager, rationale="Revised: the school called back.", based_on=1)
    (revised,) = client.get(URL, {"after": page["next_after"]}, **headers).json()["items"]
    assert revised["replaces"] == listed["id"]
    assert revised["decision"]["rationale"] == "Revised: the school called back."
    assert [i["id"] for i in client.get(URL, **headers).json()["items"]] == [revised["id"]]

    refused = _accept(client, headers, listed["id"])
    assert refused.status_code == 409
    assert f"replaced by hand-off {revised['id']}" in refused.json()["message"]
    assert _accept(client, headers, revised["id"]).status_code == 200


def test_r44_a_listed_hand_off_a_revision_sends_elsewhere_is_refused_as_withdrawn(
    client, contact, manager, record_system
):
    child = contact.children.first()
    decide(contact, child, manager)
    headers = _headers(record_system, "handoffs:receive")
    (listed,) = client.get(URL, {"record_system": "lcs"}, **headers).json()["items"]
    decide(contact, child, manager, level=2, outcome="early_help", based_on=1)
    ehm = _headers(record_system, "handoffs:receive", record_system="ehm")
    (early_help,) = client.get(URL, {"record_system": "ehm"}, **ehm).json()["items"]
    assert early_help["replaces"] is None  # it replaces nothing the early help record had
    refused = _accept(client, headers, listed["id"])
    assert refused.status_code == 409
    assert "withdrawn" in refused.json()["message"]
    assert "no longer hands the child to LCS" in refused.json()["message"]


def test_r44_a_cursor_past_the_last_hand_off_is_refused_saying_what_the_cursor_is(
    client, make_contact, manager, record_system
):
    for _ in range(2):
        contact = make_contact()
        decide(contact, contact.children.first(), manager)
    headers = _headers(record_system, "handoffs:receive")
    page = client.get(URL, **headers).json()
    assert client.get(URL, {"after": page["next_after"]}, **headers).json()["items"] == []
    # A hand-off's id is not the cursor: one past every number given is refused, not an empty
    # page that a poller would take for "nothing new" while it skips whatever comes next.
    response = client.get(URL, {"after": page["next_after"] + 1}, **headers)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "after"
    assert "next_after" in error["message"] and "not a hand-off's id" in error["message"]
    # The OpenAPI document says so to whoever writes a poller.
    operation = client.get("/api/v1/openapi.json").json()["paths"][URL]["get"]
    assert "not a hand-off's `id`" in operation["description"]
    assert 'page["next_after"]' in operation["description"]
    (after,) = [p for p in operation["parameters"] if p["name"] == "after"]
    assert "not a hand-off's `id`" in after["description"]


def test_r44_a_pull_naming_no_record_system_of_the_council_is_refused(client, record_system):
    headers = _headers(record_system, "handoffs:receive")
    response = client.get(URL, {"record_system": "lcss"}, **headers)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "record_system"
    assert "'lcss'" in error["message"] and "lcs" in error["message"]
    assert client.get(URL, {"record_system": "lcs"}, **headers).status_code == 200
    # The policy's keys are lower case: LCS names the same record.
    assert client.get(URL, {"record_system": "LCS"}, **headers).status_code == 200
    # Not a key at all: said plainly, not as a regular expression.
    response = client.get(URL, {"record_system": "lcs!"}, **headers)
    assert response.json()["errors"] == [
        {
            "field": "record_system",
            "message": "Give record_system as a record system's key, like lcs: at most 40 "
            "letters, digits and underscores",
        }
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"after": -1}, "after", "Enter a number no lower than 0"),
        ({"limit": 0}, "limit", "Enter a number no lower than 1"),
        ({"limit": 101}, "limit", "Enter a number no higher than 100"),
    ],
)
def test_a_pull_out_of_range_says_the_range(client, record_system, query, field, message):
    response = client.get(URL, query, **_headers(record_system, "handoffs:receive"))
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": field, "message": message}]


def test_an_accept_that_does_not_validate_names_each_field_by_its_path_in_the_body(
    client, contact, manager, record_system
):
    decide(contact, contact.children.first(), manager)
    handoff = HandOff.objects.get()
    response = client.post(
        f"/api/v1/handoffs/{handoff.pk}/accept",
        {"external_id": "12 34", "people": [{"front_door_person_id": 1, "external_id": "<b>"}]},
        content_type="application/json",
        **_headers(record_system, "handoffs:receive"),
    )
    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert fields == ["external_id", "people.0.external_id"]


def test_a_cursor_from_before_commit_order_numbering_carries_on_where_it_was(
    make_contact, manager, record_system
):
    """The cursor was the hand-off's id; the hand-offs made then kept it as their number and the
    numbering went on from the last, so a poller's last cursor skips and repeats nothing."""
    from django.apps import apps

    from frontdoor.handoffs.models import HandOffSequence
    from frontdoor.handoffs.services import pull

    number_existing = importlib.import_module(
        "frontdoor.handoffs.migrations.0002_number_handoffs_in_commit_order"
    ).number_existing
    for _ in range(3):
        contact = make_contact()
        decide(contact, contact.children.first(), manager)
    HandOff.objects.update(sequence=None)
    HandOffSequence.objects.all().delete()
    number_existing(apps, None)
    old = list(HandOff.objects.order_by("id"))
    assert [h.sequence for h in old] == [h.pk for h in old]
    cursor = old[1].pk  # the poller had read the second, by id
    later = make_contact()
    decide(later, later.children.first(), manager)
    assert [h.pk for h in pull(user=record_system, after=cursor)] == [
        old[2].pk,
        HandOff.objects.get(contact=later).pk,
    ]


def test_r45_a_token_receives_its_own_records_hand_offs_and_no_others(
    client, make_contact, manager, make_user, person_for
):
    """A token names the record it receives for: another record's hand-offs, a restricted
    child's among them, are neither listed, nor counted by the cursor, nor found to accept."""
    social_care = make_contact()
    decide(social_care, social_care.children.first(), manager)
    early_help = make_contact()
    child = early_help.children.first()
    person = person_for(child)
    person.restricted = True
    person.save(update_fields=["restricted"])
    decide(early_help, child, manager, level=2, outcome="early_help")
    to_lcs = HandOff.objects.get(record_system="lcs")
    to_ehm = HandOff.objects.get(record_system="ehm")
    assert to_ehm.restricted and to_ehm.sequence > to_lcs.sequence
    account = make_user(Role.ADMINISTRATOR)
    lcs = _headers(account, "handoffs:receive", record_system="lcs")
    ehm = _headers(account, "handoffs:receive", record_system="ehm")

    page = client.get(URL, **lcs).json()
    assert [item["id"] for item in page["items"]] == [to_lcs.pk]
    assert page["next_after"] == to_lcs.sequence
    # EHM's later number is no cursor for LCS's token: it does not learn that one was given.
    refused = client.get(URL, {"after": to_ehm.sequence}, **lcs)
    assert refused.status_code == 422
    assert f"the last is {to_lcs.sequence}" in refused.json()["errors"][0]["message"]
    named = client.get(URL, {"record_system": "ehm"}, **lcs)
    assert named.status_code == 422
    assert "receives the hand-offs of lcs only" in named.json()["errors"][0]["message"]

    response = _accept(client, lcs, to_ehm.pk)
    assert response.status_code == 404
    assert response.json() == {"message": "No hand-off has that id."}
    to_ehm.refresh_from_db()
    assert to_ehm.state == HandOff.State.WAITING and to_ehm.external_id == ""

    # EHM's own token reads and takes it.
    (item,) = client.get(URL, **ehm).json()["items"]
    assert item["id"] == to_ehm.pk and item["restricted"] is True
    assert _accept(client, ehm, to_ehm.pk, "EHM-1").status_code == 200
    assert _accept(client, ehm, to_lcs.pk).status_code == 404


def test_r45_a_token_naming_no_record_system_receives_nothing(client, contact, manager, make_user):
    decide(contact, contact.children.first(), manager)
    handoff = HandOff.objects.get()
    account = make_user(Role.ADMINISTRATOR)
    _, token = issue_token(user=account, name="Everything the role allows", by=None)
    headers = bearer(token)
    response = client.get(URL, **headers)
    assert response.status_code == 403
    assert "receives hand-offs for no record system" in response.json()["message"]
    assert _accept(client, headers, handoff.pk).status_code == 403
    handoff.refresh_from_db()
    assert handoff.state == HandOff.State.WAITING
    # The schema names no one: any token allowed to receive reads it.
    assert client.get(f"{URL}/schema", **headers).status_code == 200
