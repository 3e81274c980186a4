"""Children recorded twice on one contact before further accounts were kept (R3, R7).

A further report of the same incident now adds a further account of a child the contact already
has (`services.same_child`). Contacts recorded before that may hold the same child twice, both
rows children in their own right. The data migration `0014_further_accounts_of_duplicates` makes
each later row an account of the first where that is safe; the `duplicate-children` command
lists those it left, for a worker to put right.

The functions here read only the rows' fields, so the migration can pass its historical models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from frontdoor.intake.services import same_child


@dataclass(frozen=True)
class Duplicate:
    """`later` is the same child as `first`, on the same contact; `left_because` says why the
    repair left it as a child in its own right ("" when it may be made an account of `first`)."""

    first: Any
    later: Any
    left_because: str = ""


def duplicates(
    children: Iterable[Any], *, decided: Collection[int], in_use: Collection[int]
) -> list[Duplicate]:
    """Each child of a contact that `same_child` finds is a child named before it on the same
    contact, paired with the first. `children` are the contacts' children (no further accounts),
    `decided` the ids of those with a decision, `in_use` of those a MASH enquiry or missing
    episode is about: such a row is left, since its own record hangs on it."""
    by_contact: dict[int, list[Any]] = defaultdict(list)
    for child in sorted(children, key=lambda child: child.pk):
        by_contact[child.contact_id].append(child)
    found = []
    for rows in by_contact.values():
        kept: list[Any] = []
        for child in rows:
            first = next((earlier for earlier in kept if same_child(earlier, child)), None)
            if first is None:
                kept.append(child)
                continue
            found.append(
                Duplicate(
                    first=first,
                    later=child,
                    left_because=_left_because(first, child, decided=decided, in_use=in_use),
                )
            )
    return found


def _left_because(
    first: Any, later: Any, *, decided: Collection[int], in_use: Collection[int]
) -> str:
    if later.pk in decided:
        if first.pk in decided:
            return "both have decisions"
        return "only the later one has a decision"
    if later.pk in in_use:
        return "a MASH enquiry or missing episode is about the later one"
    if later.person_id is not None and later.person_id != first.person_id:
        return "the later one is linked to another person record"
    return ""
