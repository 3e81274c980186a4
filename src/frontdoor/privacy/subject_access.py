"""A subject access export: one person's record as they may receive it (UK GDPR art. 15, R11, R45).

What identifies anyone else is redacted: every referrer's name, telephone, e-mail and address
(R11; a professional referrer's agency may stay), and every other child's and adult's details,
keeping only how they are related. Names of those people are also taken out of the free text
the export carries. The export is a disclosure, so it is on the audit trail; free text is still
read by a person before it is released (a report may describe others without naming them).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.intake.models import Contact, ReferrerType, ReportedAdult, ReportedChild
from frontdoor.mash.models import Answer, Enquiry, Meeting
from frontdoor.people.models import Person
from frontdoor.people.selectors import (
    corrections_of,
    household_of,
    involvements_of,
    relationships_of,
)
from frontdoor.policy.rag import rag_label
from frontdoor.screening.models import Decision
from frontdoor.wording import in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

REFERRER = "[redacted: referrer]"
THIRD_PARTY = "[redacted: third party]"
REVIEW_NOTE = (
    "Referrers' and other people's details are redacted. Free text has had the names on record "
    "taken out, but must still be read before release: it may describe others in other words."
)


def _when(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


class _Scrubber:
    """Takes the names, numbers and addresses of others out of free text."""

    def __init__(self, *, keep: set[str]) -> None:
        self.keep = {k.casefold() for k in keep if k}
        self.patterns: list[tuple[re.Pattern[str], str]] = []

    def add(self, values: list[str], replacement: str) -> None:
        for value in values:
            value = (value or "").strip()
            if len(value) < 2 or value.casefold() in self.keep:
                continue
            pattern = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)", re.IGNORECASE)
            self.patterns.append((pattern, replacement))

    def __call__(self, text: str) -> str:
        # Longest first, so "Robin Examplechild" goes before "Robin".
        for pattern, replacement in sorted(self.patterns, key=lambda p: -len(p[0].pattern)):
            text = pattern.sub(replacement, text or "")
        return text


def _words(*values: str) -> list[str]:
    return [w for v in values for w in re.split(r"[\s,]+", v or "") if w]


@transaction.atomic
def subject_access_export(
    *, person: Person, by: User | None = None, through: str = "", at: dt.datetime | None = None
) -> dict[str, Any]:
    """One person's record with third parties redacted (R11), audited as a disclosure (R45).

    `by` is the administrator producing it; None only from the command line, which the audit
    entry then says.
    """
    if by is not None:
        require(by, "privacy.subject_access")
    at = at or timezone.now()
    own_children = list(ReportedChild.accounts.filter(person=person))
    own_adults = list(ReportedAdult.objects.filter(person=person))
    contacts = list(
        Contact.objects.filter(Q(children__person=person) | Q(adults__person=person))
        .distinct()
        .order_by("received_at", "id")
        .prefetch_related("reports", "children", "adults")
    )
    own_child_ids = {c.pk for c in own_children}
    own_adult_ids = {a.pk for a in own_adults}

    # Everything that names someone else, to take out of the free text.
    scrub = _Scrubber(keep=set(_words(person.first_name, person.last_name, person.other_names)))
    for contact in contacts:
        for report in contact.reports.all():
            scrub.add([report.referrer_name, *_words(report.referrer_name)], REFERRER)
            scrub.add([report.referrer_phone, report.referrer_email], REFERRER)
            scrub.add(report.referrer_address.splitlines(), REFERRER)
        for other in [*contact.children.all(), *contact.adults.all()]:
            if other.pk in (own_child_ids if isinstance(other, ReportedChild) else own_adult_ids):
                continue
            scrub.add([other.name, *_words(other.first_name, other.last_name)], THIRD_PARTY)
            scrub.add([getattr(other, "phone", "")], THIRD_PARTY)
    for relationship in relationships_of(person):
        kin = relationship.other if relationship.person_id == person.pk else relationship.person
        scrub.add([kin.name, *_words(kin.first_name, kin.last_name)], THIRD_PARTY)

    export: dict[str, Any] = {
        "produced_at": _when(at),
        "note": REVIEW_NOTE,
        "person": {
            "id": person.pk,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "other_names": person.other_names,
            "date_of_birth": _when(person.date_of_birth),
            "expected_date_of_birth": _when(person.expected_date_of_birth),
            "gender": person.get_gender_display(),
            "sex": person.get_sex_display(),
            "disability": person.disabilities_display,
            "ethnicity": person.ethnicity,
            "first_language": person.first_language,
            "religion": person.religion,
            "nhs_number": person.nhs_number,
            "address": person.address,
            "postcode": person.postcode,
        },
        # The right to rectification: what was corrected, what it said before, and why.
        "corrections": [
            {
                "at": _when(correction.corrected_at),
                "detail": correction.label,
                "before": correction.before_shown,
                "after": correction.after_shown,
                "reason": scrub(correction.reason),
            }
            for correction in corrections_of(person)
        ],
        "relationships": [
            {
                "relationship": (
                    f"{THIRD_PARTY} is the person's {in_sentence(r.get_kind_display())}"
                    if r.other_id == person.pk
                    else f"The person is the {in_sentence(r.get_kind_display())} of {THIRD_PARTY}"
                ),
            }
            for r in relationships_of(person)
        ],
        "household": [
            {"name": THIRD_PARTY}
            for member in household_of(person)
            if member.person_id != person.pk
        ],
        "involvements": [
            {
                "kind": i.get_kind_display(),
                "started_on": _when(i.started_on),
                "ended_on": _when(i.ended_on),
                "team": i.team,
                "source_system": i.source_system,
            }
            for i in involvements_of(person)
        ],
        "contacts": [],
    }

    decisions = Decision.objects.filter(child__in=own_child_ids).order_by("decided_at", "id")
    enquiries = Enquiry.objects.filter(child__in=own_child_ids).prefetch_related("requests")
    answers = Answer.objects.filter(
        Q(about_child__in=own_child_ids) | Q(about_adult__in=own_adult_ids)
    ).select_related("request__enquiry")
    meetings = Meeting.objects.filter(contact__in=contacts).prefetch_related("attendees")
    for contact in contacts:
        export["contacts"].append(
            {
                "reference": contact.reference,
                "received_at": _when(contact.received_at),
                "kind": contact.get_kind_display(),
                "state": contact.get_state_display(),
                "reports": [
                    {
                        "channel": report.get_channel_display(),
                        "received_at": _when(report.received_at),
                        "referrer": {
                            "type": report.get_referrer_type_display(),
                            "name": REFERRER,
                            "phone": REFERRER,
                            "email": REFERRER,
                            "address": REFERRER,
                            # R11 protects a member of the public; a professional's agency stays.
                            "agency": report.referrer_agency
                            if report.referrer_type == ReferrerType.PROFESSIONAL
                            else REFERRER,
                        },
                        "worry": scrub(report.worry),
                        "working_well": scrub(report.working_well),
                        "child_voice": scrub(report.child_voice),
                        "summary": scrub(report.summary),
                    }
                    for report in contact.reports.all()
                ],
                "people_in_the_contact": [
                    _reported(other, own_child_ids, own_adult_ids)
                    for other in [*contact.children.all(), *contact.adults.all()]
                ],
                "decisions": [
                    {
                        "decided_at": _when(d.decided_at),
                        "level": d.level,
                        "rag": rag_label(d.rag),
                        "outcome": d.outcome_label,
                        "rationale": scrub(d.rationale),
                    }
                    for d in decisions
                    if d.contact_id == contact.pk
                ],
                "mash_enquiries": [
                    {
                        "sent_at": _when(e.sent_at),
                        "rag": rag_label(e.rag),
                        "reason": scrub(e.reason),
                        "agencies": [r.agency_key for r in e.requests.all()],
                    }
                    for e in enquiries
                    if e.contact_id == contact.pk
                ],
                "mash_answers": [
                    {
                        "agency": a.request.agency_key,
                        "answered_at": _when(a.answered_at),
                        "nothing_known": a.nothing_known,
                        "information": scrub(a.information),
                    }
                    for a in answers
                    if a.request.enquiry.contact_id == contact.pk
                ],
                "meetings": [
                    {
                        "kind": m.get_kind_display(),
                        "scheduled_for": _when(m.scheduled_for),
                        "held_at": _when(m.held_at),
                        "cancelled_at": _when(m.cancelled_at),
                        "cancelled_reason": scrub(m.cancelled_reason),
                        "analysis": scrub(m.analysis),
                        "plan_of_action": scrub(m.plan_of_action),
                        "outcome": m.outcome_label,
                        "agencies": sorted(
                            {a.agency_key for a in m.attendees.all() if a.agency_key}
                        ),
                    }
                    for m in meetings
                    if m.contact_id == contact.pk
                ],
            }
        )
    # A subject access export is a disclosure of the record: who produced it, when, for whom.
    audit.record(
        actor=by,
        action="subject_access.disclosed",
        target=person,
        changes={"contacts": [c.reference for c in contacts]},
        reason=through or ("command line" if by is None else "subject access page"),
        at=at,
    )
    return export


def _reported(other, own_child_ids: set[int], own_adult_ids: set[int]) -> dict[str, Any]:
    """The person's own entry in full; anyone else's as a redacted line with the relationship."""
    is_child = isinstance(other, ReportedChild)
    if other.pk in (own_child_ids if is_child else own_adult_ids):
        return {
            "role": "child" if is_child else "adult",
            "name": other.name,
            "date_of_birth": _when(other.date_of_birth),
            "address": other.address,
            "postcode": other.postcode,
            "this_is_the_person": True,
        }
    return {
        "role": "child" if is_child else "adult",
        "name": THIRD_PARTY,
        "relationship": getattr(other, "relationship_to_child", "")
        or ("child" if is_child else ""),
        "this_is_the_person": False,
    }
