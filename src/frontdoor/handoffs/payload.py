"""The hand-off's payload: what the case record receives, with its version and JSON Schema (R44).

One shape for both ways of delivery: the webhook's body and each item of the pull API. The
version changes only when a field is removed or its meaning changes; added fields keep it.
docs/handoff.md describes each field; `payload_schema()` is the JSON Schema the API publishes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from frontdoor.handoffs.models import HandOff
from frontdoor.intake.models import Contact, ReportedAdult, ReportedChild
from frontdoor.screening.models import Decision
from frontdoor.screening.selectors import ChildSummary

PAYLOAD_VERSION: Literal["1"] = "1"
# The Standard Webhooks event type of each kind of hand-off.
EVENT_TYPES = {"handoff": "handoff.created", "amendment": "handoff.amended"}


class HandOffShape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HandOffIdentifier(HandOffShape):
    """A case record's own identifier for the person ("open in LCS as 123456")."""

    source_system: str = Field(
        description=(
            "The record's key (`lcs`, `ehm`) for one a record gave when it accepted a hand-off, "
            "or the system an involvements import came from"
        )
    )
    external_id: str = Field(description="The person's identifier in that record")


class HandOffPerson(HandOffShape):
    """A person as the front door knows them; text fields are empty when not known."""

    front_door_person_id: int | None = Field(
        description="The front door's id of the known person; null until screening matched them"
    )
    identifiers: list[HandOffIdentifier] = Field(
        description=(
            "Each case record's own identifier for the person that the front door holds when "
            "the hand-off is made: from a hand-off a record accepted before, or from the "
            "involvements import. Look the person up by it before making a new record"
        )
    )
    first_name: str
    last_name: str
    other_names: str
    date_of_birth: dt.date | None
    gender: str
    sex: str
    ethnicity: str
    first_language: str
    religion: str
    disabilities: str
    address: str
    postcode: str


class HandOffChild(HandOffPerson):
    unborn: bool
    expected_date_of_birth: dt.date | None
    nhs_number: str
    school_or_nursery: str
    special_needs: str
    communication: str


class HandOffAdult(HandOffPerson):
    relationship_to_child: str
    parental_responsibility: str
    lives_with_child: str
    phone: str
    alleged_perpetrator: bool


class HandOffDocument(HandOffShape):
    """A document's metadata; the document itself stays in the front door."""

    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class HandOffReferrer(HandOffShape):
    type: str
    name: str
    agency: str
    role: str
    relationship: str
    phone: str
    email: str


class HandOffReport(HandOffShape):
    received_at: dt.datetime
    channel: str
    referrer: HandOffReferrer
    worry: str
    working_well: str
    child_voice: str
    consent: str
    documents: list[HandOffDocument]


class HandOffCheck(HandOffShape):
    rule: str
    title: str
    status: Literal["clear", "flag", "to_do"]
    message: str


class HandOffIndicator(HandOffShape):
    key: str
    level: int | None
    text: str


class HandOffPolicy(HandOffShape):
    id: str
    version: str


class HandOffDecision(HandOffShape):
    sequence: int = Field(description="1 for the child's first decision, 2 for its revision, …")
    decided_at: dt.datetime
    decided_by: str
    level_of_need: int
    rag: str
    outcome: str = Field(description="The policy's key of the outcome")
    outcome_label: str
    effect: str
    rationale: str
    becomes_referral: bool
    primary_need: str
    concerns: list[str]
    departures: list[str]
    policy: HandOffPolicy


class HandOffContact(HandOffShape):
    reference: str
    received_at: dt.datetime


class HandOffPayload(HandOffShape):
    """A routed child, for the council's case record (docs/handoff.md)."""

    version: Literal["1"] = Field(description="The payload's version")
    id: int = Field(description="The hand-off's id: the webhook's and the pull API's")
    kind: Literal["handoff", "amendment"]
    amends: int | None = Field(description="For an amendment, the id of the hand-off it amends")
    replaces: int | None = Field(
        default=None,
        description=(
            "The id of the hand-off to this record that a revised decision replaced before the "
            "record took it; null otherwise. Do not take the one it replaces: accepting it is "
            "refused"
        ),
    )
    record_system: str = Field(description="The policy's key of the record this is for")
    created_at: dt.datetime
    restricted: bool = Field(
        description="A person named is restricted: keep the record restricted in the case record"
    )
    contact: HandOffContact
    child: HandOffChild
    adults: list[HandOffAdult]
    reports: list[HandOffReport]
    checks: list[HandOffCheck]
    indicators: list[HandOffIndicator]
    decision: HandOffDecision


def payload_schema() -> dict:
    """The payload's JSON Schema, as the API publishes it."""
    return HandOffPayload.model_json_schema()


def _person(reported, person, *, taken_as: Iterable[tuple[str, str]] = ()) -> dict:
    held = {(i.source_system, i.external_id) for i in (person.identifiers.all() if person else [])}
    return {
        "front_door_person_id": person.pk if person else None,
        "identifiers": [
            {"source_system": source, "external_id": external_id}
            for source, external_id in sorted(held | set(taken_as))
        ],
        "first_name": reported.first_name,
        "last_name": reported.last_name,
        "other_names": reported.other_names,
        "date_of_birth": reported.date_of_birth,
        "gender": reported.get_gender_display(),
        "sex": reported.get_sex_display(),
        "ethnicity": reported.ethnicity,
        "first_language": reported.first_language,
        "religion": reported.religion,
        "disabilities": reported.disabilities,
        "address": reported.address,
        "postcode": reported.postcode,
    }


def _taken_as(child: ReportedChild) -> list[tuple[str, str]]:
    """The identifiers the child's accepted hand-offs were taken as. A child linked to a person
    has them among the person's identifiers; one not yet linked keeps them on the hand-offs
    (`services.carry_identifiers_to_person`), and the record still needs them (R44)."""
    return list(
        HandOff.objects.filter(child=child, state=HandOff.State.ACCEPTED)
        .exclude(external_id="")
        .values_list("record_system", "external_id")
    )


def _adult(adult: ReportedAdult) -> HandOffAdult:
    return HandOffAdult(
        **_person(adult, adult.person),
        relationship_to_child=adult.relationship_to_child,
        parental_responsibility=adult.get_parental_responsibility_display(),
        lives_with_child=adult.get_lives_with_child_display(),
        phone=adult.phone,
        alleged_perpetrator=adult.alleged_perpetrator,
    )


def build_payload(
    *,
    handoff_id: int,
    kind: str,
    amends: int | None,
    replaces: int | None = None,
    record_system: str,
    created_at: dt.datetime,
    restricted: bool,
    decision: Decision,
    summary: ChildSummary,
) -> HandOffPayload:
    """The payload of a hand-off of `decision`'s child, as the front door has it now."""
    contact: Contact = decision.contact
    child: ReportedChild = summary.child
    reports = contact.reports.order_by("received_at", "id").prefetch_related("attachments")
    adults = contact.adults.select_related("person").prefetch_related("person__identifiers")
    version = decision.policy_version
    return HandOffPayload(
        version=PAYLOAD_VERSION,
        id=handoff_id,
        kind=kind,  # type: ignore[arg-type]  # one of the kinds
        amends=amends,
        replaces=replaces,
        record_system=record_system,
        created_at=created_at,
        restricted=restricted,
        contact=HandOffContact(reference=contact.reference, received_at=contact.received_at),
        child=HandOffChild(
            **_person(child, child.person, taken_as=_taken_as(child)),
            unborn=child.unborn,
            expected_date_of_birth=child.expected_date_of_birth,
            nhs_number=child.nhs_number,
            school_or_nursery=child.school_or_nursery,
            special_needs=child.special_needs,
            communication=child.communication,
        ),
        adults=[_adult(adult) for adult in adults],
        reports=[
            HandOffReport(
                received_at=report.received_at,
                channel=report.get_channel_display(),
                referrer=HandOffReferrer(
                    type=report.get_referrer_type_display(),
                    name=report.referrer_name,
                    agency=report.referrer_agency,
                    role=report.referrer_role,
                    relationship=report.referrer_relationship,
                    phone=report.referrer_phone,
                    email=report.referrer_email,
                ),
                worry=report.worry,
                working_well=report.working_well,
                child_voice=report.child_voice,
                consent=report.get_consent_display(),
                documents=[
                    HandOffDocument(
                        name=a.original_name,
                        content_type=a.content_type,
                        size=a.size,
                        sha256=a.sha256,
                        uploaded_at=a.uploaded_at,
                    )
                    for a in report.attachments.all()
                ],
            )
            for report in reports
        ],
        checks=[
            HandOffCheck(
                rule=check.rule,
                title=check.title,
                status=check.status.value,
                message=check.message,
            )
            for check in summary.checks
        ],
        indicators=[
            HandOffIndicator(
                key=str(i.get("key", "")), level=i.get("level"), text=str(i.get("text", ""))
            )
            for i in decision.indicators
        ],
        decision=HandOffDecision(
            sequence=decision.sequence,
            decided_at=decision.decided_at,
            decided_by=str(decision.decided_by),
            level_of_need=decision.level,
            rag=decision.get_rag_display() if decision.rag else "",
            outcome=decision.outcome,
            outcome_label=decision.outcome_label,
            effect=decision.outcome_effect,
            rationale=decision.rationale,
            becomes_referral=decision.becomes_referral,
            primary_need=decision.get_primary_need_display() if decision.primary_need else "",
            concerns=list(decision.concerns),
            departures=[str(d) for d in decision.departures],
            policy=HandOffPolicy(id=version.policy_id, version=version.version),
        ),
    )
