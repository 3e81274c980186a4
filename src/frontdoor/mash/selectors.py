"""Reading MASH enquiries, with need-to-know applied in the query (R11, R45).

A partner agency's user loads only the requests sent to their agency, by page, API or export;
MASH staff see every request. What a partner sees of the contact leaves out the identity of a
referrer who is not a professional (R11).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from frontdoor.accounts.permissions import can
from frontdoor.accounts.roles import Role
from frontdoor.intake.models import ReferrerType, Report
from frontdoor.mash.models import AgencyRequest, Answer, Enquiry
from frontdoor.policy.schema import Policy


def requests_visible_to(user) -> QuerySet[AgencyRequest]:
    requests = AgencyRequest.objects.select_related(
        "enquiry__contact", "enquiry__child", "opinion"
    ).order_by("answered_at", "due_at", "id")
    if getattr(user, "role", None) == Role.PARTNER_AGENCY:
        return requests.filter(agency_key=user.agency_key)
    if can(user, "enquiry.send") or can(user, "contact.screen"):
        return requests
    return requests.none()


def enquiries_visible_to(user) -> QuerySet[Enquiry]:
    if not (can(user, "enquiry.send") or can(user, "contact.screen")):
        return Enquiry.objects.none()
    return Enquiry.objects.select_related("contact", "child", "sent_by").prefetch_related(
        Prefetch("requests", queryset=AgencyRequest.objects.select_related("opinion")),
        "reviews",
    )


@dataclass(frozen=True)
class Referrer:
    """Who referred, as a partner agency may see it (R11)."""

    description: str


def referrers_for_partner(reports: list[Report]) -> list[Referrer]:
    """Professionals are named by agency; members of the public, family and anonymous are not."""
    seen = []
    for report in reports:
        if report.referrer_type == ReferrerType.PROFESSIONAL:
            words = f"A professional from {report.referrer_agency or 'an agency'}"
        else:
            words = "A member of the public (their identity is protected)"
        if words not in [referrer.description for referrer in seen]:
            seen.append(Referrer(words))
    return seen


@dataclass(frozen=True)
class RequestState:
    request: AgencyRequest
    agency_name: str
    state: str  # "answered", "answered late", "waiting", "overdue", "no timescale"
    late_by: dt.timedelta | None


def request_states(policy: Policy, enquiry: Enquiry, now: dt.datetime) -> list[RequestState]:
    """Each agency's place on its clock, for the manager (R36)."""
    names = {agency.key: agency.name for agency in policy.agencies}
    states = []
    for request in enquiry.requests.all():
        late_by = None
        if request.answered_at:
            late = request.due_at is not None and request.answered_at > request.due_at
            state = "answered late" if late else "answered"
            late_by = request.answered_at - request.due_at if late else None
        elif request.due_at is None:
            state = "no timescale"
        elif now > request.due_at:
            state, late_by = "overdue", now - request.due_at
        else:
            state = "waiting"
        states.append(
            RequestState(request, names.get(request.agency_key, request.agency_key), state, late_by)
        )
    return states


def answers_by_agency(enquiry: Enquiry) -> dict[int, list[Answer]]:
    answers: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(request__enquiry=enquiry).select_related(
        "about_child", "about_adult", "answered_by"
    ):
        answers.setdefault(answer.request_id, []).append(answer)
    return answers


def enquiry_timeline(person) -> list:
    """The MASH enquiries about every report of `person`, for the person's timeline (R33)."""
    from django.urls import reverse

    from frontdoor.people.selectors import TimelineEntry
    from frontdoor.policy.clocks import LONDON

    return [
        TimelineEntry(
            on=enquiry.sent_at.astimezone(LONDON).date(),
            kind="mash_enquiry",
            title=f"{enquiry.rag.title()} MASH enquiry",
            detail=f"{enquiry.requests.count()} agencies asked. {enquiry.reason[:200]}",
            url=reverse("mash:review", args=[enquiry.pk]),
        )
        for enquiry in Enquiry.objects.filter(child__person=person).select_related("contact")
    ]
