"""Importing involvements from the council's other systems (R18-R21): a CSV, row by row.

Social care (Mosaic, Liquidlogic) and early help systems export their episodes; the front door
needs them to answer "is this child known, and to whom?". Each row names a person and one
involvement. The import is safe to run again: an involvement is updated in place by its
(source system, external id), and a person is found again by their id in that system, their NHS
number, or exactly their name and date of birth, before a new record is made. A row that cannot
be read is rejected with its line number and the reason; the others still go in. Columns are
documented in docs/importing-involvements.md.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from frontdoor.audit import services as audit
from frontdoor.people.models import (
    ExternalIdentifier,
    Involvement,
    Person,
    compact_nhs_number,
    nhs_number_is_valid,
)
from frontdoor.people.names import fold
from frontdoor.people.selectors import people_of_served_council

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

REQUIRED_COLUMNS = ("kind", "started_on", "external_id")
PERSON_COLUMNS = (
    "person_id",
    "nhs_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "postcode",
)
INVOLVEMENT_COLUMNS = (
    "kind",
    "started_on",
    "ended_on",
    "allocated_worker",
    "allocated_worker_email",
    "line_manager",
    "line_manager_email",
    "team",
    "external_id",
    "notes",
    "closure_reason",
    "assessment_authorised_on",
    "initial_conference",
)
NOT_REQUIRED = "not required"
_KINDS = {
    **{kind.value: kind.value for kind in Involvement.Kind},
    **{fold(kind.label).replace(" ", "_"): kind.value for kind in Involvement.Kind},
    "cp_plan": Involvement.Kind.CHILD_PROTECTION_PLAN,
    "cla": Involvement.Kind.LOOKED_AFTER,
    "lac": Involvement.Kind.LOOKED_AFTER,
    "missing": Involvement.Kind.MISSING_EPISODE,
    "eh": Involvement.Kind.EARLY_HELP,
}


class RowError(Exception):
    """A row that cannot be imported; the message says what to fix in the file."""


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    people_created: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.rows} rows: {self.created} involvements created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.people_created} people created, "
            f"{len(self.rejected)} rejected"
        )


def _date(value: str, column: str, *, required: bool) -> dt.date | None:
    value = value.strip()
    if not value:
        if required:
            raise RowError(f"{column} is empty: give a date like 2026-03-31")
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise RowError(f"{column} '{value}' is not a date: write it like 2026-03-31 or 31/03/2026")


def _closure_reason(value: str, *, ended_on: dt.date | None) -> str:
    code = value.strip().upper()
    if not code:
        return ""
    if code not in Involvement.ClosureReason.values:
        allowed = ", ".join(Involvement.ClosureReason.values)
        raise RowError(f"closure_reason '{value}' is not a DfE reason for closure: use {allowed}")
    if ended_on is None:
        raise RowError("closure_reason is given but ended_on is empty: give the date it ended")
    return code


def _kind(value: str) -> str:
    key = fold(value.replace("_", " ")).replace(" ", "_")
    if key not in _KINDS:
        allowed = ", ".join(kind.value for kind in Involvement.Kind)
        raise RowError(f"kind '{value}' is not known: use one of {allowed}")
    return _KINDS[key]


def _find_or_create_person(row: dict[str, str], *, source: str, result: ImportResult) -> Person:
    person_id = row.get("person_id", "").strip()
    nhs_number = compact_nhs_number(row.get("nhs_number", ""))
    if nhs_number and not nhs_number_is_valid(nhs_number):
        raise RowError(f"nhs_number '{row['nhs_number']}' fails the NHS number check digit")
    born = _date(row.get("date_of_birth", ""), "date_of_birth", required=False)
    first, last = row.get("first_name", "").strip(), row.get("last_name", "").strip()

    person = None
    if person_id:
        identifier = (
            ExternalIdentifier.objects.filter(
                source_system=source,
                external_id=person_id,
                person__in=people_of_served_council(),
            )
            .select_related("person")
            .first()
        )
        person = identifier.person if identifier else None
    if person is None and nhs_number:
        person = people_of_served_council().filter(nhs_number=nhs_number).first()
    if person is None and last and born:
        same = list(
            people_of_served_council().filter(
                search_first_name=fold(first),
                search_last_name=fold(last),
                date_of_birth=born,
                merged_into__isnull=True,
            )[:2]
        )
        if len(same) > 1:
            raise RowError(
                f"{first} {last}, born {born:%d/%m/%Y}, matches more than one person: "
                "add their NHS number or person_id"
            )
        person = same[0] if same else None
    if person is not None:
        while person.merged_into is not None:  # a merged duplicate: the record kept
            person = person.merged_into
        if nhs_number and person.nhs_number and person.nhs_number != nhs_number:
            raise RowError(
                f"person_id {person_id} is {person.name}, whose NHS number is "
                f"{person.nhs_number}, not {nhs_number}"
            )
    else:
        if not last or not (born or nhs_number):
            raise RowError(
                "the person is not known: give at least last_name and date_of_birth "
                "(or nhs_number) so a record can be made"
            )
        person = Person(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            nhs_number=nhs_number,
            postcode=row.get("postcode", ""),
        )
        person._change_reason = f"Imported from {source}"  # type: ignore[attr-defined]  # read by simple_history as it saves
        person.save()
        result.people_created += 1
    if person_id:
        ExternalIdentifier.objects.get_or_create(
            source_system=source, external_id=person_id, defaults={"person": person}
        )
    return person


def _import_row(row: dict[str, str], *, source: str, result: ImportResult) -> None:
    external_id = row.get("external_id", "").strip()
    if not external_id:
        raise RowError("external_id is empty: each involvement needs its id in the source system")
    values: dict[str, Any] = {
        "kind": _kind(row.get("kind", "")),
        "started_on": _date(row.get("started_on", ""), "started_on", required=True),
        "ended_on": _date(row.get("ended_on", ""), "ended_on", required=False),
        "allocated_worker": row.get("allocated_worker", "").strip(),
        "allocated_worker_email": row.get("allocated_worker_email", "").strip(),
        "line_manager": row.get("line_manager", "").strip(),
        "line_manager_email": row.get("line_manager_email", "").strip(),
        "team": row.get("team", "").strip(),
        "notes": row.get("notes", "").strip(),
    }
    values["closure_reason"] = _closure_reason(
        row.get("closure_reason", ""), ended_on=values["ended_on"]
    )
    values["assessment_authorised_on"] = _date(
        row.get("assessment_authorised_on", ""), "assessment_authorised_on", required=False
    )
    conference = row.get("initial_conference", "").strip()
    values["conference_not_required"] = fold(conference) == NOT_REQUIRED
    values["initial_conference_on"] = (
        None
        if values["conference_not_required"]
        else _date(conference, "initial_conference", required=False)
    )
    if values["ended_on"] and values["ended_on"] < values["started_on"]:
        raise RowError("ended_on is before started_on")
    for column in ("allocated_worker_email", "line_manager_email"):
        if values[column]:
            try:
                validate_email(values[column])
            except ValidationError as error:
                raise RowError(f"{column} '{values[column]}' is not an e-mail address") from error
    person = _find_or_create_person(row, source=source, result=result)
    existing = Involvement.objects.filter(source_system=source, external_id=external_id).first()
    if existing is None:
        Involvement.objects.create(
            person=person, source_system=source, external_id=external_id, **values
        )
        result.created += 1
        return
    if existing.person_id != person.pk and existing.person.merged_into_id != person.pk:
        raise RowError(
            f"involvement {external_id} is already on the record of {existing.person.name} "
            f"(person {existing.person_id}), not this person: check the person columns"
        )
    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
    if not changed and existing.person_id == person.pk:
        result.unchanged += 1
        return
    for key, value in changed.items():
        setattr(existing, key, value)
    existing.person = person
    existing._change_reason = f"Re-imported from {source}"  # type: ignore[attr-defined]  # read by simple_history as it saves
    existing.save()
    result.updated += 1


def read_rows(lines: Iterable[str]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each row with its line number in the file (the header is line 1)."""
    reader = csv.DictReader(lines)
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    return header, [(reader.line_num, row) for row in reader]


def check_header(header: list[str]) -> None:
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise RowError(
            f"the file has no {', '.join(missing)} column: the first line must name the columns "
            "(see docs/importing-involvements.md)"
        )
    if not set(PERSON_COLUMNS) & set(header):
        raise RowError("the file has no person columns (person_id, nhs_number, names, dob)")


def import_involvements(
    *,
    rows: list[tuple[int, dict[str, str]]],
    source_system: str,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    by: User | None = None,
    through: str = "file",
) -> ImportResult:
    """Create or update involvements (and people) from rows of a source system's export (R18),
    sent as a file (`import-involvements`, `by` None: an operator's command) or through the API
    (`by` the token's user)."""
    result = ImportResult(rows=len(rows))
    with transaction.atomic():
        for done, (line, row) in enumerate(rows, 1):
            try:
                with transaction.atomic():  # a rejected row leaves nothing behind
                    _import_row(
                        {k: (v or "") for k, v in row.items() if k},
                        source=source_system,
                        result=result,
                    )
            except RowError as error:
                result.rejected.append((line, str(error)))
            if progress:
                progress(done, len(rows))
        audit.record(
            actor=by,
            action="involvements.imported",
            changes={
                "through": through,
                "source_system": source_system,
                "created": result.created,
                "updated": result.updated,
                "people_created": result.people_created,
                "rejected": len(result.rejected),
                "dry_run": dry_run,
            },
        )
        if dry_run:
            transaction.set_rollback(True)  # everything checked, nothing kept
    return result
