"""What is known about a person: the facts screening reads (R18-R21, R34).

These are facts only. The rules that act on them (R19 open to social care, R20 open to early help,
R21 closed under three months ago, R34 missing episodes) live in screening. The contacts and the
missing episodes recorded about a person are intake's rows, read in `intake.selectors`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import dateformat, timezone

from frontdoor.people.models import (
    Correction,
    ExternalIdentifier,
    HouseholdMember,
    Involvement,
    Person,
    Relationship,
)
from frontdoor.people.restrictions import restrictions_hiding_from
from frontdoor.policy.councils import of_served_council, works_for_served_council
from frontdoor.policy.registry import current_policy

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def people_of_served_council() -> QuerySet[Person]:
    """The person records of the council served, restricted or not: what an administrator's
    privacy pages (restrictions, subject access) reach, and what `people_visible_to` narrows."""
    return Person.objects.filter(of_served_council())


def holder_of_nhs_number(
    nhs_number: str, *, council: str, besides: Person | None = None
) -> Person | None:
    """The record of `council` other than `besides` that holds `nhs_number`, if any.

    An NHS number is unique among one council's records (Person's constraint): a second record
    of it there is the same child twice, to link or merge. Another council's record of the child
    is that council's own, behind its wall, and never found here: "known elsewhere" tells of it
    (people.matching.known_to, docs/councils.md).
    """
    if not nhs_number:
        return None
    holders = Person.objects.filter(nhs_number=nhs_number, council_id=council)
    if besides is not None:
        holders = holders.exclude(pk=besides.pk)
    return holders.first()


def people_visible_to(user: User) -> QuerySet[Person]:
    """Person records a member of staff may open (merged duplicates lead to the record kept).

    A restricted person (people.Restriction) is left out unless `user` is named on it (R45):
    one EXISTS subquery.
    """
    if not getattr(user, "is_authenticated", False) or not works_for_served_council(user):
        return Person.objects.none()
    return people_of_served_council().exclude(
        Exists(restrictions_hiding_from(user).filter(person=OuterRef("pk")))
    )


def restricted_among(user: User, person_ids: Iterable[int]) -> dict[int, str]:
    """Of these people, those whose record is restricted from `user`, with whom to ask (R45).

    A page listing people (matching candidates) shows these as "a restricted record: ask ..."
    rather than leaving them out, so nobody records a second child by mistake.
    """
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(
        restrictions_hiding_from(user)
        .filter(person_id__in=list(person_ids))
        .values_list("person_id", "ask")
    )


def involvements_of(person: Person) -> QuerySet[Involvement]:
    """Every involvement of the person, open ones first, then the most recent."""
    return Involvement.objects.filter(person=person).order_by(
        Case(
            When(ended_on__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-started_on",
        "id",
    )


def open_involvements(
    person: Person, kind: str | None = None, *, on: dt.date | None = None
) -> QuerySet[Involvement]:
    """Involvements open on `on` (today by default), of one kind or of any."""
    day = on or timezone.localdate()
    qs = Involvement.objects.filter(person=person, started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day)
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-started_on", "id")


def last_closed(person: Person, kind: str, *, on: dt.date | None = None) -> Involvement | None:
    """The involvement of `kind` that ended most recently (on or before `on`), if any."""
    day = on or timezone.localdate()
    return (
        Involvement.objects.filter(person=person, kind=kind, ended_on__lte=day)
        .order_by("-ended_on", "-id")
        .first()
    )


def relationships_of(person: Person) -> list[Relationship]:
    """Every recorded relationship involving the person, either way round."""
    return list(
        Relationship.objects.filter(Q(person=person) | Q(other=person))
        .select_related("person", "other")
        .order_by("kind", "id")
    )


def household_of(person: Person) -> list[HouseholdMember]:
    """The current members of the households the person lives in now (themself included)."""
    households = HouseholdMember.objects.filter(person=person, ended_on__isnull=True).values(
        "household_id"
    )
    return list(
        HouseholdMember.objects.filter(household_id__in=households, ended_on__isnull=True)
        .select_related("person", "household")
        .order_by("household_id", "person__date_of_birth", "id")
    )


@dataclass(frozen=True)
class FieldChange:
    """One detail changed between two versions of a record, as the history table shows it:
    a yes-or-no detail as Yes or No (the template's `yesno`), a choice by its label."""

    label: str
    old: object
    new: object
    yes_no: bool = False


def change_history(person: Person, *, limit: int = 50):
    """The record's history rows, newest first, each with what changed from the one before."""
    rows = list(
        person.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    changes = []
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        if older is None:
            changed = None  # the record was created
        else:
            delta = newer.diff_against(older, excluded_fields=_HIDDEN_HISTORY_FIELDS)
            changed = [
                _field_change(change.field, change.old, change.new) for change in delta.changes
            ]
        changes.append({"row": newer, "changes": changed})
    return changes[:limit]


def _field_change(name: str, old: object, new: object) -> FieldChange:
    field: Any = Person._meta.get_field(name)  # a concrete field of the person's own
    label = field.verbose_name.capitalize()
    if field.get_internal_type() == "BooleanField":
        return FieldChange(label, old, new, yes_no=True)
    if field.choices:
        shown = dict(field.flatchoices)
        return FieldChange(label, shown.get(old, old), shown.get(new, new))
    if field.get_internal_type() == "DateField":
        # As the page shows dates (the `date` filter's "j F Y").
        return FieldChange(label, _date_shown(old), _date_shown(new))
    return FieldChange(label, old, new)


def _date_shown(value: object) -> object:
    return dateformat.format(value, "j F Y") if isinstance(value, dt.date) else value


_HIDDEN_HISTORY_FIELDS = [
    "search_first_name",
    "search_last_name",
    "first_name_key",
    "surname_key",
    "surname_last_key",
    "address_reported_at",
]


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event in a person's story, for the person page's timeline.

    `intake.selectors.timeline_of` puts the page's together; other apps add their own entries
    (screening decisions, MASH enquiries) with `add_timeline_source`, and the template shows any
    entry the same way.
    """

    on: dt.date
    kind: str  # "contact", "involvement", "missing_episode", ...
    title: str
    detail: str = ""
    url: str = ""
    # The action (`accounts.permissions`) a user needs to open `url`: for anyone else the entry
    # is shown without its link, never as a link to a refusal.
    opens_with: str = ""
    # The contact whose staff-written words `detail` quotes (a rationale, a reason), if any: the
    # timeline withholds that contact's restricted children's names from it (R45).
    contact_id: int | None = None


# Apps above `intake` (screening, mash) add their entries to a person's timeline here, from their
# AppConfig.ready, so neither `people` nor `intake` imports them: each source gives the entries
# for a person.
TIMELINE_SOURCES: list[Callable[[Person], Iterable[TimelineEntry]]] = []


def add_timeline_source(source: Callable[[Person], Iterable[TimelineEntry]]) -> None:
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)


def case_record_ids(person_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each person's identifiers in the council's case records (R44), as "Open in LCS as
    123456", by person id: the records the policy's `handoffs.record_systems` names, by name."""
    names = {system.key: system.name for system in current_policy().handoffs.record_systems}
    found: dict[int, list[str]] = {}
    for identifier in ExternalIdentifier.objects.filter(
        person_id__in=list(person_ids), source_system__in=list(names)
    ).order_by("source_system", "external_id"):
        found.setdefault(identifier.person_id, []).append(
            f"Open in {names[identifier.source_system]} as {identifier.external_id}"
        )
    return found


def involvement_entries(person: Person) -> list[TimelineEntry]:
    """The person's involvements on their timeline (missing episodes are given with intake's)."""
    entries = []
    for involvement in Involvement.objects.filter(person=person).exclude(
        kind=Involvement.Kind.MISSING_EPISODE
    ):
        # Written as the timeline writes its own dates ("j F Y").
        ended = (
            f", ended {dateformat.format(involvement.ended_on, 'j F Y')}"
            if involvement.ended_on
            else ", open"
        )
        entries.append(
            TimelineEntry(
                on=involvement.started_on,
                kind="involvement",
                title=f"{involvement.get_kind_display()} started{ended}",
                detail=", ".join(p for p in (involvement.team, involvement.allocated_worker) if p),
            )
        )
    return entries


def entries_from_other_apps(person: Person) -> list[TimelineEntry]:
    """The entries the apps above add to the person's timeline (`add_timeline_source`)."""
    return [entry for source in TIMELINE_SOURCES for entry in source(person)]


def open_involvements_by_person(
    person_ids: list[int], *, on: dt.date | None = None
) -> dict[int, list[Involvement]]:
    """Open involvements of several people at once (one query), for a list of candidates."""
    day = on or timezone.localdate()
    found: dict[int, list[Involvement]] = {}
    for involvement in (
        Involvement.objects.filter(person_id__in=person_ids, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .order_by("-started_on", "id")
    ):
        found.setdefault(involvement.person_id, []).append(involvement)
    return found


def corrections_of(record) -> QuerySet[Correction]:
    """The corrections of one record (a person, or a contact's child or adult), newest first."""
    return Correction.objects.filter(
        record_type=record._meta.label_lower, record_id=record.pk
    ).select_related("corrected_by")


def corrections_on_contact(reference: str) -> QuerySet[Correction]:
    """The corrections made to the children and adults one contact reported, the newest first."""
    return Correction.objects.filter(contact_reference=reference).select_related("corrected_by")
