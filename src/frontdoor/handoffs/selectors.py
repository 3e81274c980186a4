"""Reads for hand-offs: where each child's stands, for the queues and the administrator (R44)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from frontdoor.accounts.permissions import can
from frontdoor.handoffs.models import HandOff
from frontdoor.handoffs.payload import HandOffPayload, HandOffReport
from frontdoor.intake.models import ReportedAdult
from frontdoor.intake.selectors import (
    FREE_TEXT_FIELDS,
    REPORT_TEXT_FIELDS,
    Withheld,
    names_withheld_from,
    redact,
)
from frontdoor.people.matching import MIN_SCORE, describe, name_readings, readings_filter, score
from frontdoor.people.models import Restriction
from frontdoor.people.names import NAME_WORD
from frontdoor.people.restrictions import restrictions_hiding_from
from frontdoor.policy.councils import of_served_council
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import OutcomeEffect

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

# The hand-offs an administrator must look at: still failing, or stopped.
TROUBLED = (HandOff.State.FAILING, HandOff.State.DEAD)


def state_words(handoff: HandOff) -> str:
    """Where a hand-off stands, in words: waiting, delivered, accepted with the record's id,
    failing with why."""
    to = handoff.record_system_name
    what = "Amendment" if handoff.kind == HandOff.Kind.AMENDMENT else "Hand-off"
    match handoff.state:
        case HandOff.State.ACCEPTED:
            return f"{what} accepted by {to} as {handoff.external_id}"
        case HandOff.State.DELIVERED:
            return f"{what} delivered to {to}, not yet accepted"
        case HandOff.State.FAILING:
            return f"{what} to {to} failing: {handoff.last_error}; trying again"
        case HandOff.State.DEAD:
            return (
                f"{what} to {to} stopped: {handoff.last_error}; sent again once {to} answers "
                "again, or by an administrator"
            )
        case HandOff.State.REPLACED if handoff.withdrawn:
            when = handoff.replaced_at
            on = f" on {timezone.localtime(when):%-d %b %Y at %H:%M}" if when else ""
            return (
                f"{what} to {to} withdrawn{on} before {to} took it: the decision was revised "
                f"and no longer hands the child to {to}"
            )
        case HandOff.State.REPLACED:
            successor = handoff.replaced_by_id
            return f"{what} to {to} replaced by hand-off {successor} before it was taken"
        case _:
            return f"{what} waiting to be delivered to {to}"


def queue_handoffs(contact_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """For the queues: each contact's hand-offs in force, as (the reported child's id, words).
    The queue names the child as it names them in its own column (R45)."""
    found: dict[int, list[tuple[int, str]]] = {}
    for handoff in (
        HandOff.objects.filter(contact_id__in=contact_ids)
        .exclude(state=HandOff.State.REPLACED)
        .order_by("id")
    ):
        found.setdefault(handoff.contact_id, []).append((handoff.child_id, state_words(handoff)))
    return found


def child_handoffs(child_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """For the contact and person pages: each reported child's hand-offs in force, and those
    withdrawn (`HandOff.withdrawn`), as (contact reference, words), by the child's id. One
    replaced by a hand-off to the same record is left out: its successor's line stands for it."""
    found: dict[int, list[tuple[str, str]]] = {}
    for handoff in (
        HandOff.objects.filter(child_id__in=child_ids)
        .select_related("contact", "replaced_by")
        .order_by("id")
    ):
        if handoff.state == HandOff.State.REPLACED and not handoff.withdrawn:
            continue
        found.setdefault(handoff.child_id, []).append(
            (handoff.contact.reference, state_words(handoff))
        )
    return found


def handoffs_of_served_council() -> QuerySet[HandOff]:
    """The hand-offs of the council served: its own children to its own records (R44)."""
    return HandOff.objects.filter(of_served_council("contact__council"))


def troubled() -> QuerySet[HandOff]:
    """Failing and stopped hand-offs, stopped first, then the oldest."""
    return (
        handoffs_of_served_council()
        .filter(state__in=TROUBLED)
        .select_related("contact", "child")
        .prefetch_related("deliveries")
        .order_by("state", "created_at", "id")  # "dead" sorts before "failing"
    )


@dataclass(frozen=True)
class Untaken:
    """How many hand-offs to one record wait for it to take them: by hand on the early help
    page, or fetched through the API by a record with no webhook."""

    name: str
    count: int
    by_hand: bool


def untaken(webhooks: Iterable[str]) -> list[Untaken]:
    """For the administrators' page: each record's hand-offs still to be taken (R20, R44). Early
    help's children are taken by an early help worker until accepted, whether or not a webhook
    told the record of them; another record with no webhook (`webhooks`, the keys that have
    one) fetches those still waiting."""
    policy = current_policy().handoffs
    early_help = policy.record_system_for(OutcomeEffect.EARLY_HELP)
    found = []
    for system in policy.record_systems:
        rows = handoffs_of_served_council().filter(record_system=system.key)
        by_hand = early_help is not None and system.key == early_help.key
        if by_hand:
            rows = rows.exclude(state__in=(HandOff.State.ACCEPTED, HandOff.State.REPLACED))
        elif system.key not in webhooks:
            rows = rows.filter(state=HandOff.State.WAITING)
        else:
            continue
        if count := rows.count():
            found.append(Untaken(name=system.name, count=count, by_hand=by_hand))
    return found


def early_help_handoffs(
    user: User, *, restricted_rows: bool = False, replaced: bool = False
) -> QuerySet[HandOff]:
    """The hand-offs to the council's early help record, for the early help worker who takes
    them (R20, R44): the children routed to early help, and the amendments when a decision
    about them was revised. Those not yet taken come first, then the newest first.

    A hand-off closed to `user` (`restrictions_closing_handoff`) is left out (R45). With
    `restricted_rows` it stays in, annotated with whom to ask (`restricted_ask`, None when the
    user may open it), so the list counts it without naming anyone. With `replaced`, only the
    hand-offs a revised decision replaced before they were taken, which are otherwise left out.
    """
    system = current_policy().handoffs.record_system_for(OutcomeEffect.EARLY_HELP)
    if system is None or not can(user, "early_help.receive"):
        return HandOff.objects.none()
    state_is_replaced = Q(state=HandOff.State.REPLACED)
    handoffs = (
        handoffs_of_served_council()
        .filter(record_system=system.key)
        .filter(state_is_replaced if replaced else ~state_is_replaced)
        .select_related("child", "contact", "accepted_by")
        .annotate(
            taken=Case(
                When(state=HandOff.State.ACCEPTED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("taken", "-created_at", "-id")
    )
    closing = restrictions_closing_handoff(
        user, child_person=OuterRef("child__person_id"), contact=OuterRef("contact_id")
    )
    if restricted_rows:
        return handoffs.annotate(restricted_ask=Subquery(closing.values("ask")[:1]))
    return handoffs.exclude(Exists(closing))


def restrictions_closing_handoff(user: User, *, child_person, contact) -> QuerySet[Restriction]:
    """Restrictions keeping `user` out of a hand-off of a child (R45): one on the child
    (`child_person`, their person's id), or one on an adult of the contact (`contact`, its id),
    which closes the whole contact as on every page. A restricted brother or sister leaves it
    open, as the contact's pages stay open: their names are withheld from its words
    (`payload_seen_by`). Either argument may be an OuterRef."""
    return restrictions_hiding_from(user).filter(
        Q(person=child_person) | Q(person__reported_as_adult__contact=contact)
    )


def early_help_to_take(user: User, *, search: str = "") -> QuerySet[HandOff]:
    """The children routed to early help not yet taken, the newest first, with restricted rows;
    those `search` finds (`early_help_found`) when given (R20, R45)."""
    return (
        early_help_found(early_help_handoffs(user, restricted_rows=True), search)
        .exclude(state=HandOff.State.ACCEPTED)
        .order_by("-created_at", "-id")
    )


def early_help_taken(user: User, *, search: str = "") -> QuerySet[HandOff]:
    """The children routed to early help and taken, the most recently taken first, with
    restricted rows; those `search` finds (`early_help_found`) when given (R20, R45)."""
    return (
        early_help_found(early_help_handoffs(user, restricted_rows=True), search)
        .filter(state=HandOff.State.ACCEPTED)
        .order_by("-accepted_at", "-id")
    )


def early_help_found(handoffs: QuerySet[HandOff], search: str) -> QuerySet[HandOff]:
    """The early help hand-offs (`early_help_handoffs` with restricted rows) that what the early
    help worker typed finds (R20): the contact's reference, the child's identifier in the early
    help record, or the child's name, matched as the search of records matches it (R18: "Ellis",
    "ELLIS" and "Elis" find Ellis; "Examplechild Ellis" too). No search: all of them.

    A search never lists a restricted row (R45): found by the child's name, "Restricted: ask"
    would confirm that the child named was routed to early help."""
    text = " ".join(search.split())
    if not text:
        return handoffs
    handoffs = handoffs.filter(Q(restricted_ask__isnull=True))  # annotated by early_help_handoffs
    found = Q(external_id__iexact=text)
    compact = re.sub(r"[\s-]", "", text).upper()
    if len(compact) == 10 and compact.startswith("FD"):  # FD-BCDF-GHJK, fd bcdf ghjk
        found |= Q(contact__reference=f"FD-{compact[2:6]}-{compact[6:]}")
    words = [match[0] for match in NAME_WORD.finditer(text)]
    surname_first = "," in text  # "Smith, Jo"
    if surname_first:
        words = [*words[1:], *words[:1]]
    readings = name_readings(words, either_order=not surname_first)
    keys = readings_filter(readings, prefix="child__")
    if keys is not None:
        queries = [describe(**names) for names in readings]
        named = [
            handoff.pk
            for handoff in handoffs.filter(keys)
            if max(score(query, handoff.child).score for query in queries) >= MIN_SCORE  # type: ignore[arg-type]  # a reported child has the names scored
        ]
        found |= Q(pk__in=named)
    return handoffs.filter(found)


def restriction_hiding_early_help_handoff(*, user: User, pk: int) -> Restriction | None:
    """The restriction that keeps `user` out of an early help hand-off they could otherwise
    open (R45: `restrictions_closing_handoff`)."""
    found = (
        early_help_handoffs(user, restricted_rows=True)
        .filter(pk=pk)
        .values_list("child__person_id", "contact_id")
        .first()
    )
    if found is None:
        return None
    child_person, contact = found
    return restrictions_closing_handoff(user, child_person=child_person, contact=contact).first()


@dataclass(frozen=True)
class ReportSeen:
    """One report of a hand-off's payload as its reader may read it (R45)."""

    report: HandOffReport
    parts_withheld: bool  # a restricted child's names were withheld from its words


def _report_seen(report: HandOffReport, withheld: list[Withheld]) -> ReportSeen:
    """The payload's copy of a report with the names withheld from each of its fields that is in
    `REPORT_TEXT_FIELDS`: its own, and the referrer's (`referrer_relationship` is the payload's
    `referrer.relationship`)."""
    own: dict[str, str] = {}
    referrer: dict[str, str] = {}
    for name in REPORT_TEXT_FIELDS:
        holder, field, changes = (
            (report.referrer, name.removeprefix("referrer_"), referrer)
            if name.startswith("referrer_")
            else (report, name, own)
        )
        if field not in type(holder).model_fields:
            continue  # the payload does not carry it
        before = getattr(holder, field)
        after = redact(before, withheld)
        if after != before:
            changes[field] = after
    if referrer:
        own_referrer = report.referrer.model_copy(update=referrer)
        return ReportSeen(report.model_copy(update={**own, "referrer": own_referrer}), True)
    return ReportSeen(report.model_copy(update=own), bool(own))


def payload_seen_by(user: User, *, handoff: HandOff) -> tuple[HandOffPayload, list[ReportSeen]]:
    """A hand-off's payload, and its reports as `user` may read them (R45): a restricted
    child's names withheld from the referrer's words, as `intake.selectors.reports_seen_by`
    withholds them on every other page, by the restrictions in force now; and from the
    decision's rationale and the adults' relationships, which the page shows too. The payload kept
    with the hand-off, and what the case record receives, keep the referrer's words: the
    record keeps a restricted person restricted itself (the payload's `restricted`)."""
    payload = HandOffPayload.model_validate(handoff.payload)
    withheld = names_withheld_from(user, contact=handoff.contact)
    if not withheld:
        return payload, [ReportSeen(report, False) for report in payload.reports]
    # The decision's rationale and the adults' words may name the brother or sister as well.
    payload = payload.model_copy(
        update={
            "decision": payload.decision.model_copy(
                update={"rationale": redact(payload.decision.rationale, withheld)}
            ),
            "adults": [
                adult.model_copy(
                    update={
                        name: redact(getattr(adult, name), withheld)
                        for name in FREE_TEXT_FIELDS[ReportedAdult]
                    }
                )
                for adult in payload.adults
            ],
        }
    )
    return payload, [_report_seen(report, withheld) for report in payload.reports]
