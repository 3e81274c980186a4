"""Setting and lifting restrictions on a person's record (R45).

Each change is one transaction that locks the person, checks the administrator's permission,
writes the restriction (its history kept by django-simple-history), keeps `Person.restricted` in
step, and writes the audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.people.models import Person, Restriction

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


@transaction.atomic
def restrict(
    *,
    person: Person,
    allowed_users: Iterable,
    ask: str,
    reason: str,
    by: User,
    at: dt.datetime | None = None,
) -> Restriction:
    """Restrict `person`'s record to `allowed_users`; a restriction in force is replaced (R45)."""
    require(by, "privacy.restrict")
    at = at or timezone.now()
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not ask.strip():
        raise DomainError("Enter whom others should ask: a name or a team.")
    if not reason.strip():
        raise DomainError("Enter why the record is restricted.")
    named = list(allowed_users)
    restriction = Restriction.objects.filter(person=person, lifted_at__isnull=True).first()
    action = "restriction.changed" if restriction else "restriction.set"
    if restriction is None:
        restriction = Restriction(person=person)
    restriction.ask = ask.strip()
    restriction.reason = reason.strip()
    restriction.set_by = by
    restriction.set_at = at
    restriction.save()
    restriction.allowed_users.set(named)
    if not person.restricted:
        person.restricted = True
        person.save(update_fields=["restricted"])
    audit.record(
        actor=by,
        action=action,
        target=person,
        changes={"allowed": sorted(user.username for user in named), "ask": restriction.ask},
        reason=restriction.reason,
        at=at,
    )
    return restriction


@transaction.atomic
def lift_restriction(
    *, person: Person, by: User, reason: str, at: dt.datetime | None = None
) -> Restriction:
    """Lift the restriction in force on `person`'s record: it stays on record as lifted (R45)."""
    require(by, "privacy.restrict")
    at = at or timezone.now()
    person = Person.objects.select_for_update().get(pk=person.pk)
    restriction = Restriction.objects.filter(person=person, lifted_at__isnull=True).first()
    if restriction is None:
        raise DomainError(f"{person}'s record is not restricted: there is nothing to lift.")
    if not reason.strip():
        raise DomainError("Enter why the restriction is lifted.")
    restriction.lifted_at = at
    restriction.lifted_by = by
    restriction.save(update_fields=["lifted_at", "lifted_by"])
    person.restricted = False
    person.save(update_fields=["restricted"])
    audit.record(actor=by, action="restriction.lifted", target=person, reason=reason.strip(), at=at)
    return restriction
