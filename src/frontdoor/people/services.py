"""Keeping a person's record: a detail a report gave that differs from it, resolved (R22).

Linking what a contact reports to a person, creating a person from a report and merging two
records are in `screening.linking`: they change reports as well as people.

Each function is one transaction: it checks the permission, locks what it changes, refuses with a
`DomainError` a worker can act on, writes the change and its audit entry. Person records keep their
history (django-simple-history).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.people.models import DetailConflict, Person
from frontdoor.people.names import fold
from frontdoor.wording import in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def as_text(value: Any) -> Any:
    """A value as the audit entry and a conflict keep it: a date as its ISO text."""
    return value.isoformat() if isinstance(value, dt.date) else value


def add_other_name(person: Person, name: str) -> bool:
    """Add `name` to the person's other names unless it is already one of their names."""
    folded = fold(name)
    if not folded:
        return False
    known = {fold(n) for n in person.other_names.split(",")} | {
        fold(person.first_name),
        fold(person.last_name),
        fold(f"{person.first_name} {person.last_name}"),
    }
    if folded in known:
        return False
    person.other_names = ", ".join(n for n in (person.other_names.strip(), name.strip()) if n)
    return True


@transaction.atomic
def resolve_conflict(
    *, conflict: DetailConflict, by: User, keep: str, reason: str, now: dt.datetime | None = None
) -> DetailConflict:
    """Resolve a detail a report gave that differs from the record: keep which, and why (R22).

    Taking the report's value changes the record (its history keeps the old value); a name
    replaced stays among the person's other names.
    """
    require(by, "contact.screen")
    now = now or timezone.now()
    conflict = DetailConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.resolved_at is not None:
        raise DomainError(
            f"{conflict.resolved_by} already resolved this {in_sentence(conflict.label)} conflict: "
            f"{in_sentence(conflict.get_kept_display())}."
        )
    if keep not in DetailConflict.Keep.values:
        raise DomainError("Choose whether to keep the record's value or take the report's.")
    if not reason.strip():
        raise DomainError("Say why: the reason stays on the record.")
    person = Person.objects.select_for_update().get(pk=conflict.person_id)
    changed: dict[str, Any] = {}
    if keep == DetailConflict.Keep.REPORT:
        changed = _take_given(person, conflict)
        person._change_reason = f"Conflict from contact {conflict.source} resolved: {reason}"  # type: ignore[attr-defined]  # read by simple_history as it saves
        person.save()
    conflict.kept = keep
    conflict.reason = reason.strip()
    conflict.resolved_at = now
    conflict.resolved_by = by
    conflict.save()
    audit.record(
        actor=by,
        action="person.conflict_resolved",
        target=person,
        changes={
            "attribute": conflict.attribute,
            "kept": keep,
            "on_record": conflict.on_record,
            "given": conflict.given,
            "source": conflict.source,
            **({"changed": changed} if changed else {}),
        },
        reason=conflict.reason,
        at=now,
    )
    return conflict


def _take_given(person: Person, conflict: DetailConflict) -> dict[str, Any]:
    """Put the report's value on the record; what the record said before, for the audit."""
    attribute, given = conflict.attribute, conflict.given
    if attribute == "address":
        before = {"address": person.address, "postcode": person.postcode}
        person.address = given.get("address") or person.address
        person.postcode = given.get("postcode") or person.postcode
        return {"was": before}
    before = getattr(person, attribute)
    if attribute in ("date_of_birth", "expected_date_of_birth"):
        setattr(person, attribute, dt.date.fromisoformat(given))
    else:
        setattr(person, attribute, given)
    if attribute in ("first_name", "last_name"):
        add_other_name(person, before)  # the old name is one they were known by
    return {"was": as_text(before)}
