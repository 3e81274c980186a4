"""Reads for hand-offs: where each child's stands, for the queues and the administrator (R44)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from frontdoor.accounts.permissions import can
from frontdoor.handoffs.models import HandOff
from frontdoor.people.models import Restriction
from frontdoor.people.restrictions import (
    restriction_hiding_person,
    restrictions_closing_contact,
    whom_to_ask_about_contact,
    whom_to_ask_about_person,
)
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import OutcomeEffect

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
                f"{what} to {to} stopped: {handoff.last_error}; an administrator must send it again"
            )
        case _:
            return f"{what} waiting to be delivered to {to}"


def queue_handoffs(contact_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """For the queues: each contact's hand-offs in force, as (child's name, words)."""
    found: dict[int, list[tuple[str, str]]] = {}
    for handoff in (
        HandOff.objects.filter(contact_id__in=contact_ids)
        .exclude(state=HandOff.State.REPLACED)
        .select_related("child")
        .order_by("id")
    ):
        found.setdefault(handoff.contact_id, []).append((str(handoff.child), state_words(handoff)))
    return found


def child_handoffs(child_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """For the contact and person pages: each reported child's hand-offs in force, as (contact
    reference, words), by the child's id."""
    found: dict[int, list[tuple[str, str]]] = {}
    for handoff in (
        HandOff.objects.filter(child_id__in=child_ids)
        .exclude(state=HandOff.State.REPLACED)
        .select_related("contact")
        .order_by("id")
    ):
        found.setdefault(handoff.child_id, []).append(
            (handoff.contact.reference, state_words(handoff))
        )
    return found


def troubled() -> QuerySet[HandOff]:
    """Failing and stopped hand-offs, stopped first, then the oldest."""
    return (
        HandOff.objects.filter(state__in=TROUBLED)
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
        rows = HandOff.objects.filter(record_system=system.key)
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
    user, *, restricted_rows: bool = False, replaced: bool = False
) -> QuerySet[HandOff]:
    """The hand-offs to the council's early help record, for the early help worker who takes
    them (R20, R44): the children routed to early help, and the amendments when a decision
    about them was revised. Those not yet taken come first, then the newest first.

    A hand-off is about one child: it is left out when that child is restricted from `user`,
    or its whole contact is closed to them (R45, `restrictions_closing_contact`), as every other
    page does; a sibling's hand-off stays open. With `restricted_rows` it stays in, annotated
    with whom to ask (`restricted_ask`, None when the user may open it), so the list counts it
    without naming anyone. With `replaced`, only the hand-offs a revised decision replaced
    before they were taken, which are otherwise left out.
    """
    system = current_policy().handoffs.record_system_for(OutcomeEffect.EARLY_HELP)
    if system is None or not can(user, "early_help.receive"):
        return HandOff.objects.none()
    state_is_replaced = Q(state=HandOff.State.REPLACED)
    handoffs = (
        HandOff.objects.filter(record_system=system.key)
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
        .annotate(
            restricted_ask=Coalesce(
                whom_to_ask_about_person(user, person=OuterRef("child__person_id")),
                whom_to_ask_about_contact(user, contact=OuterRef("contact")),
            )
        )
    )
    if restricted_rows:
        return handoffs
    return handoffs.filter(restricted_ask__isnull=True)


def early_help_to_take(user) -> QuerySet[HandOff]:
    """The children routed to early help not yet taken, the newest first, with restricted rows
    (R20, R45)."""
    return (
        early_help_handoffs(user, restricted_rows=True)
        .exclude(state=HandOff.State.ACCEPTED)
        .order_by("-created_at", "-id")
    )


def early_help_taken(user) -> QuerySet[HandOff]:
    """The children routed to early help and taken, the most recently taken first, with
    restricted rows (R20, R45)."""
    return (
        early_help_handoffs(user, restricted_rows=True)
        .filter(state=HandOff.State.ACCEPTED)
        .order_by("-accepted_at", "-id")
    )


def restriction_hiding_early_help_handoff(*, user, pk: int) -> Restriction | None:
    """The restriction that keeps `user` out of an early help hand-off they could otherwise
    open: the child's own, or one closing the whole contact (R45)."""
    found = (
        early_help_handoffs(user, restricted_rows=True)
        .filter(pk=pk)
        .values_list("contact_id", "child__person_id")
        .first()
    )
    if found is None:
        return None
    contact_id, person_id = found
    own = restriction_hiding_person(user=user, person_id=person_id) if person_id else None
    return own or restrictions_closing_contact(user, contact=contact_id).first()
