"""The case record pulls its hand-offs through the API and accepts them (R44, docs/handoff.md).

For a record system that polls rather than takes webhooks: `GET handoffs?after=<cursor>` gives
the hand-offs after the cursor in the order they were committed, and `next_after` is the cursor
for the next call (the cursor is each hand-off's `sequence`, not its id); `POST
handoffs/{id}/accept` says the record took the child as its own identifier, which the
front door keeps on the child's person record. Only the record system's own token reads them,
a token issued naming that record: a restricted person's hand-off goes to its record and
nowhere else, not even to another record's token (R45).
"""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field

from frontdoor.accounts.permissions import require
from frontdoor.accounts.tokens import ApiTokenAuth, TokenRequest
from frontdoor.handoffs import selectors, services
from frontdoor.handoffs.identifiers import ExternalId
from frontdoor.handoffs.payload import HandOffPayload, payload_schema
from frontdoor.schema_rules import Matches, Message

router = Router(tags=["hand-offs"], auth=ApiTokenAuth(scope="handoffs:receive"))
NOT_FOUND = "No hand-off has that id."


class PullQuery(Schema):
    after: Annotated[
        int,
        Field(
            ge=0,
            le=2**62,
            description=(
                "The cursor: 0 to start, then the `next_after` of the previous call. It is the "
                "hand-offs' number in commit order, not a hand-off's `id`; a number past the "
                "last given is refused with 422"
            ),
        ),
    ] = 0
    record_system: Annotated[
        str,
        Matches(
            "^[A-Za-z0-9_]{0,40}$",
            "Give record_system as a record system's key, like lcs: at most 40 letters, digits "
            "and underscores",
        ),
        Field(description="The token's own record system's key (any case), or nothing"),
    ] = ""
    limit: Annotated[int, Field(ge=1, le=services.MOST_PULLED)] = services.MOST_PULLED


class HandOffPage(Schema):
    items: list[HandOffPayload]
    next_after: int = Field(
        description=(
            "The cursor for the next call's `after`: the last listed hand-off's number in "
            "commit order (not its `id`), or `after` again when nothing was listed"
        )
    )


class PersonIdIn(Schema):
    front_door_person_id: Annotated[int, Field(ge=1, le=2**62)]
    external_id: ExternalId


class AcceptIn(Schema):
    external_id: ExternalId = Field(description="The record's own identifier for the child")
    people: Annotated[list[PersonIdIn], Field(max_length=50)] = []


class AcceptedOut(Schema):
    id: int
    state: str
    external_id: str


@router.get("handoffs", response={200: HandOffPage, 403: Message}, summary="List after a cursor")
def list_handoffs(request: TokenRequest, query: Query[PullQuery]):
    """The hand-offs after the cursor `after`, in the order they were committed. Listing one
    does not deliver it: accepting it does. Only the hand-offs of the record system the token
    was issued for are listed, and the cursor counts only those; a token issued for no record
    system is refused with 403.

    The cursor is not a hand-off's `id`: ids are given when a decision starts to hand a child
    off, and a decision that takes longer to commit becomes visible after one with a larger id.
    Each hand-off is also numbered as it commits, and `after` and `next_after` are that number.
    Keep `next_after` once the page's hand-offs are taken; accepting one again with the same
    identifier is safe, so a poller that stops half way through a page may read it again. A
    hand-off whose `replaces` names one you listed supersedes it: take the new one only.

    ```python
    after = load_cursor()  # 0 the first time
    while True:
        page = get("/api/v1/handoffs", params={"after": after}).json()
        for item in page["items"]:
            if item["replaces"]:
                drop(item["replaces"])
            record_id = create_in_case_record(item)
            post(f"/api/v1/handoffs/{item['id']}/accept", json={"external_id": record_id})
        after = page["next_after"]
        save_cursor(after)
        if not page["items"]:
            sleep(60)
    ```
    """
    try:
        handoffs = services.pull(
            user=request.auth,
            after=query.after,
            record_system=query.record_system,
            limit=query.limit,
        )
    except (services.CursorAhead, services.UnknownRecordSystem) as error:
        field = error.field or "after"
        raise ValidationError([{"field": field, "message": error.message}]) from error
    return {
        "items": [handoff.payload for handoff in handoffs],
        "next_after": handoffs[-1].sequence if handoffs else query.after,
    }


@router.get(
    "handoffs/schema",
    response={200: dict, 403: Message},
    summary="The payload's JSON Schema",
)
def handoff_schema(request: TokenRequest):
    """The JSON Schema of a hand-off's payload: the webhook's body and each listed item."""
    require(request.auth, "handoffs.receive")
    return payload_schema()


@router.post(
    "handoffs/{pk}/accept",
    response={200: AcceptedOut, 403: Message, 404: Message, 409: Message},
    summary="Accept",
)
def accept_handoff(request: TokenRequest, pk: int, body: AcceptIn):
    """The record took the child as `external_id`; the same again is safe, another is 409. A
    hand-off a revised decision replaced before it was taken is refused with 409 naming the
    hand-off that replaced it (whose `replaces` is this id), or saying it was withdrawn when the
    revision no longer hands the child to this record. Another record system's hand-off is not
    found (404) with this record's token."""
    # Another record's hand-off is not found: its token never learns that it exists (R45).
    own = services.receiving_system(request.auth)
    handoff = selectors.handoffs_of_served_council().filter(pk=pk, record_system=own).first()
    if handoff is None:
        raise Http404(NOT_FOUND)
    services.accept(
        user=request.auth,
        handoff=handoff,
        external_id=body.external_id,
        people={item.front_door_person_id: item.external_id for item in body.people},
    )
    handoff.refresh_from_db()
    return {"id": handoff.pk, "state": handoff.state, "external_id": handoff.external_id}
