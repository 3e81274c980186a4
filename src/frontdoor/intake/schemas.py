"""What the API returns about contacts (output only).

What it accepts is `intake.submissions.Submission`, the one shape the form and staff pages validate
too. Fields are named as in a Submission, so what a partner sends and what it reads back match.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema

from frontdoor.intake.models import Report, ReportedAdult, ReportedChild
from frontdoor.schema_rules import NO_NUL


class FieldProblem(Schema):
    field: str
    message: str


class ValidationProblems(Schema):
    errors: list[FieldProblem]


class ContactReceipt(Schema):
    """What a partner system gets back for a report it sent."""

    reference: str
    state: str
    received_at: dt.datetime
    progress_due_at: dt.datetime | None
    # With the reference, it lets the sender check the status of their submission (POST /status).
    # Given for a report on the API's own channel; a retry with the same Idempotency-Key gets
    # the same secret again.
    status_secret: str | None = None


class StatusCheck(Schema):
    # Any reference and secret that do not match get the same 404; only text the database can
    # compare at all (no NUL) is looked up, as the OpenAPI document says.
    reference: Annotated[str, NO_NUL]
    secret: Annotated[str, NO_NUL]


class SubmissionStatus(Schema):
    reference: str
    status: str


class ReferrerOut(Schema):
    type: str
    name: str
    agency: str
    role: str
    phone: str
    email: str
    address: str
    relationship_to_child: str
    feedback_by: str
    agrees_to_contact: bool


class ConcernOut(Schema):
    """What a referral should capture."""  # R6

    worry: str
    working_well: str
    child_voice: str
    child_location: str
    immediate_protection_needed: str
    alleged_perpetrator: str
    other_agencies: str
    parents_aware: str
    parents_agree: str
    domestic_abuse: str
    mental_illness: str
    substance_misuse: str
    learning_difficulties: str


class ConsentOut(Schema):
    consent: str
    not_sought_reason: str
    notes: str


class ReportOut(Schema):
    id: int
    channel: str
    received_at: dt.datetime
    recorded_at: dt.datetime
    referrer: ReferrerOut
    concern: ConcernOut
    consent: ConsentOut
    referrer_level_of_need: int | None
    summary: str

    @staticmethod
    def resolve_referrer(report: Report) -> dict[str, str | bool]:
        return {
            "type": report.referrer_type,
            "name": report.referrer_name,
            "agency": report.referrer_agency,
            "role": report.referrer_role,
            "phone": report.referrer_phone,
            "email": report.referrer_email,
            "address": report.referrer_address,
            "relationship_to_child": report.referrer_relationship,
            "feedback_by": report.referrer_feedback_by,
            "agrees_to_contact": report.referrer_agrees_to_contact,
        }

    @staticmethod
    def resolve_concern(report: Report) -> dict[str, str]:
        return {name: getattr(report, name) for name in ConcernOut.model_fields}

    @staticmethod
    def resolve_consent(report: Report) -> dict[str, str]:
        return {
            "consent": report.consent,
            "not_sought_reason": report.consent_not_sought_reason,
            "notes": report.consent_notes,
        }


class PersonOut(Schema):
    report_id: int
    first_name: str
    last_name: str
    other_names: str
    date_of_birth: dt.date | None
    gender: str
    ethnicity: str
    first_language: str
    religion: str
    address: str
    postcode: str


class ChildOut(PersonOut):
    unborn: bool
    # R5: an expectant parent under 18, added as a child from the adults the report named.
    expectant_parent: bool
    expected_date_of_birth: dt.date | None
    nhs_number: str
    school_or_nursery: str
    special_needs: str
    communication: str


class AdultOut(PersonOut):
    phone: str
    relationship_to_child: str
    parental_responsibility: str
    lives_with_child: str
    alleged_perpetrator: bool
    expectant_parent: bool


class ContactOut(Schema):
    """A contact with every report of it, and the children and adults each report named."""  # R7

    reference: str
    kind: str
    state: str
    received_at: dt.datetime
    progress_due_at: dt.datetime | None
    written_follow_up_due_at: dt.datetime | None
    written_follow_up_received_at: dt.datetime | None
    reports: list[ReportOut]
    children: list[ChildOut]
    # Whom to ask about each child restricted from the reader: not among `children` (R45).
    restricted_children: list[str]
    adults: list[AdultOut]

    @staticmethod
    def resolve_reports(contact) -> list[Report]:
        return list(contact.reports.all())

    @staticmethod
    def resolve_children(contact) -> list[ReportedChild]:
        # R45: children as `intake.selectors.children_listed_for` annotates them.
        return [
            child for child in contact.children.all() if not getattr(child, "restricted_ask", None)
        ]

    @staticmethod
    def resolve_restricted_children(contact) -> list[str]:
        asks = (getattr(child, "restricted_ask", None) for child in contact.children.all())
        return [ask for ask in asks if ask]

    @staticmethod
    def resolve_adults(contact) -> list[ReportedAdult]:
        return list(contact.adults.all())
