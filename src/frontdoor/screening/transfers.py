"""Transfers that arrive (R17): a contact passed to a council on the same service.

A transfer to a council that is not on the service is recorded, with how it was sent, and the
worker sends it by hand (`decisions.TransferDetails`). To a council on the same service it also
arrives: the receiving council gets a contact in its inbox with the reports, documents and
what the sending council found (`intake.arrivals`), the sending is a disclosure with its lawful
basis in the sender's disclosure log, and the sender sees when the receiver accepted it. Both
councils' audit trails record it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.arrivals import arrive
from frontdoor.intake.models import Contact
from frontdoor.policy.councils import council_on_service
from frontdoor.policy.row_security import open_to
from frontdoor.screening.models import Decision, Transfer, TransferArrival

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.screening.selectors import ChildSummary

# The lawful basis of passing a child's contact to the council where the child lives.
TRANSFER_BASIS = "Children Act 1989, section 17: transfer of the case"


def findings(*, summary: ChildSummary, decision: Decision, transfer: Transfer) -> dict:
    """What the sending council found and decided for the child, for the receiver to read."""
    return {
        "child": str(summary.child),
        "checks": [
            {"title": check.title, "status": str(check.status), "message": check.message}
            for check in summary.checks
        ],
        "level": decision.level,
        "rag": decision.get_rag_display() if decision.rag else "",
        "outcome": decision.outcome_label,
        "rationale": decision.rationale,
        "decided_by": str(decision.decided_by),
        "sent_how": transfer.sent_how,
        "what_was_sent": transfer.what_was_sent,
    }


def send_on_service(
    *, transfer: Transfer, summary: ChildSummary, by: User, now: dt.datetime
) -> TransferArrival | None:
    """Make the transfer arrive when its council is on the service (None when it is not).

    In the decision's transaction: the receiver's contact is made with the transfer, or not at
    all. Sent twice (a revised decision), it arrives in the same contact.
    """
    to = council_on_service(transfer.to_council_code)
    if to is None:
        return None
    contact = transfer.contact
    arrived = arrive(contact=contact, council=to, by=by, now=now)
    decision = transfer.decision
    arrival = TransferArrival.objects.create(
        transfer=transfer,
        contact=arrived.contact,
        from_council=str(contact.council_id),
        to_council=to,
        lawful_basis=TRANSFER_BASIS,
        findings=findings(summary=summary, decision=decision, transfer=transfer)
        if decision is not None
        else {},
        arrived_at=now,
    )
    audit.record(
        actor=by,
        action="transfer.arrived",
        target=contact,
        changes={
            "to_council": to,
            "child": str(summary.child),
            "lawful_basis": TRANSFER_BASIS,
            "contact_made": arrived.created,
        },
        at=now,
    )
    # On the receiver's trail, which the door opens for this entry alone (`policy.row_security`).
    with open_to({to}):
        audit.record(
            actor=by,
            action="transfer.received",
            target=arrived.contact,
            changes={"from_council": contact.council_id, "child": str(summary.child)},
            at=now,
        )
    return arrival


@contextmanager
def senders_open(contact: Contact) -> Iterator[None]:
    """Within the block, the database's wall (`policy.row_security`) is open to the councils
    whose transfers made or reached `contact`, so that the receiving council reads each
    transfer as it was sent (by whom, how) and its acceptance is recorded on the sender's
    contact. The arrivals themselves are the receiver's to read: nothing else is opened."""
    with open_to(_senders(contact)):
        yield


def _senders(contact: Contact) -> set[str]:
    return set(contact.arrivals.values_list("from_council", flat=True))


def arrivals_at(contact: Contact) -> list[TransferArrival]:
    """The transfers that made or reached `contact`, each with the transfer sent: one query
    for a contact no transfer reached, as most are."""
    senders = _senders(contact)
    if not senders:
        return []
    with open_to(senders):
        return list(contact.arrivals.select_related("transfer__sent_by", "accepted_by"))


@transaction.atomic
def accept_transfer(
    *, contact: Contact, by: User, now: dt.datetime | None = None
) -> list[TransferArrival]:
    """The receiving council takes the transfers into `contact`: the sender sees when."""
    require(by, "contact.screen")
    now = now or timezone.now()
    with senders_open(contact):
        return _accept(contact=contact, by=by, now=now)


def _accept(*, contact: Contact, by: User, now: dt.datetime) -> list[TransferArrival]:
    arrivals = list(
        TransferArrival.objects.select_for_update()
        .filter(contact=contact, accepted_at__isnull=True)
        .select_related("transfer__contact")
    )
    if not arrivals:
        raise DomainError(f"Contact {contact.reference} has no transfer waiting to be accepted.")
    for arrival in arrivals:
        arrival.accepted_at = now
        arrival.accepted_by = by
        arrival.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            actor=by,
            action="transfer.accepted",
            target=contact,
            changes={"from_council": arrival.from_council},
            at=now,
        )
        audit.record(
            actor=by,
            action="transfer.accepted_by_receiver",
            target=arrival.transfer.contact,
            changes={"to_council": arrival.to_council},
            at=now,
        )
    return arrivals
