"""The partner agency's MASH enquiries through the API (R37, need-to-know as on the pages).

A partner system acts as one partner agency user: it lists and reads only the requests sent to
that agency (another agency's request is "not found", as on the pages), and answers with the
same checks as the answer page. The answer's `Idempotency-Key` makes a retry store nothing new.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404
from ninja import Header, Router, Schema
from pydantic import Field

from frontdoor.accounts.permissions import require
from frontdoor.accounts.tokens import ApiTokenAuth, TokenRequest
from frontdoor.audit import services as audit
from frontdoor.intake.api import IdempotencyKey, submission_key
from frontdoor.intake.selectors import reports_seen_by
from frontdoor.mash import enquiries
from frontdoor.mash.models import AgencyRequest
from frontdoor.mash.selectors import (
    agency_councils_open,
    council_of,
    partner_view,
    policy_of,
    referrers_for_partner,
    requests_restricted_from,
    requests_visible_to,
)
from frontdoor.policy.councils import serving
from frontdoor.schema_rules import NO_NUL, Message

# Every operation here is the agency's answering of its enquiries: a token with scopes needs
# `mash:answer` (or `read`, for the lists and reading) for them.
router = Router(tags=["MASH enquiries"], auth=ApiTokenAuth(scope="mash:answer"))
NOT_FOUND = "No MASH enquiry for your agency has that id."


class PersonOut(Schema):
    id: str  # "child-12" or "adult-7": the key an answer names
    name: str
    date_of_birth: dt.date | None
    relationship_to_child: str = ""
    # Why nothing more about them is shared, as the page says it; empty when they are shared.
    withheld: str = ""


class RequestOut(Schema):
    id: int
    rag: str
    reason: str
    child: str
    alerted_at: dt.datetime
    due_at: dt.datetime | None
    answered_at: dt.datetime | None
    closed: bool
    present_at_strategy_meeting: bool
    # R45: whom to ask about an enquiry sent to your agency whose record is now restricted;
    # such an entry says nothing else about the enquiry (no child, no reason, no RAG).
    restricted_ask: str | None = None


class RequestDetailOut(RequestOut):
    referred_by: list[str]
    what_was_reported: list[str]
    people: list[PersonOut]
    # R45: whom to ask about each child of the household restricted from you (not in `people`).
    restricted_people: list[str] = []


class PersonAnswerIn(Schema):
    person: Annotated[str, Field(pattern="^(child|adult)-[0-9]+$")]
    nothing_known: bool
    information: Annotated[str, NO_NUL] = ""


class AnswerIn(Schema):
    answers: list[PersonAnswerIn]
    opinion: Annotated[str, Field(min_length=1, max_length=20_000), NO_NUL]


def _summary(request: AgencyRequest) -> dict:
    enquiry = request.enquiry
    return {
        "id": request.pk,
        "rag": enquiry.rag,
        "reason": enquiry.reason,
        "child": str(enquiry.child),
        "alerted_at": request.alerted_at,
        "due_at": request.due_at,
        "answered_at": request.answered_at,
        "closed": enquiry.closed_at is not None,
        "present_at_strategy_meeting": enquiry.present_at_strategy_meeting,
    }


def _visible(request: TokenRequest, pk: int) -> AgencyRequest:
    require(request.auth, "enquiry.answer")
    try:
        return requests_visible_to(request.auth).get(pk=pk)
    except AgencyRequest.DoesNotExist:
        raise Http404(NOT_FOUND) from None


@router.get("mash/requests", response={200: list[RequestOut], 403: Message}, summary="List")
def list_requests(request: TokenRequest):
    """The enquiries sent to your agency, waiting ones first."""
    require(request.auth, "enquiry.answer")
    with agency_councils_open(request.auth):
        return _list(request)


def _list(request: TokenRequest) -> list[dict]:
    listed = [_summary(item) for item in requests_visible_to(request.auth)]
    # R45: as on the page, a request whose record is now restricted is listed with whom to ask.
    listed += [
        {
            "id": item.pk,
            "rag": "",
            "reason": "",
            "child": f"Restricted: ask {item.ask}",  # type: ignore[attr-defined]  # annotated by requests_restricted_from
            "alerted_at": item.alerted_at,
            "due_at": item.due_at,
            "answered_at": item.answered_at,
            "closed": False,
            "present_at_strategy_meeting": False,
            "restricted_ask": item.ask,  # type: ignore[attr-defined]  # as above
        }
        for item in requests_restricted_from(request.auth)
    ]
    return listed


@router.get(
    "mash/requests/{pk}",
    response={200: RequestDetailOut, 403: Message, 404: Message},
    summary="Read one",
)
def read_request(request: TokenRequest, pk: int):
    # R37: a partner answers about the people of the enquiry sent to it.
    """One enquiry sent to your agency, with the people to answer about."""
    with agency_councils_open(request.auth):
        found = _visible(request, pk)
        # Read as the council that asked, whichever council's address the API was called at.
        with serving(council_of(found.enquiry)):
            return _read(request, found)


def _read(request: TokenRequest, found: AgencyRequest) -> dict:
    contact = found.enquiry.contact
    audit.record_view(viewer=request.auth, target=contact, through="API: MASH enquiry")
    # R45: a restricted child's names withheld from the referrer's words.
    reports = reports_seen_by(request.auth, contact=contact, reports=list(contact.reports.all()))
    view = partner_view(
        policy=policy_of(found.enquiry), enquiry=found.enquiry, user=request.auth
    )  # R13
    people = [
        {
            "id": person.key,
            "name": person.name,
            "date_of_birth": person.date_of_birth,
            "relationship_to_child": person.relationship_to_child,
            "withheld": person.details if person.withheld else "",
        }
        for person in view.people
    ]
    return {
        **_summary(found),
        "referred_by": [referrer.description for referrer in referrers_for_partner(reports)],
        # As on the page: the referral's words may be about someone withheld (R12, R13).
        "what_was_reported": [report.worry for report in reports]
        if view.referral_words_shared
        else [],
        "people": people,
        "restricted_people": view.restricted,
    }


@router.post(
    "mash/requests/{pk}/answer",
    response={200: RequestOut, 403: Message, 404: Message, 409: Message},
    summary="Answer",
)
def answer_request(
    request: TokenRequest,
    pk: int,
    body: AnswerIn,
    idempotency_key: Annotated[IdempotencyKey, Header(alias="Idempotency-Key")],
):
    """Answer for every child and adult, with your agency's opinion. A retry with the same
    `Idempotency-Key` stores nothing new."""
    with agency_councils_open(request.auth):
        found = _visible(request, pk)
        with serving(council_of(found.enquiry)):  # answered as the council that asked
            return _answer(request, found, body, idempotency_key)


def _answer(
    request: TokenRequest, found: AgencyRequest, body: AnswerIn, idempotency_key: str
) -> dict:
    contact = found.enquiry.contact
    children = {f"child-{child.pk}": child for child in contact.children.all()}
    adults = {f"adult-{adult.pk}": adult for adult in contact.adults.all()}
    answers = []
    for item in body.answers:
        if item.person not in children and item.person not in adults:
            raise Http404(f"{item.person} is not one of this enquiry's people.")
        answers.append(
            enquiries.PersonAnswer(
                about_child=children.get(item.person),
                about_adult=adults.get(item.person),
                nothing_known=item.nothing_known,
                information=item.information,
            )
        )
    answered = enquiries.answer_request(
        request=found,
        by=request.auth,
        answers=answers,
        opinion=body.opinion,
        # The header is required here, so the key is never None.
        submission_key=submission_key(request.auth, idempotency_key),  # type: ignore[arg-type]
    )
    answered.refresh_from_db()
    return _summary(answered)
