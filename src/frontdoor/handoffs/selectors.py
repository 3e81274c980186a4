"""Reads for hand-offs: where each child's stands, for the queues and the administrator (R44)."""

from __future__ import annotations

from django.db.models import QuerySet

from frontdoor.handoffs.models import HandOff

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
