"""Reading screening: each child's checks and suggestions, and the queues (R17-R35)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import CharField, F, OuterRef, Prefetch, QuerySet, Value
from django.utils import timezone

from frontdoor.intake.models import (
    Contact,
    ContactQuerySet,
    ReferrerType,
    ReportedChild,
    YesNoUnknown,
)
from frontdoor.intake.selectors import (
    children_hidden_from,
    children_listed_for,
    children_seen_by,
    contacts_visible_to,
    names_withheld_by_contact,
    redact,
    seen_by,
)
from frontdoor.people.models import Involvement
from frontdoor.people.postcodes import check_postcode
from frontdoor.people.restrictions import whom_to_ask_about_person
from frontdoor.people.selectors import TimelineEntry
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.rag import most_urgent
from frontdoor.policy.schema import OutcomeEffect, Policy
from frontdoor.screening.checks import (
    Check,
    address_check,
    involvement_checks,
    known_check,
    social_care_closed_recently,
)
from frontdoor.screening.checks import open_social_care as open_social_care_episode
from frontdoor.screening.concerns import (
    Concern,
    child_protection_concerns,
    early_help_refusal,
    known_concerns,
)
from frontdoor.screening.consent import ChildConsent, SharingPosition, sharing_position
from frontdoor.screening.criteria import CriterionResult, Evidence, MashEntry, mash_entry
from frontdoor.screening.facts import ChildFacts, Episode, facts_for
from frontdoor.screening.models import ChildScreening, Decision, FollowUp
from frontdoor.screening.police import PolicePosition, police_position
from frontdoor.screening.rag import RagSuggestion, suggest_rag
from frontdoor.screening.threshold import LevelSuggestion, catalogue_by_key, suggest_level
from frontdoor.screening.transitions import OPEN_STATES

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


@dataclass(frozen=True)
class ChildSummary:
    """Everything the worker and manager see for one child, with the evidence behind it."""

    child: ReportedChild
    screening: ChildScreening | None
    facts: ChildFacts
    checks: list[Check]
    level: LevelSuggestion
    concerns: list[Concern]
    mash: MashEntry  # R33, R34: the routes into MASH and the enquiry criteria
    rag: RagSuggestion
    open_social_care: Episode | None
    suggested_outcome: str | None  # an outcome key, when a rule points at one (R17, R19)
    early_help_refusal: str | None  # R28
    decisions: list[Decision]

    @property
    def criteria_met(self) -> list[CriterionResult]:
        """The routes and criteria that let the child's contact into MASH (R33, R34)."""
        return self.mash.met

    @property
    def decision(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def based_on(self) -> int:
        """The sequence of the decision on file: a new decision must say it has seen it."""
        return self.decision.sequence if self.decision else 0


def outcome_with_effect(policy: Policy, effect: OutcomeEffect) -> str | None:
    for outcome in policy.outcomes:
        if outcome.effect == effect:
            return outcome.key
    return None


def child_summary(*, policy: Policy, contact: Contact, child: ReportedChild) -> ChildSummary:
    reports = list(contact.reports.all())
    screening = ChildScreening.objects.filter(child=child).first()
    facts = facts_for(child)
    address = check_postcode(postcode=child.postcode, council_code=policy.council.ons_code)
    checks = [
        address_check(address),
        known_check(facts),
        *involvement_checks(policy, facts, contact.received_at),
    ]
    level = suggest_level(policy, screening.indicators if screening else [])
    concerns = child_protection_concerns(
        screening.concerns if screening else [],
        screening.indicators if screening else [],
        catalogue_by_key(policy),
        known_concerns(contact).get(child.pk, []),  # R5
    )
    mash = mash_entry(
        policy,
        Evidence(
            concerns=concerns,
            facts=facts,
            suggested_level=level.level,
            domestic_abuse_reported=any(
                report.domestic_abuse == YesNoUnknown.YES for report in reports
            ),
            anonymous=any(report.referrer_type == ReferrerType.ANONYMOUS for report in reports),
            more_information_needed=bool(screening and screening.more_information_needed),
            manager_discretion=bool(screening and screening.manager_discretion),
            at=contact.received_at,
        ),
    )
    rag = suggest_rag(
        policy,
        goes_to_mash=mash.goes_to_mash,
        suggested_level=level.level,
        concerns=concerns,
        immediate_need_reported=any(
            report.immediate_protection_needed == YesNoUnknown.YES for report in reports
        ),
        urgent_action_found=bool(screening and screening.urgent_action_needed == "yes"),
        more_information_needed=bool(screening and screening.more_information_needed),
    )
    social_care = open_social_care_episode(facts)
    suggested_outcome = None
    if address.where == "elsewhere":
        suggested_outcome = outcome_with_effect(policy, OutcomeEffect.TRANSFER_TO_COUNCIL)
    elif social_care:
        suggested_outcome = outcome_with_effect(policy, OutcomeEffect.ALLOCATED_WORKER)
    decisions = list(
        Decision.objects.filter(child=child).select_related("decided_by").order_by("sequence")
    )
    return ChildSummary(
        child=child,
        screening=screening,
        facts=facts,
        checks=checks,
        level=level,
        concerns=concerns,
        mash=mash,
        rag=rag,
        open_social_care=social_care,
        suggested_outcome=suggested_outcome,
        early_help_refusal=early_help_refusal(concerns),
        decisions=decisions,
    )


@dataclass(frozen=True)
class ContactScreening:
    contact: Contact
    children: list[ChildSummary]
    sharing: SharingPosition
    follow_ups: list[FollowUp]
    police: PolicePosition
    # R45: whom to ask about each child restricted from the reader (not among `children`).
    restricted_children: list[str] = field(default_factory=list)

    @property
    def meets_no_criterion(self) -> bool:
        """R34: no child meets a MASH criterion, so the enquiries are single-agency."""
        return not any(item.criteria_met for item in self.children)


def next_child(
    contact: Contact, after: ReportedChild, *, without: str, user: User
) -> ReportedChild | None:
    """The contact's next child still without a screening or a decision (`without` is
    "screening" or "decision"), after `after` in the report's order and then from the start:
    where "save and go on to the next child" goes, so a sibling group is worked through in one
    pass. Only a child `user` may see: a restricted sibling is neither named nor linked (R45)."""
    lookup = {"screening": "screening__isnull", "decision": "decisions__isnull"}[without]
    waiting = (
        children_seen_by(user, contact=contact)
        .filter(**{lookup: True})
        .exclude(pk=after.pk)
        .order_by("id")
    )
    return waiting.filter(pk__gt=after.pk).first() or waiting.first()


def contact_screening(
    *, policy: Policy, contact: Contact, user: User | None = None
) -> ContactScreening:
    """Every child's screening of the contact. With `user` (a page), a child restricted from
    them is left out of the children, consent and follow-ups, and listed only by whom to ask
    (R45): the contact stays workable on the children they may see."""
    hidden = children_hidden_from(user, contact=contact) if user is not None else {}
    children = [child for child in contact.children.all() if child.pk not in hidden]
    adults = list(contact.adults.all())
    if user is not None:  # R45: a restricted child's names withheld from their words too
        adults = seen_by(user, contact=contact, rows=adults)
    return ContactScreening(
        contact=contact,
        children=[child_summary(policy=policy, contact=contact, child=child) for child in children],
        sharing=sharing_position(contact=contact, adults=adults, children=children, policy=policy),
        police=police_position(policy=policy, contact=contact),
        follow_ups=list(
            follow_ups_asking(FollowUp.objects.filter(decision__contact=contact), user)
            .select_related("decision__child", "done_by", "report", "replaced_by")
            .order_by("due_at", "id")
        ),
        restricted_children=list(hidden.values()),
    )


@dataclass(frozen=True)
class ChildDecisionView:
    """What one child's decision is judged on: the child's summary, their consent position and
    the contact's police position (R12-R16, R24, R25)."""

    summary: ChildSummary
    sharing: ChildConsent
    police: PolicePosition


def child_decision_view(
    *, policy: Policy, contact: Contact, child: ReportedChild
) -> ChildDecisionView:
    """`contact_screening` for the one child being decided, as read now: their siblings'
    summaries and consent positions are not built."""
    child = next(each for each in contact.children.all() if each.pk == child.pk)
    return ChildDecisionView(
        summary=child_summary(policy=policy, contact=contact, child=child),
        sharing=sharing_position(
            contact=contact, adults=contact.adults.all(), children=[child], policy=policy
        ).for_child(child),
        police=police_position(policy=policy, contact=contact),
    )


# Queues (R25): contacts the front door is working on, soonest due first.


def _queue_base(user: User, states: Iterable[str] = OPEN_STATES) -> ContactQuerySet:
    # A contact about a restricted person stays in the queue, showing only whom to ask (R45).
    return (
        contacts_visible_to(user, restricted_rows=True)
        .filter(state__in=states)
        .select_related("assignment__worker")
        .prefetch_related(
            Prefetch("children", queryset=children_listed_for(user).order_by("id")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.order_by("sequence").only(
                    "contact_id", "child_id", "rag", "sequence", "level", "outcome_label"
                ),
            ),
            Prefetch(
                "child_screenings",
                queryset=ChildScreening.objects.only(
                    "contact_id", "child_id", "concerns", "indicators"
                ),
            ),
        )
        .order_by("progress_due_at", "received_at", "id")
    )


def screening_queue(
    *, user: User, state: str = "", overdue_only: bool = False, now=None
) -> QuerySet[Contact]:
    """The MASH manager's queue: every open contact, soonest due first (R25)."""
    contacts = _queue_base(user)
    if state:
        contacts = contacts.filter(state=state)
    if overdue_only:
        contacts = contacts.overdue(now or timezone.now())
    return contacts


# How far back the manager's queue lists decided contacts, with where each child's hand-off to
# the case record stands (R44).
RECENTLY_DECIDED = dt.timedelta(days=7)


def recently_decided(*, user: User, now: dt.datetime) -> QuerySet[Contact]:
    """Contacts whose children were all decided within RECENTLY_DECIDED, the latest first: the
    queues leave a contact once it is decided, and these rows say whether each child reached
    the case record (R44)."""
    return (
        _queue_base(user, states=(Contact.State.DECIDED, Contact.State.CLOSED))
        .filter(progressed_at__gte=now - RECENTLY_DECIDED)
        .order_by("-progressed_at", "-id")
    )


def my_work(*, user: User) -> QuerySet[Contact]:
    return _queue_base(user).filter(assignment__worker=user)


def team_queue(*, user: User, team: str) -> QuerySet[Contact]:
    return _queue_base(user).filter(assignment__team=team) if team else Contact.objects.none()


def follow_ups_asking(follow_ups: QuerySet[FollowUp], user: User | None) -> QuerySet[FollowUp]:
    """`follow_ups`, each annotated with whom to ask (`restricted_ask`) when its child is
    restricted from `user`, else None (R45): a list shows it only as "Restricted: ask ...",
    neither naming the child nor offering to record it done, so whoever cannot close the
    contact knows why and whom to ask. One subquery, no query per row."""
    if user is None:
        return follow_ups.annotate(restricted_ask=Value(None, output_field=CharField()))
    return follow_ups.annotate(
        restricted_ask=whom_to_ask_about_person(user, person=OuterRef("decision__child__person"))
    )


def follow_ups_due(
    *, user: User | None = None, kinds: list[str] | None = None
) -> QuerySet[FollowUp]:
    """What must follow decisions and is not yet done, soonest due first (R23, R30, R31)."""
    follow_ups = (
        FollowUp.objects.open()
        .select_related("decision__contact", "decision__child", "report")
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )
    if kinds:
        follow_ups = follow_ups.filter(kind__in=kinds)
    if user is not None:
        follow_ups = follow_ups.filter(
            decision__contact__assignment__worker=user,
            decision__contact__in=contacts_visible_to(user),
        )
    return follow_ups_asking(follow_ups, user)


def follow_ups_seen_by(user: User, follow_ups: Iterable[FollowUp]) -> list[FollowUp]:
    """`follow_ups` of any contacts as `user` may read them (R45): a list of several contacts'
    follow-ups (a queue) has no one contact's `names_withheld` for the `unnamed` filter, so each
    note comes with the names of its contact's children restricted from `user` withheld.
    Copies, never saved: the record keeps what was written."""
    follow_ups = list(follow_ups)
    withheld = names_withheld_by_contact(
        user, contact_ids=[follow_up.decision.contact_id for follow_up in follow_ups]
    )
    seen = []
    for follow_up in follow_ups:
        names = withheld.get(follow_up.decision.contact_id)
        if names and follow_up.note:
            follow_up = copy.copy(follow_up)
            follow_up.note = redact(follow_up.note, names)
        seen.append(follow_up)
    return seen


@dataclass(frozen=True)
class QueueRow:
    contact: Contact
    children: list[str]
    rag: str  # the latest decided RAG across the contact's children, or ""
    # R23: screening found child-protection concerns: the manager sees it at once.
    protection_concerns: bool
    # R21: a child's social care closed within the policy's months: the managers see it.
    closed_recently: bool
    worker: str
    due_at: dt.datetime | None
    overdue: bool
    left: dt.timedelta | None
    paused: bool  # R15: back with the referrer for consent, its clock stopped
    restricted_ask: str | None = None  # whom to ask, in place of the children's names (R45)
    decided: bool = False  # a child is decided: a blank `rag` then means not for MASH
    # Before a decision, the RAG the contact's MASH enquiry stands at (R35, R38), or "".
    enquiry_rag: str = ""
    # Where each child's hand-off to the case record stands (R44): (child's name, words); the
    # name is empty on a restricted row.
    handoffs: tuple[tuple[str, str], ...] = ()


# Apps above `screening` (mash) give the RAG each contact's MASH enquiries stand at, for the
# queues, from their AppConfig.ready: each source takes contact ids and gives a RAG by id.
_QUEUE_RAG_SOURCES: list[Callable[[list[int]], dict[int, str]]] = []


def add_queue_rag_source(source: Callable[[list[int]], dict[int, str]]) -> None:
    _QUEUE_RAG_SOURCES.append(source)


# Apps above `screening` (handoffs) say where each contact's hand-offs stand, for the queues:
# each source takes contact ids and gives (reported child's id, words) pairs by contact id.
_QUEUE_HANDOFF_SOURCES: list[Callable[[list[int]], dict[int, list[tuple[int, str]]]]] = []


def add_queue_handoff_source(
    source: Callable[[list[int]], dict[int, list[tuple[int, str]]]],
) -> None:
    _QUEUE_HANDOFF_SOURCES.append(source)


def queue_rows(contacts, now: dt.datetime, policy: Policy) -> list[QueueRow]:
    """One page of a queue, with what a manager must see at once about each contact."""
    contacts = list(contacts)
    catalogue = catalogue_by_key(policy)
    closed = _social_care_closures(contacts)
    enquiry_rags: dict[int, str] = {}
    for source in _QUEUE_RAG_SOURCES:
        enquiry_rags |= source([contact.pk for contact in contacts])
    handoffs: dict[int, list[tuple[int, str]]] = {}
    for handoff_source in _QUEUE_HANDOFF_SOURCES:
        for contact_id, lines in handoff_source([contact.pk for contact in contacts]).items():
            handoffs.setdefault(contact_id, []).extend(lines)
    rows = []
    for contact in contacts:
        # Each child as the queue names them: "Restricted: ask ..." for one restricted from the
        # reader (R45; `restricted_ask` from children_listed_for), here and on their hand-offs.
        listed = {
            child.pk: f"Restricted: ask {child.restricted_ask}"
            if getattr(child, "restricted_ask", None)
            else str(child)
            for child in contact.children.all()
        }
        rag = most_urgent(decision.rag for decision in contact.decisions.all())
        assignment = getattr(contact, "assignment", None)
        due = contact.progress_due_at
        restricted_ask = getattr(contact, "restricted_ask", None)
        rows.append(
            QueueRow(
                contact=contact,
                children=[] if restricted_ask else list(listed.values()),
                rag=rag,
                protection_concerns=any(
                    child_protection_concerns(screening.concerns, screening.indicators, catalogue)
                    for screening in contact.child_screenings.all()
                )
                # R5: an expectant parent under 13, known before anyone screens.
                or bool(known_concerns(contact)),
                closed_recently=any(
                    social_care_closed_recently(
                        policy,
                        ChildFacts(linked=True, episodes=closed.get(child.person_id, [])),
                        contact.received_at.astimezone(LONDON).date(),
                    )
                    for child in contact.children.all()
                    if child.person_id
                ),
                worker=str(assignment.worker) if assignment and assignment.worker else "",
                due_at=due,
                overdue=contact.is_overdue(now),
                left=(due - now) if due else None,
                paused=contact.is_with_the_referrer,
                restricted_ask=restricted_ask,
                decided=bool(contact.decisions.all()),
                enquiry_rag=enquiry_rags.get(contact.pk, ""),
                handoffs=tuple(
                    ("" if restricted_ask else listed.get(child_id, ""), words)
                    for child_id, words in handoffs.get(contact.pk, [])
                ),
            )
        )
    return rows


def _social_care_closures(contacts: list[Contact]) -> dict[int, list[Episode]]:
    """The ended social care involvements of the people a page of contacts is about (R21)."""

    people = {child.person_id for c in contacts for child in c.children.all() if child.person_id}
    closures: dict[int, list[Episode]] = {}
    for involvement in Involvement.objects.filter(
        person_id__in=people, kind=Involvement.Kind.SOCIAL_CARE, ended_on__isnull=False
    ):
        closures.setdefault(involvement.person_id, []).append(
            Episode(involvement.kind, involvement.started_on, involvement.ended_on)
        )
    return closures


def decision_timeline(person) -> list:
    """The manager's decisions for every report of `person`, for the person's timeline (R25)."""
    from django.urls import reverse

    return [
        TimelineEntry(
            on=decision.decided_at.astimezone(LONDON).date(),
            kind="decision",
            title=f"Decision: {decision.outcome_label}",
            detail=(
                f"Level {decision.level}"
                + (f", RAG {decision.get_rag_display()}" if decision.rag else "")
                + (", a referral" if decision.becomes_referral else "")
                + f". {decision.decided_by}: {decision.rationale[:200]}"
            ),
            url=reverse("screening:contact", args=[decision.contact.reference]),
            contact_id=decision.contact_id,
        )
        for decision in Decision.objects.filter(child__person=person).select_related(
            "contact", "decided_by"
        )
    ]
