"""Making hand-offs from decisions, handing them to a record system that pulls, and taking its
answer (R44, R45). Webhook delivery is in `delivery`.

One hand-off per child and outcome is in force. A decision revised before its hand-off was
delivered replaces the hand-off; one revised after delivery makes an amendment naming the
hand-off it amends, sent to the same record. A child routed to a record that has had nothing of
them gets a hand-off of its own.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from frontdoor.accounts.permissions import PermissionDeniedError, can, require
from frontdoor.accounts.scopes import token_use_of
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.handoffs import identifiers
from frontdoor.handoffs.models import HandOff, HandOffSequence, IdentifierCorrection
from frontdoor.handoffs.payload import PAYLOAD_VERSION, build_payload
from frontdoor.handoffs.selectors import early_help_handoffs, handoffs_of_served_council
from frontdoor.handoffs.webhooks import webhook_for
from frontdoor.outbox.models import Channel
from frontdoor.outbox.services import queue_message
from frontdoor.people.models import ExternalIdentifier, Person
from frontdoor.policy.registry import current_loaded_policy
from frontdoor.policy.schema import OutcomeEffect
from frontdoor.screening.models import Decision
from frontdoor.screening.selectors import ChildSummary
from frontdoor.screening.transfers import TRANSFER_BASIS

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.intake.models import ReportedChild

# How a hand-off to the council's own record is lawful (R45): the Children Act's duties. Early
# help has none: it rests on consent (R12), which the disclosure log reads from screening.
STATUTORY_BASIS = {
    OutcomeEffect.ASSESSMENT: "Children Act 1989, section 17: assessment of a child in need",
    OutcomeEffect.STRATEGY_DISCUSSION: "Children Act 1989, section 47: enquiries",
    OutcomeEffect.EMERGENCY_LEGAL_ACTION: "Children Act 1989, section 47: enquiries",
    OutcomeEffect.ALLOCATED_WORKER: "Children Act 1989, section 17: the child's open case",
    OutcomeEffect.TRANSFER_TO_COUNCIL: TRANSFER_BASIS,
    OutcomeEffect.NO_FURTHER_ACTION: "Children Act 1989, section 17: correcting the record",
}
# Hand-offs still to be delivered, by either way.
UNDELIVERED = (HandOff.State.WAITING, HandOff.State.FAILING, HandOff.State.DEAD)


class HandOffConflict(DomainError):
    """The record system's answer contradicts what it said before."""


class CursorAhead(DomainError):
    """A pull's cursor is past every number given: it is not one the API gave."""


class UnknownRecordSystem(DomainError):
    """A pull names a record system the council's policy does not."""


class NotTheRecords(DomainError):
    """The hand-off is another record system's: to this one it does not exist (404)."""


def receiving_system(user: User) -> str:
    """The record system whose hand-offs `user` receives: the one the API token they act
    through names (`accounts.tokens.receiving_for`). A record's account lists and accepts its
    own record's hand-offs and never another's, whatever its role allows (R44, R45)."""
    require(user, "handoffs.receive")
    use = token_use_of(user)
    if use is None or not use.record_system:
        raise PermissionDeniedError(
            "This token receives hand-offs for no record system: a record system's own token, "
            "issued naming it (issue-token --scope handoffs:receive --record-system lcs), "
            "receives them."
        )
    return use.record_system


def _restricted(decision: Decision) -> bool:
    """R45: whether the child or an adult of the contact is a restricted person."""
    return Person.objects.filter(
        Q(reported_as_child=decision.child_id) | Q(pk__in=decision.contact.adults.values("person")),
        restricted=True,
    ).exists()


def next_sequence() -> int:
    """The next number of the pull API's cursor, taken in the caller's transaction.

    The update locks the counter's one row until the transaction ends, so a second hand-off is
    numbered only once the first is committed or rolled back: the numbers are committed in
    order, and a poller that has seen number n will never later find a new one below it.
    """
    if not HandOffSequence.objects.filter(pk=1).update(last=F("last") + 1):
        HandOffSequence.objects.get_or_create(pk=1)
        HandOffSequence.objects.filter(pk=1).update(last=F("last") + 1)
    return HandOffSequence.objects.values_list("last", flat=True).get(pk=1)


def _create(
    *,
    decision: Decision,
    summary: ChildSummary,
    system_key: str,
    system_name: str,
    amends: HandOff | None,
    replaces: HandOff | None,
    restricted: bool,
    now: dt.datetime,
) -> HandOff:
    effect = OutcomeEffect(decision.outcome_effect)
    handoff = HandOff.objects.create(
        kind=HandOff.Kind.AMENDMENT if amends else HandOff.Kind.HANDOFF,
        decision=decision,
        contact=decision.contact,
        child=decision.child,
        outcome=decision.outcome,
        effect=effect.value,
        record_system=system_key,
        record_system_name=system_name,
        amends=amends,
        restricted=restricted,
        payload_version=PAYLOAD_VERSION,
        payload={},
        lawful_basis=STATUTORY_BASIS.get(effect, ""),
        created_at=now,
        next_attempt_at=now,
        sequence=next_sequence(),
    )
    handoff.payload = build_payload(
        handoff_id=handoff.pk,
        kind=handoff.kind,
        amends=amends.pk if amends else None,
        replaces=replaces.pk if replaces else None,
        record_system=system_key,
        created_at=now,
        restricted=restricted,
        decision=decision,
        summary=summary,
    ).model_dump(mode="json")
    handoff.save(update_fields=["payload"])
    return handoff


def hand_off_decision(decision: Decision, summary: ChildSummary) -> list[HandOff]:
    """Make what `decision` hands off to the case record (R44), in the decision's transaction.

    Registered with screening as a decision listener. Returns the hand-offs made.
    """
    policy = current_loaded_policy().policy
    system = policy.handoffs.record_system_for(decision.outcome_effect)
    now = decision.decided_at
    in_force = list(
        HandOff.objects.select_for_update()
        .filter(child=decision.child)
        .exclude(state=HandOff.State.REPLACED)
        .order_by("id")
    )
    pending = [h for h in in_force if not h.delivered]
    if pending:  # replaced first, so that the new hand-off may take the child and outcome
        HandOff.objects.filter(pk__in=[h.pk for h in pending]).update(
            state=HandOff.State.REPLACED, replaced_at=now, next_attempt_at=None
        )
    # What each record may have listed and not yet taken: its new hand-off names it (`replaces`).
    pending_for = {h.record_system: h for h in pending}
    restricted = _restricted(decision)
    made: list[HandOff] = []
    # The first hand-off delivered to each record: amendments refer to it.
    delivered_to: dict[str, HandOff] = {}
    for handoff in in_force:
        if handoff.delivered and handoff.kind == HandOff.Kind.HANDOFF:
            delivered_to.setdefault(handoff.record_system, handoff)
    for first in delivered_to.values():
        made.append(
            _create(
                decision=decision,
                summary=summary,
                system_key=first.record_system,
                system_name=first.record_system_name,
                amends=first,
                replaces=pending_for.get(first.record_system),
                restricted=restricted,
                now=now,
            )
        )
    if system is not None and system.key not in delivered_to:
        try:
            with transaction.atomic():
                made.append(
                    _create(
                        decision=decision,
                        summary=summary,
                        system_key=system.key,
                        system_name=system.name,
                        amends=None,
                        replaces=pending_for.get(system.key),
                        restricted=restricted,
                        now=now,
                    )
                )
        except IntegrityError:
            # At most once per child and outcome: this one is in force already.
            pass
    for old in pending:
        # The revision's hand-off to the same record, or else the one it made elsewhere.
        successor = next((h for h in made if h.record_system == old.record_system), None)
        if made:
            HandOff.objects.filter(pk=old.pk).update(replaced_by=successor or made[-1])
        if successor is None:  # the record has no new hand-off saying it `replaces` this one
            announce_withdrawal(old, by=decision.decided_by, at=now)
    for handoff in made:
        audit.record(
            actor=decision.decided_by,
            action="handoff.made",
            target=decision.contact,
            changes={
                "handoff": handoff.pk,
                "kind": handoff.kind,
                "record_system": handoff.record_system,
                "child": str(decision.child),
                **({"amends": handoff.amends_id} if handoff.amends_id else {}),
                **({"replaces": [h.pk for h in pending]} if pending else {}),
            },
            at=now,
        )
    if made:
        transaction.on_commit(_wake_delivery)
    return made


# The webhook event of a withdrawal (docs/handoff.md).
WITHDRAWN = "handoff.withdrawn"


def announce_withdrawal(handoff: HandOff, *, by: User | None, at: dt.datetime) -> None:
    """Tell a record with a webhook that `handoff`, replaced before it was delivered, is
    withdrawn: the decision was revised and no longer hands the child to it (R44).

    Only when a try was made: the record may have taken it although its answer was lost. Sent
    through the outbox in the decision's transaction, keyed by the hand-off, so it is queued
    once, tried again until the record takes it, and never sent twice (`delivery.WebhookSender`).
    A record that pulls is told by the 409 of its accept (`replaced_words`).
    """
    webhook = webhook_for(handoff.contact.council_id or "", handoff.record_system)
    if webhook is None or not handoff.deliveries.exists():
        return
    data = {
        "version": PAYLOAD_VERSION,
        "id": handoff.pk,
        "record_system": handoff.record_system,
        "contact": {"reference": handoff.contact.reference},
        "restricted": handoff.restricted,
        "withdrawn_at": at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "reason": replaced_words(handoff),
    }
    queue_message(
        key=f"msg_handoff_{handoff.pk}_withdrawn",
        kind=WITHDRAWN,
        to=handoff.record_system,
        subject=f"Hand-off {handoff.pk} withdrawn",
        body=json.dumps(data, separators=(",", ":")),
        channel=Channel.WEBHOOK,
        about=handoff.contact.reference,
    )
    audit.record(
        actor=by,
        action="handoff.withdrawn",
        target=handoff.contact,
        changes={"handoff": handoff.pk, "record_system": handoff.record_system},
        at=at,
    )


def _wake_delivery() -> None:
    from frontdoor.handoffs.delivery import wake_delivery  # delivery imports this module

    wake_delivery()


def mark_delivered(handoff: HandOff, *, how: str, at: dt.datetime, by: User | None = None) -> None:
    """Note that `handoff` reached its record: a disclosure within the council (R45).

    Called with the hand-off locked. The audit entry is the disclosure's trail; the disclosure
    log lists the hand-off with its lawful basis.
    """
    handoff.delivered_at = at
    handoff.delivered_how = how
    handoff.state = HandOff.State.DELIVERED
    handoff.next_attempt_at = None
    handoff.last_error = ""
    handoff.save(
        update_fields=["delivered_at", "delivered_how", "state", "next_attempt_at", "last_error"]
    )
    audit.record(
        actor=by,
        action="handoff.delivered",
        target=handoff.contact,
        changes={
            "handoff": handoff.pk,
            "record_system": handoff.record_system,
            "how": how,
            "lawful_basis": handoff.lawful_basis or "consent",
        },
        at=at,
    )


# The most hand-offs one pull returns.
MOST_PULLED = 100


def pull(
    *, user: User, after: int = 0, record_system: str = "", limit: int = MOST_PULLED
) -> list[HandOff]:
    """The hand-offs numbered after cursor `after`, in order, for a record system that polls.

    The cursor is each hand-off's `sequence`, numbered in commit order (`next_sequence`), so a
    hand-off committed late is never behind a cursor already given; a cursor past the last
    number given is refused (`CursorAhead`). Hand-offs made while the cursor was the id kept
    their id as their number, so a cursor from then carries on. Replaced hand-offs are left
    out. Listing delivers nothing: a hand-off is delivered when the record accepts it (R44).

    Only the hand-offs of the record `user` receives for (`receiving_system`) are listed, and
    the cursor is checked against that record's own numbers: another record's hand-offs are
    not seen, nor how many there are.
    """
    own = receiving_system(user)
    systems = current_loaded_policy().policy.handoffs
    named = systems.record_system(record_system) if record_system else None
    if record_system and named is None:
        # An empty page would read as "nothing new" for ever to a poller with a mistyped key.
        known = ", ".join(system.key for system in systems.record_systems)
        raise UnknownRecordSystem(
            f"No record system is called {record_system!r}: this council's are {known}.",
            field="record_system",
        )
    if named is not None and named.key != own:
        # An empty page would read as "nothing new" to a poller given another record's token.
        raise UnknownRecordSystem(
            f"This token receives the hand-offs of {own} only, not {record_system}: leave "
            "record_system out, or use that record's own token.",
            field="record_system",
        )
    rows = handoffs_of_served_council().filter(record_system=own)
    if after > 0:
        last = rows.aggregate(last=Max("sequence"))["last"] or 0
        if after > last:
            # An empty page would read as "nothing new" while the poller skipped every number
            # up to `after`: most likely it passed a hand-off's id, not `next_after`.
            raise CursorAhead(
                f"No hand-off is numbered {after}: the last is {last}. `after` is the "
                "`next_after` the previous call gave (0 to start), not a hand-off's id.",
                field="after",
            )
    rows = rows.filter(sequence__gt=after).exclude(state=HandOff.State.REPLACED)
    return list(rows.order_by("sequence")[: max(1, min(limit, MOST_PULLED))])


@transaction.atomic
def accept(
    *,
    user: User,
    handoff: HandOff,
    external_id: str,
    people: dict[int, str] | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """The record system took `handoff` as its `external_id` (R44): the child's person keeps it
    as an identifier in that record, as do the adults `people` names (front door person id to
    the record's id). Returns False when it was accepted so already; the same again is safe,
    another is refused (an early help worker corrects a mistyped one: `correct_identifier`). A
    child not yet linked to a person keeps it on the hand-off until they are
    (`carry_identifiers_to_person`).

    `user` is the record system's account, through a token naming the hand-off's record
    (`receiving_system`; another record's hand-off is `NotTheRecords`), or an early help worker
    taking a child routed to early help, having made the child's early help record (R20).
    """
    if not can(user, "handoffs.receive"):
        require(user, "early_help.receive")
        if not early_help_handoffs(user).filter(pk=handoff.pk).exists():
            raise DomainError(f"Hand-off {handoff.pk} is not one for early help that you may take.")
    elif handoff.record_system != receiving_system(user):
        raise NotTheRecords(f"No hand-off to {receiving_system(user)} has the id {handoff.pk}.")
    now = now or timezone.now()
    handoff = HandOff.objects.select_for_update().get(pk=handoff.pk)
    external_id = identifiers.checked(external_id, what="The record's identifier for the child")
    if handoff.state == HandOff.State.REPLACED:
        raise HandOffConflict(replaced_words(handoff))
    if handoff.state == HandOff.State.ACCEPTED:
        if handoff.external_id != external_id:
            raise HandOffConflict(
                f"Hand-off {handoff.pk} was accepted as {handoff.external_id}, not {external_id}."
            )
        return False
    wanted: dict[int, str] = {}
    if handoff.child.person_id:
        wanted[handoff.child.person_id] = external_id
    named = {a.person_id for a in handoff.contact.adults.all() if a.person_id}
    for person_id, their_id in (people or {}).items():
        if person_id not in named:
            raise DomainError(f"Person {person_id} is not an adult of this hand-off.")
        wanted[person_id] = identifiers.checked(
            their_id, what=f"The record's identifier for person {person_id}"
        )
    for person_id, their_id in wanted.items():
        _refuse_if_anothers(handoff, person_id=person_id, external_id=their_id)
        ExternalIdentifier.objects.get_or_create(
            person_id=person_id, source_system=handoff.record_system, external_id=their_id
        )
    if not handoff.delivered:
        mark_delivered(handoff, how="pull", at=now, by=user)
    handoff.state = HandOff.State.ACCEPTED
    handoff.accepted_at = now
    handoff.accepted_by = user
    handoff.external_id = external_id
    handoff.save(update_fields=["state", "accepted_at", "accepted_by", "external_id"])
    audit.record(
        actor=user,
        action="handoff.accepted",
        target=handoff.contact,
        changes={
            "handoff": handoff.pk,
            "record_system": handoff.record_system,
            "external_id": external_id,
        },
        at=now,
    )
    return True


def replaced_words(handoff: HandOff) -> str:
    """Why a replaced hand-off is not to be taken, and what is to be taken instead."""
    if not handoff.withdrawn and handoff.replaced_by is not None:
        return (
            f"Hand-off {handoff.pk} was replaced by hand-off {handoff.replaced_by.pk} before it "
            "was taken: take that one instead."
        )
    return (
        f"Hand-off {handoff.pk} was withdrawn before it was taken: the decision was revised "
        f"and no longer hands the child to {handoff.record_system_name}."
    )


def _refuse_if_anothers(handoff: HandOff, *, person_id: int | None, external_id: str) -> None:
    """R44: one record's identifier names one person here."""
    holders = ExternalIdentifier.objects.filter(
        source_system=handoff.record_system, external_id=external_id
    )
    if person_id is not None:
        holders = holders.exclude(person_id=person_id)
    taken = holders.exists()
    if taken:
        raise HandOffConflict(
            f"{handoff.record_system_name} {external_id} is another person's identifier here.",
            field="external_id",
        )


@transaction.atomic
def correct_identifier(
    *,
    user: User,
    handoff: HandOff,
    external_id: str,
    reason: str,
    now: dt.datetime | None = None,
) -> IdentifierCorrection:
    """The early help worker corrects the identifier a child routed to early help was taken as,
    one they mistyped (R20, R44). The earlier value is kept with `reason`, the child's person
    keeps the corrected one in its place, and the audit trail has both.

    The record system's own answer cannot be corrected this way: through the API, another
    identifier is refused (`accept`).
    """
    require(user, "early_help.receive")
    if not early_help_handoffs(user).filter(pk=handoff.pk).exists():
        raise DomainError(f"Hand-off {handoff.pk} is not one for early help that you may take.")
    now = now or timezone.now()
    handoff = HandOff.objects.select_for_update().select_related("child").get(pk=handoff.pk)
    if handoff.state != HandOff.State.ACCEPTED:
        raise DomainError("The child has not been taken yet: take the child first.")
    external_id = identifiers.checked(
        external_id, what="The child's correct identifier in the early help record"
    )
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter why the identifier is corrected", field="reason")
    was = handoff.external_id
    if external_id == was:
        raise DomainError(
            f"The child was taken as {was} already: give the correct identifier",
            field="external_id",
        )
    person_id = handoff.child.person_id
    _refuse_if_anothers(handoff, person_id=person_id, external_id=external_id)
    if person_id:
        held = ExternalIdentifier.objects.filter(
            person_id=person_id, source_system=handoff.record_system, external_id=was
        )
        if not held.update(external_id=external_id):
            ExternalIdentifier.objects.get_or_create(
                person_id=person_id, source_system=handoff.record_system, external_id=external_id
            )
    handoff.external_id = external_id
    handoff.save(update_fields=["external_id"])
    correction = IdentifierCorrection.objects.create(
        handoff=handoff, was=was, now=external_id, reason=reason, by=user, at=now
    )
    audit.record(
        actor=user,
        action="handoff.identifier_corrected",
        target=handoff.contact,
        changes={
            "handoff": handoff.pk,
            "record_system": handoff.record_system,
            "was": was,
            "now": external_id,
            "reason": reason,
        },
        at=now,
    )
    return correction


def carry_identifiers_to_person(child: ReportedChild, person: Person, by: User) -> None:
    """A reported child was linked to `person`: the identifiers the child's accepted hand-offs
    were taken as go to the person, as when the child was linked before (R44). One home for a
    person's identifier in a case record: the person's `ExternalIdentifier`, which the contact
    and person pages read.

    Registered with screening's linking as a listener; runs in the linking's transaction, so a
    clash (the identifier is another person's) refuses the link.
    """
    for handoff in HandOff.objects.filter(child=child, state=HandOff.State.ACCEPTED).exclude(
        external_id=""
    ):
        _refuse_if_anothers(handoff, person_id=person.pk, external_id=handoff.external_id)
        _, made = ExternalIdentifier.objects.get_or_create(
            person=person, source_system=handoff.record_system, external_id=handoff.external_id
        )
        if made:
            audit.record(
                actor=by,
                action="handoff.identifier_linked",
                target=handoff.contact,
                changes={
                    "handoff": handoff.pk,
                    "record_system": handoff.record_system,
                    "external_id": handoff.external_id,
                    "person": person.pk,
                },
            )
