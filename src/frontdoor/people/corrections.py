"""Correcting a child's or adult's details after intake, with the reason (R4, R22, R45).

The right to rectification (UK GDPR article 16), and what the statutory returns ask a worker to
"record on the child's record". A correction is made to a person's record, or to a child or adult
as a contact reported them (before or after screening linked them to a person). It changes the
details only: no decision, state or clock of any contact, so a closed contact's data can be put
right. Each field changed keeps a `Correction` row (what it said before, what it says now, who,
when, why) and the whole change one audit entry; a person's own history records it too.

A record is a `Person`, or a child or adult as a contact reported them (intake's `ReportedChild`
and `ReportedAdult`): intake sits above people, so this module reads only the fields they share
with a person, and never imports them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from frontdoor.accounts.permissions import PermissionDeniedError, require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.people.models import (
    NOT_RECORDED,
    Correction,
    Gender,
    Person,
    Sex,
    compact_nhs_number,
    disabilities_display,
    disability_codes,
)
from frontdoor.people.postcodes import normalise_postcode
from frontdoor.people.selectors import holder_of_nhs_number, people_visible_to
from frontdoor.policy.councils import serving_council

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

# A person, or a child or adult as a contact reported them: any model with the correctable fields.
Record = Model

# What may be corrected, in the order the page asks, with the words it uses.
CORRECTABLE: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "other_names": "Other names",
    "date_of_birth": "Date of birth",
    "expected_date_of_birth": "Expected date of birth",
    "sex": "Sex",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "first_language": "First language",
    "address": "Address",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "disabilities": "Disability",
}


_Locked = TypeVar("_Locked", bound=Model)


def correctable_fields(record: Model) -> list[str]:
    """The details of this kind of record that can be corrected (an adult has no NHS number)."""
    names = {field.name for field in record._meta.get_fields()}
    return [name for name in CORRECTABLE if name in names]


class ChangedSinceOpened(DomainError):
    """The record was changed by someone else after the page showing it was opened."""


def details_digest(record: Model) -> str:
    """A fingerprint of the record's correctable details, as a page showed them: a correction
    made from a page opened before someone else's is refused, not applied over it."""
    values = {name: _as_text(getattr(record, name)) for name in correctable_fields(record)}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]


def record_label(record: Model) -> str:
    return record._meta.label_lower


def _contact_reference(record: Record) -> str:
    # Otherwise a child or adult as a contact reported them, which has its contact.
    return "" if isinstance(record, Person) else record.contact.reference  # type: ignore[attr-defined]


def shown(field: str, value: Any) -> str:
    """A detail as a page shows it, for the history of corrections."""
    if value in (None, ""):
        return "Not known" if field == "disabilities" else NOT_RECORDED
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if field == "sex":
        return Sex(value).label
    if field == "gender":
        return Gender(value).label
    if field == "disabilities":
        return disabilities_display(value)
    return str(value)


def _tidy(field: str, value: Any) -> Any:
    """The value as the record stores it (the form has checked its shape)."""
    if field in ("date_of_birth", "expected_date_of_birth"):
        return value
    value = (value or "").strip() if isinstance(value, str) else value
    if field == "postcode" and value:
        return normalise_postcode(value)
    if field == "nhs_number":
        return compact_nhs_number(value)
    if field == "disabilities":
        return " ".join(disability_codes(" ".join(value) if isinstance(value, list) else value))
    return value


def _lock(record: _Locked) -> _Locked:
    # Only the record's own row is locked: PostgreSQL locks no row of an outer join (person).
    # A record a worker corrects (a person, a reported child or adult): each has `objects`.
    queryset = type(record).objects.select_for_update(of=("self",))  # type: ignore[attr-defined]
    if not isinstance(record, Person):
        queryset = queryset.select_related("contact", "person")
    return queryset.get(pk=record.pk)


def _person_of(record: Model) -> Person | None:
    # Otherwise a reported child or adult, which has its person.
    return record if isinstance(record, Person) else record.person  # type: ignore[attr-defined]


def _check_may_see(*, record: Model, by: User) -> None:
    # R45: a restricted record is corrected only by those the restriction names.
    person = _person_of(record)
    if person is not None and not people_visible_to(by).filter(pk=person.pk).exists():
        raise PermissionDeniedError(
            "This record is restricted: only the staff named on the restriction can correct it."
        )


@transaction.atomic
def correct_details(
    *,
    record: Record,
    by: User,
    details: dict[str, Any],
    reason: str,
    seen: str = "",
    at: dt.datetime | None = None,
    also_person: bool = False,
    person_seen: str = "",
) -> list[Correction]:
    """Correct a person's or a reported child's or adult's details, keeping what they said (R45).

    Only the fields in `details` that differ from the record change; each keeps a `Correction`.
    No decision or state of any contact changes: a closed contact's data can be put right.
    `seen` is `details_digest` of the record as the page showed it, if it came from one.

    With `also_person`, a reported child or adult's correction is made to the person record it
    is linked to as well, with the same reason: each detail corrected on the contact that the
    person record says otherwise, with its own `Correction` rows and audit entry (`person_seen`
    is the person's `details_digest` as the page showed it). Both are made, or neither.
    """
    require(by, "records.correct")
    at = at or timezone.now()
    corrections, changed = _correct(
        record=record, by=by, details=details, reason=reason, seen=seen, at=at
    )
    if also_person:
        person = linked_person(record)
        if person is None:
            raise DomainError(
                f"{record} is not linked to a person record: correct what the contact "
                "recorded only."
            )
        person = _lock(person)
        wanted = {
            field: _for_person(field, after)
            for field, (_, after) in changed.items()
            if field in correctable_fields(person)
        }
        differing = {
            field: value for field, value in wanted.items() if getattr(person, field) != value
        }
        if differing:
            more, _ = _correct(
                record=person, by=by, details=differing, reason=reason, seen=person_seen, at=at
            )
            corrections += more
    return corrections


def linked_person(record: Model) -> Person | None:
    """The person record a reported child or adult is linked to; none for a person itself."""
    return None if isinstance(record, Person) else _person_of(record)


def differs_from_person(record: Model) -> list[str]:
    """The details a reported child or adult gives otherwise than its person record, by their
    labels: none when the two say the same (so a correction is, by default, made to both)."""
    person = linked_person(record)
    if person is None:
        return []
    return [
        CORRECTABLE[field]
        for field in correctable_fields(record)
        if field in correctable_fields(person)
        and _comparable(field, getattr(record, field)) != _comparable(field, getattr(person, field))
    ]


def _for_person(field: str, value: Any) -> Any:
    # A reported child's sex or gender may be blank; a person's is then "not known", as when a
    # person record is created from a report.
    if field == "sex":
        return value or Sex.NOT_KNOWN
    if field == "gender":
        return value or Gender.NOT_KNOWN
    return value


def _comparable(field: str, value: Any) -> Any:
    # A postcode stored before postcodes were checked is compared as it is.
    with contextlib.suppress(ValueError):
        value = _for_person(field, _tidy(field, value))
    return value.casefold() if isinstance(value, str) else value


def _correct(
    *,
    record: Record,
    by: User,
    details: dict[str, Any],
    reason: str,
    seen: str,
    at: dt.datetime,
) -> tuple[list[Correction], dict[str, tuple[Any, Any]]]:
    """One record's correction: its `Correction` rows and the fields changed (before, after)."""
    record = _lock(record)
    _check_may_see(record=record, by=by)
    if isinstance(record, Person) and record.merged_into_id:
        raise DomainError(
            f"Person {record.pk} was merged into person {record.merged_into_id}: "
            "correct the record that was kept."
        )
    if seen and seen != details_digest(record):
        raise ChangedSinceOpened(
            f"Someone else corrected the details of {record} after you opened this page. "
            "Check the details as they are now, then save your correction again."
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why you are correcting these details")

    changed: dict[str, tuple[Any, Any]] = {}
    for field in correctable_fields(record):
        if field not in details:
            continue
        before, after = getattr(record, field), _tidy(field, details[field])
        if before != after:
            changed[field] = (before, after)
    if not changed:
        raise DomainError(
            "Nothing was changed: change at least one detail, or go back to the record."
        )

    born = changed.get("date_of_birth", (None, getattr(record, "date_of_birth", None)))[1]
    expected = changed.get("expected_date_of_birth", (None, _expected(record)))[1]
    if born is not None and expected is not None:
        raise DomainError(
            "Give a date of birth or an expected date of birth, not both: once a child is "
            "born, clear the expected date."
        )
    if "nhs_number" in changed and isinstance(record, Person):
        _check_nhs_number_free(person=record, nhs_number=changed["nhs_number"][1])

    for field, (_, after) in changed.items():
        setattr(record, field, after)
    update_fields = set(changed)
    if hasattr(record, "unborn") and hasattr(record, "unborn_at_contact"):
        # A reported child is unborn exactly when it has an expected date and no date of birth.
        unborn = born is None and expected is not None
        # R5: a child the contact reported unborn and born after it was unborn at the contact;
        # a date of birth before the contact says the child was never unborn then.
        was_unborn = record.unborn or record.unborn_at_contact
        # Only a reported child has a contact; a person record is never unborn at one.
        contacted_on = timezone.localdate(record.contact.received_at)  # type: ignore[attr-defined]
        at_contact = unborn or (was_unborn and born is not None and born > contacted_on)
        if record.unborn != unborn:
            record.unborn = unborn
            update_fields.add("unborn")
        if record.unborn_at_contact != at_contact:
            record.unborn_at_contact = at_contact
            update_fields.add("unborn_at_contact")
    if isinstance(record, Person) and {"address", "postcode"} & set(changed):
        # R22: a report older than this correction must not move the family back.
        record.address_reported_at = at
        update_fields.add("address_reported_at")
    record._change_reason = f"Corrected: {reason}"[:100]  # type: ignore[attr-defined]  # read by simple_history as it saves
    record._history_user = by  # type: ignore[attr-defined]  # read by simple_history as it saves
    record.save(update_fields=update_fields)

    corrections = Correction.objects.bulk_create(
        Correction(
            record_type=record_label(record),
            record_id=record.pk,
            contact_reference=_contact_reference(record),
            field=field,
            label=CORRECTABLE[field],
            before=shown(field, before),
            after=shown(field, after),
            reason=reason,
            corrected_by=by,
            corrected_at=at,
            council_id=record.council_id,  # type: ignore[attr-defined]  # a person, a reported child or adult
        )
        for field, (before, after) in changed.items()
    )
    audit.record(
        actor=by,
        action="details.corrected",
        target=record,
        changes={
            field: {"before": _as_text(before), "after": _as_text(after)}
            for field, (before, after) in changed.items()
        },
        reason=reason,
        at=at,
    )
    return corrections, changed


def _expected(record: Model) -> dt.date | None:
    return getattr(record, "expected_date_of_birth", None)


def _as_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _check_nhs_number_free(*, person: Person, nhs_number: str) -> None:
    if not nhs_number:
        return
    holder = holder_of_nhs_number(
        nhs_number, council=person.council_id or serving_council(), besides=person
    )
    if holder is not None:
        raise DomainError(
            f"The NHS number {nhs_number} is already on the record of person {holder.pk}: "
            "if they are the same child, merge the two records instead."
        )
