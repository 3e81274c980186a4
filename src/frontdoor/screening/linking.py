"""Linking what a contact reports to the people already known, creating a person from a report,
and merging two records of one person (R18, R22).

Linking sits in screening, above intake and people: it changes a contact's reported child or adult
and a person's record together.

Each function is one transaction: it checks the permission, locks what it changes, refuses with a
`DomainError` a worker can act on, writes the change and its audit entry. Person records keep their
history (django-simple-history), and each change carries the contact it came from as its reason.

Nothing is silently overwritten (R22): a report fills what the record leaves blank, adds phone
numbers and other names, and moves the address only when it is newer than the one on record. A
value that differs from the record is kept out of it, listed in the audit entry and on the
person's page as a conflict, for a worker to resolve (`people.services.resolve_conflict`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact, ReportedAdult, ReportedChild
from frontdoor.intake.services import same_child
from frontdoor.people.models import (
    DetailConflict,
    ExternalIdentifier,
    Gender,
    Household,
    HouseholdMember,
    Involvement,
    Person,
    PhoneNumber,
    Relationship,
    Sex,
    YesNoUnknown,
    compact_nhs_number,
    disability_codes,
    phone_digits,
)
from frontdoor.people.names import fold
from frontdoor.people.postcodes import normalise_postcode
from frontdoor.people.selectors import holder_of_nhs_number
from frontdoor.people.services import add_other_name, as_text
from frontdoor.policy.councils import serving_council

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

Reported = ReportedChild | ReportedAdult

# What else follows a reported child's being linked to a person, in the same transaction: apps
# above screening register here in their AppConfig.ready (the case record's identifier a
# hand-off was accepted as, frontdoor.handoffs).
_child_linked_listeners: list[Callable[[ReportedChild, Person, User], object]] = []


def add_child_linked_listener(listener: Callable[[ReportedChild, Person, User], object]) -> None:
    _child_linked_listeners.append(listener)


def _child_linked(reported: Reported, person: Person, by: User) -> None:
    if isinstance(reported, ReportedChild):
        for listener in _child_linked_listeners:
            listener(reported, person, by)


# Details copied from a report to a person: filled when blank, a conflict when different.
_PLAIN_DETAILS = ("ethnicity", "first_language", "religion")


@dataclass
class Linked:
    """What linking a report did to the person's record (R22)."""

    person: Person
    filled: dict[str, Any] = field(default_factory=dict)
    updated: dict[str, dict[str, Any]] = field(default_factory=dict)
    added: dict[str, list[str]] = field(default_factory=dict)
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_changes(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in (
                ("filled", self.filled),
                ("updated", self.updated),
                ("added", self.added),
                ("conflicts", self.conflicts),
            )
            if value
        }


def _is_child(reported: Reported) -> bool:
    return isinstance(reported, ReportedChild)


def _lock_reported(reported: Reported) -> Reported:
    return (
        type(reported)
        .objects.select_for_update()
        .select_related("contact", "report")
        .get(pk=reported.pk)
    )


def _describe(reported: Reported) -> str:
    who = "child" if _is_child(reported) else "adult"
    return f"the {who} {reported.name} reported in contact {reported.contact.reference}"


def _postcode(value: str) -> str:
    try:
        return normalise_postcode(value) if value.strip() else ""
    except ValueError:
        return value.strip().upper()


def _check_nhs_number(*, person: Person, nhs_number: str, what: str) -> None:
    if nhs_number and person.nhs_number and nhs_number != person.nhs_number:
        raise DomainError(
            f"The NHS number {nhs_number} given for {what} differs from {person.name}'s "
            f"({person.nhs_number}): they are different people unless one number was mistyped. "
            "Check the number with the referrer, or create a new person record."
        )
    if nhs_number and not person.nhs_number:
        holder = holder_of_nhs_number(
            nhs_number, council=person.council_id or serving_council(), besides=person
        )
        if holder is not None:
            raise DomainError(
                f"The NHS number {nhs_number} is already on the record of {holder.name} "
                f"(person {holder.pk}): link the report to that record, or merge the two."
            )


def _merge_report_into(person: Person, reported: Reported, linked: Linked) -> None:
    """Apply R22 to `person` from `reported`: fill, add, update when newer, and list conflicts."""
    report_time = reported.report.received_at
    source = reported.contact.reference

    # Names: a differing name is a name the person is also known by, never a replacement.
    for attribute in ("first_name", "last_name"):
        given = getattr(reported, attribute).strip()
        if not given:
            continue
        if not getattr(person, attribute):
            setattr(person, attribute, given)
            linked.filled[attribute] = given
        elif fold(given) != fold(getattr(person, attribute)):
            linked.conflicts[attribute] = {"on_record": getattr(person, attribute), "given": given}
    differing_name = " ".join(p for p in (reported.first_name, reported.last_name) if p).strip()
    if ("first_name" in linked.conflicts or "last_name" in linked.conflicts) and add_other_name(
        person, differing_name
    ):
        linked.added.setdefault("other_names", []).append(differing_name)
    for alias in (reported.other_names or "").split(","):
        if add_other_name(person, alias):
            linked.added.setdefault("other_names", []).append(alias.strip())

    dates = [("date_of_birth", reported.date_of_birth)]
    if _is_child(reported):
        dates.append(("expected_date_of_birth", reported.expected_date_of_birth))
    for attribute, given in dates:
        if given is None:
            continue
        on_record = getattr(person, attribute)
        if on_record is None:
            if attribute == "expected_date_of_birth" and person.date_of_birth:
                continue  # already born: an expected date from an old report changes nothing
            setattr(person, attribute, given)
            linked.filled[attribute] = given.isoformat()
        elif on_record != given:
            linked.conflicts[attribute] = {
                "on_record": on_record.isoformat(),
                "given": given.isoformat(),
            }

    # Gender, and a child's sex, as the report gives them ("not known" gives nothing).
    for attribute, not_known in (("gender", Gender.NOT_KNOWN), ("sex", Sex.NOT_KNOWN)):
        given = getattr(reported, attribute, "")
        if not given or given == not_known:
            continue
        on_record = getattr(person, attribute)
        if on_record == not_known:
            setattr(person, attribute, given)
            linked.filled[attribute] = given
        elif on_record != given:
            linked.conflicts[attribute] = {"on_record": on_record, "given": given}

    # A child's disabilities (the DfE's codes): blank on the report or the record is not known.
    given = " ".join(disability_codes(getattr(reported, "disabilities", "")))
    if given:
        if not person.disabilities:
            person.disabilities = given
            linked.filled["disabilities"] = given
        elif set(disability_codes(person.disabilities)) != set(given.split()):
            linked.conflicts["disabilities"] = {
                "on_record": person.disabilities,
                "given": given,
            }

    for attribute in _PLAIN_DETAILS:
        given = getattr(reported, attribute).strip()
        on_record = getattr(person, attribute)
        if not given:
            continue
        if not on_record:
            setattr(person, attribute, given)
            linked.filled[attribute] = given
        elif fold(on_record) != fold(given):
            linked.conflicts[attribute] = {"on_record": on_record, "given": given}

    nhs_number = compact_nhs_number(getattr(reported, "nhs_number", ""))
    if nhs_number and not person.nhs_number:
        person.nhs_number = nhs_number
        linked.filled["nhs_number"] = nhs_number

    _merge_address(person, reported, report_time, linked)

    phone = getattr(reported, "phone", "").strip()
    digits = phone_digits(phone)
    if digits and not person.phone_numbers.filter(digits=digits).exists():
        PhoneNumber.objects.create(person=person, number=phone, source=source)
        linked.added.setdefault("phone_numbers", []).append(phone)


def _merge_address(
    person: Person, reported: Reported, report_time: dt.datetime, linked: Linked
) -> None:
    address, postcode = reported.address.strip(), _postcode(reported.postcode)
    if not address and not postcode:
        return
    if (address, postcode) == (person.address.strip(), person.postcode):
        return
    if not person.address and not person.postcode:
        person.address, person.postcode = address, postcode
        person.address_reported_at = report_time
        linked.filled["address"] = {"address": address, "postcode": postcode}
        return
    same_postcode_only = not address and postcode == person.postcode
    if same_postcode_only:
        return
    previous = {"address": person.address, "postcode": person.postcode}
    given = {"address": address, "postcode": postcode}
    if person.address_reported_at is None or report_time > person.address_reported_at:
        # R22: the newer report moves the address; the old stays in the record's history.
        person.address = address or person.address
        person.postcode = postcode or person.postcode
        person.address_reported_at = report_time
        linked.updated["address"] = {"was": previous, "now": given}
    else:
        linked.conflicts["address"] = {
            "on_record": previous,
            "given": given,
            "why_kept": "the address on record was reported later than this report",
        }


class SameChildUnconfirmed(DomainError):
    """Linking a child to the record another child of the contact is linked to would make it a
    further account of that child (R3, R7); the two do not look like one child (`same_child`),
    so the user is asked to confirm first, told what will happen."""

    def __init__(self, *, reported: Reported, same_as: ReportedChild):
        self.same_as = same_as
        super().__init__(
            f"{same_as.name} in this contact is already linked to this record. If you go on, "
            f"{reported.name} will become a further account of {same_as.name} and no longer be "
            "listed as a separate child. Only do this if they are one child."
        )


@transaction.atomic
def link_reported_person(
    *, reported: Reported, person: Person, by: User, same_child_confirmed: bool = False
) -> Linked:
    """Record that a reported child or adult is this known person; add what is new (R18, R22).

    A child linked to the record of another child of the same contact becomes a further account
    of that child: done only when they look like one child (`intake.services.same_child`) or
    the user confirmed it (`same_child_confirmed`), else `SameChildUnconfirmed` is raised."""
    require(by, "contact.screen")
    reported = _lock_reported(reported)
    person = Person.objects.select_for_update().get(pk=person.pk)
    what = _describe(reported)
    if person.merged_into_id:
        raise DomainError(
            f"Person {person.pk} was merged into person {person.merged_into_id}: "
            "link the report to that record instead."
        )
    if reported.person_id == person.pk:
        return Linked(person=person)  # already linked: nothing to do, nothing doubled
    if reported.person_id is not None:
        raise DomainError(
            f"{what[0].upper()}{what[1:]} is already linked to person {reported.person_id}. "
            "If both records are the same person, merge them; otherwise ask an administrator "
            "to correct the link."
        )
    _check_nhs_number(
        person=person,
        nhs_number=compact_nhs_number(getattr(reported, "nhs_number", "")),
        what=what,
    )
    same_as = _same_child_of_contact(reported, person)
    if same_as is not None and not same_child_confirmed and not same_child(reported, same_as):
        raise SameChildUnconfirmed(reported=reported, same_as=same_as)
    linked = _link(reported, person, by=by, what=what, same_as=same_as)
    _link_further_accounts(reported, person, by=by)
    return linked


def _link_further_accounts(reported: Reported, person: Person, *, by: User) -> None:
    """R3, R7: further reports' accounts of a child or adult are of the same person, and what
    they give differently from the record is listed as a conflict, as for any report."""
    accounts: Iterable[Reported] = (
        ReportedChild.accounts.filter(account_of=reported, person__isnull=True)
        if isinstance(reported, ReportedChild)
        else ReportedAdult.accounts.filter(account_of=reported, person__isnull=True)
    )
    for account in accounts:
        _link(account, person, by=by, what=_describe(account))


def _same_child_of_contact(reported: Reported, person: Person) -> ReportedChild | None:
    """The child of the same contact already linked to `person`, which `reported` is too.

    One person is one child of a contact: linking a second reported child of the contact to the
    same person makes it a further account of the first (as a further report naming the child
    is, R3, R7), so the child is screened, decided and referred once. A second child already
    decided on is refused: its decision would count the child twice.
    """
    if not isinstance(reported, ReportedChild):
        return None
    first = (
        ReportedChild.objects.filter(contact_id=reported.contact_id, person=person)
        .exclude(pk=reported.pk)
        .first()
    )
    if first is not None and reported.decisions.exists():
        raise DomainError(
            f"{first.name} in contact {reported.contact.reference} is already {person.name} "
            f"(person {person.pk}), and {reported.name} has a decision of their own: they would "
            "be counted as two children. If they are one child, ask an administrator to withdraw "
            "one decision first; otherwise link this child to another record."
        )
    return first


def _link(
    reported: Reported,
    person: Person,
    *,
    by: User,
    what: str,
    same_as: ReportedChild | None = None,
) -> Linked:
    """Link `reported` to `person`: fill and add what is new, list conflicts, audit (R22)."""
    linked = Linked(person=person)
    _merge_report_into(person, reported, linked)
    # Kept with the history row: simple_history reads it as it saves.
    person._change_reason = f"Linked to contact {reported.contact.reference}"  # type: ignore[attr-defined]  # read by simple_history as it saves
    person.save()
    reported.person = person
    fields = ["person"]
    if same_as is not None:
        reported.account_of = same_as
        fields.append("account_of")
    reported.save(update_fields=fields)
    _child_linked(reported, person, by)
    # R22: each conflict waits on the person's page for a worker to resolve.
    DetailConflict.objects.bulk_create(
        DetailConflict(
            person=person,
            attribute=attribute,
            on_record=values["on_record"],
            given=values["given"],
            source=reported.contact.reference,
            reported=_reported_key(reported),
            found_at=timezone.now(),
        )
        for attribute, values in linked.conflicts.items()
    )
    changes = {"reported": _reported_key(reported), **linked.as_changes()}
    if same_as is not None:
        changes["same_child_as"] = _reported_key(same_as)
    audit.record(
        actor=by,
        action="person.linked",
        target=person,
        changes=changes,
        reason=f"{what} is {person.name} (person {person.pk})",
    )
    return linked


def _reported_key(reported: Reported) -> dict[str, Any]:
    return {
        "kind": "child" if _is_child(reported) else "adult",
        "id": reported.pk,
        "contact": reported.contact.reference,
    }


@transaction.atomic
def create_person_from(*, reported: Reported, by: User) -> Person:
    """Create a person record from a reported child or adult not yet known, and link it (R18)."""
    require(by, "contact.screen")
    reported = _lock_reported(reported)
    what = _describe(reported)
    if reported.person_id is not None:
        raise DomainError(
            f"{what[0].upper()}{what[1:]} is already linked to person {reported.person_id}: "
            "no new record is needed."
        )
    nhs_number = compact_nhs_number(getattr(reported, "nhs_number", ""))
    if nhs_number:
        holder = holder_of_nhs_number(nhs_number, council=serving_council())
        if holder is not None:
            raise DomainError(
                f"The NHS number {nhs_number} is already on the record of {holder.name} "
                f"(person {holder.pk}): link the report to that record instead."
            )
    person = Person(
        first_name=reported.first_name.strip(),
        last_name=reported.last_name.strip(),
        other_names=reported.other_names.strip(),
        date_of_birth=reported.date_of_birth,
        expected_date_of_birth=getattr(reported, "expected_date_of_birth", None),
        gender=reported.gender or Gender.NOT_KNOWN,
        sex=reported.sex or Sex.NOT_KNOWN,
        disabilities=" ".join(disability_codes(reported.disabilities)),
        ethnicity=reported.ethnicity.strip(),
        first_language=reported.first_language.strip(),
        religion=reported.religion.strip(),
        nhs_number=nhs_number,
        address=reported.address.strip(),
        postcode=_postcode(reported.postcode),
        address_reported_at=reported.report.received_at
        if (reported.address or reported.postcode)
        else None,
    )
    person._change_reason = f"Created from contact {reported.contact.reference}"  # type: ignore[attr-defined]  # read by simple_history as it saves
    person.save()
    phone = getattr(reported, "phone", "").strip()
    if phone_digits(phone):
        PhoneNumber.objects.create(person=person, number=phone, source=reported.contact.reference)
    reported.person = person
    reported.save(update_fields=["person"])
    _child_linked(reported, person, by)
    audit.record(
        actor=by,
        action="person.created",
        target=person,
        changes={"reported": _reported_key(reported)},
        reason=f"No known record matched {what}",
    )
    _link_further_accounts(reported, person, by=by)
    return person


@transaction.atomic
def merge_people(*, keep: Person, duplicate: Person, by: User, reason: str) -> Person:
    """Merge a duplicate person record into the one kept, moving everything attached (R18)."""
    require(by, "contact.screen")
    if keep.pk == duplicate.pk:
        raise DomainError("A record cannot be merged into itself: choose two different people.")
    if not reason.strip():
        raise DomainError("Say why these two records are the same person.")
    locked = Person.objects.select_for_update().in_bulk([keep.pk, duplicate.pk])
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    for person in (keep, duplicate):
        if person.merged_into_id:
            raise DomainError(
                f"Person {person.pk} was already merged into person {person.merged_into_id}."
            )
    if keep.nhs_number and duplicate.nhs_number and keep.nhs_number != duplicate.nhs_number:
        raise DomainError(
            f"{keep.name} and {duplicate.name} have different NHS numbers ({keep.nhs_number} "
            f"and {duplicate.nhs_number}): they are different people, or one number is wrong. "
            "Correct the wrong number first."
        )
    moved: dict[str, Any] = {
        "reported_children": ReportedChild.objects.filter(person=duplicate).update(person=keep),
        "reported_adults": ReportedAdult.objects.filter(person=duplicate).update(person=keep),
        "involvements": Involvement.objects.filter(person=duplicate).update(person=keep),
        # R44: the case records' identifiers follow the person ("Open in LCS as ...").
        "identifiers": ExternalIdentifier.objects.filter(person=duplicate).update(person=keep),
    }
    moved["relationships"] = _move_relationships(keep=keep, duplicate=duplicate)
    moved["households"] = _move_memberships(keep=keep, duplicate=duplicate)
    moved["phone_numbers"] = 0
    for phone in PhoneNumber.objects.filter(person=duplicate):
        if not keep.phone_numbers.filter(digits=phone.digits).exists():
            phone.person = keep
            phone.save()
            moved["phone_numbers"] += 1

    filled: dict[str, Any] = {}
    conflicts: dict[str, Any] = {}
    nhs_number = duplicate.nhs_number
    if nhs_number and not keep.nhs_number:
        # The number is unique: it leaves the duplicate before the kept record takes it.
        duplicate.nhs_number = ""
        duplicate.save(update_fields=["nhs_number"])
        keep.nhs_number = nhs_number
        filled["nhs_number"] = nhs_number
    for attribute in (
        "first_name",
        "last_name",
        "date_of_birth",
        "expected_date_of_birth",
        "ethnicity",
        "first_language",
        "religion",
        "address",
        "postcode",
    ):
        theirs, ours = getattr(duplicate, attribute), getattr(keep, attribute)
        if theirs in ("", None) or theirs == ours:
            continue
        if ours in ("", None):
            setattr(keep, attribute, theirs)
            filled[attribute] = as_text(theirs)
        else:
            conflicts[attribute] = {"kept": as_text(ours), "duplicate": as_text(theirs)}
    # Details whose "not known" is a value of its own: the kept record's stands unless it is
    # not known; a known difference is listed as a conflict, as for the details above.
    for attribute, not_known in (
        ("sex", Sex.NOT_KNOWN),
        ("gender", Gender.NOT_KNOWN),
        ("disabilities", ""),
    ):
        theirs, ours = getattr(duplicate, attribute), getattr(keep, attribute)
        if theirs in (not_known, None) or theirs == ours:
            continue
        if ours in (not_known, None):
            setattr(keep, attribute, theirs)
            filled[attribute] = theirs
        else:
            conflicts[attribute] = {"kept": ours, "duplicate": theirs}
    for name in [duplicate.name, *duplicate.other_names.split(",")]:
        if name != "Name not known":
            add_other_name(keep, name)
    keep.restricted = keep.restricted or duplicate.restricted  # the stricter setting wins
    keep._change_reason = f"Merged person {duplicate.pk} into this record: {reason}"  # type: ignore[attr-defined]  # read by simple_history as it saves
    keep.save()
    duplicate.merged_into = keep
    duplicate._change_reason = f"Merged into person {keep.pk}: {reason}"  # type: ignore[attr-defined]  # read by simple_history as it saves
    duplicate.save()
    audit.record(
        actor=by,
        action="person.merged",
        target=keep,
        changes={
            "duplicate": duplicate.pk,
            "moved": moved,
            "filled": filled,
            "conflicts": conflicts,
        },
        reason=reason,
    )
    return keep


def _move_relationships(*, keep: Person, duplicate: Person) -> int:
    moved = 0
    for relationship in Relationship.objects.filter(Q(person=duplicate) | Q(other=duplicate)):
        person = keep if relationship.person_id == duplicate.pk else relationship.person
        other = keep if relationship.other_id == duplicate.pk else relationship.other
        exists = Relationship.objects.filter(
            person=person, other=other, kind=relationship.kind
        ).exists()
        if person.pk == other.pk or exists:
            # Already recorded on the kept record (or about the person themself): the duplicate
            # row goes; its history keeps it.
            relationship.delete()
            continue
        relationship.person, relationship.other = person, other
        relationship.save()
        moved += 1
    return moved


def _move_memberships(*, keep: Person, duplicate: Person) -> int:
    moved = 0
    for membership in HouseholdMember.objects.filter(person=duplicate):
        already = HouseholdMember.objects.filter(
            household=membership.household_id, person=keep, ended_on__isnull=True
        ).exists()
        if already and membership.ended_on is None:
            membership.delete()
            continue
        membership.person = keep
        membership.save()
        moved += 1
    return moved


# How the free-text relationship_to_child of a report reads as a kind. Checked in order: the
# first word found wins, so "mum's partner" is a parent's partner, not a mother.
_RELATIONSHIP_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("partner", "boyfriend", "girlfriend"), Relationship.Kind.PARENTS_PARTNER),
    (("step",), Relationship.Kind.STEP_PARENT),
    (("foster",), Relationship.Kind.FOSTER_CARER),
    (("grand", "nan", "nana", "gran", "grandma", "grandad"), Relationship.Kind.GRANDPARENT),
    (("mother", "mum", "mom", "mam", "mummy"), Relationship.Kind.MOTHER),
    (("father", "dad", "daddy"), Relationship.Kind.FATHER),
    (("parent",), Relationship.Kind.PARENT),
    (("brother", "sister", "sibling"), Relationship.Kind.SIBLING),
    (("aunt", "auntie", "uncle"), Relationship.Kind.AUNT_OR_UNCLE),
    (("carer", "guardian"), Relationship.Kind.CARER),
)


def relationship_kind(described: str) -> str:
    """'Mum's partner' -> parents_partner; 'Mother' -> mother; unknown words -> other."""
    words = fold(described.replace("'", "")).split()
    text = " ".join(words)
    for needles, kind in _RELATIONSHIP_WORDS:
        for needle in needles:
            if needle in words or (needle in ("step", "grand", "foster") and needle in text):
                return kind
    return Relationship.Kind.OTHER


@dataclass
class HouseholdLinked:
    household: Household | None
    relationships_added: list[Relationship] = field(default_factory=list)
    members_added: list[Person] = field(default_factory=list)


@transaction.atomic
def link_household(*, contact: Contact, by: User) -> HouseholdLinked:
    """Record the relationships and household a contact describes between linked people (R22)."""
    require(by, "contact.screen")
    children = list(
        ReportedChild.objects.filter(contact=contact, person__isnull=False).select_related("person")
    )
    if not children:
        raise DomainError(
            f"No child in contact {contact.reference} is linked to a person record yet: find or "
            "create each child's record first."
        )
    adults = list(
        ReportedAdult.objects.filter(contact=contact, person__isnull=False).select_related("person")
    )
    result = HouseholdLinked(household=None)
    # Only the children and adults linked to a person were read, above.
    child_people: dict[int, Person] = {child.person_id: child.person for child in children}  # type: ignore[misc]
    for adult in adults:
        kind = relationship_kind(adult.relationship_to_child)
        for child_person in child_people.values():
            if adult.person_id == child_person.pk:
                continue
            relationship, created = Relationship.objects.get_or_create(
                person=adult.person,
                other=child_person,
                kind=kind,
                defaults={
                    "described_as": adult.relationship_to_child,
                    "parental_responsibility": adult.parental_responsibility,
                    "source": contact.reference,
                },
            )
            if created:
                result.relationships_added.append(relationship)
            elif (
                relationship.parental_responsibility == YesNoUnknown.UNKNOWN
                and adult.parental_responsibility != YesNoUnknown.UNKNOWN
            ):
                # Filling a "not known" is new information, not an overwrite (R22).
                relationship.parental_responsibility = adult.parental_responsibility
                relationship._change_reason = f"From contact {contact.reference}"  # type: ignore[attr-defined]  # read by simple_history as it saves
                relationship.save()

    # The household: the children and the adults said to live with them.
    residents: list[Person] = list(child_people.values()) + [
        adult.person  # type: ignore[misc]  # as above
        for adult in adults
        if adult.lives_with_child == YesNoUnknown.YES
    ]
    first_child = children[0]
    household = _current_household(list(child_people), _postcode(first_child.postcode))
    if household is None:
        household = Household.objects.create(
            address=first_child.address.strip(), postcode=_postcode(first_child.postcode)
        )
    result.household = household
    for person in {p.pk: p for p in residents}.values():
        _, created = HouseholdMember.objects.get_or_create(
            household=household,
            person=person,
            ended_on=None,
            defaults={"started_on": contact.received_at.date(), "source": contact.reference},
        )
        if created:
            result.members_added.append(person)
    audit.record(
        actor=by,
        action="household.linked",
        target=household,
        changes={
            "contact": contact.reference,
            "relationships_added": [str(r) for r in result.relationships_added],
            "members_added": [p.pk for p in result.members_added],
        },
    )
    return result


def _current_household(person_ids: list[int], postcode: str) -> Household | None:
    """A household one of these children lives in now, at the same postcode when one is given."""
    memberships = HouseholdMember.objects.filter(
        person_id__in=person_ids, ended_on__isnull=True
    ).select_related("household")
    for membership in memberships.order_by("-created_at"):
        if not postcode or membership.household.postcode in ("", postcode):
            return membership.household
    return None
