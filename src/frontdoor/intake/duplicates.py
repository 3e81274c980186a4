"""Children and adults recorded twice on one contact before further accounts were kept (R3, R7).

A further report of the same incident now adds a further account of a child or adult the contact
already has (`services.same_child`). Contacts recorded before that may hold the same child twice,
both rows children in their own right, and the same adult twice. The data migrations
`0014_further_accounts_of_duplicates` (children) and `0016_further_accounts_of_duplicate_adults`
make each later row an account of the first where that is safe; the `duplicate-children` command
lists those they left, for a worker to put right.

The functions here read only the rows' fields, so the migration can pass its historical models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from frontdoor.intake.services import same_child


@dataclass(frozen=True)
class Duplicate:
    """`later` is the same child as `first`, on the same contact; `left_because` says why the
    repair left it as a child in its own right ("" when it may be made an account of `first`)."""

    first: Any
    later: Any
    left_because: str = ""


# Why a later row other records hang on is left as it is.
CHILD_IN_USE = "a MASH enquiry or missing episode is about the later one"
ADULT_IN_USE = "a consent record or a MASH agency's answer is about the later one"


def adults_in_use(*, consent_records: Any, answers: Any) -> set[int]:
    """The ids of the adults a consent record or a MASH agency's answer is about, from the
    managers given (today's models, or a migration's)."""
    return set(consent_records.exclude(adult=None).values_list("adult_id", flat=True)) | set(
        answers.exclude(about_adult=None).values_list("about_adult_id", flat=True)
    )


def duplicates(
    children: Iterable[Any],
    *,
    decided: Collection[int],
    in_use: Collection[int],
    in_use_because: str = CHILD_IN_USE,
) -> list[Duplicate]:
    """Each child of a contact that `same_child` finds is a child named before it on the same
    contact, paired with the first. `children` are the contacts' children (no further accounts),
    `decided` the ids of those with a decision, `in_use` of those a MASH enquiry or missing
    episode is about: such a row is left, since its own record hangs on it. Adults are read the
    same way: none has a decision, and `in_use` are those a consent record or a MASH agency's
    answer is about (`in_use_because` says so)."""
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
                    left_because=_left_because(
                        first, child, decided=decided, in_use=in_use, in_use_because=in_use_because
                    ),
                )
            )
    return found


def _left_because(
    first: Any,
    later: Any,
    *,
    decided: Collection[int],
    in_use: Collection[int],
    in_use_because: str,
) -> str:
    if later.pk in decided:
        if first.pk in decided:
            return "both have decisions"
        return "only the later one has a decision"
    if later.pk in in_use:
        return in_use_because
    if later.person_id is not None and later.person_id != first.person_id:
        return "the later one is linked to another person record"
    return ""


def make_further_accounts(
    model: Any, historical: Any, found: Iterable[Duplicate], *, repaired: str, linked: str
) -> int:
    """The data migrations' repair: each later row of `found` that is safe to repair becomes a
    further account of the first (and takes its person record, as intake links a further
    account, when it has none), with a row of history giving `repaired` or `linked` as the
    reason. `model` and `historical` are the migration's models. Return how many were made."""
    now = timezone.now()
    made = 0
    for duplicate in found:
        if duplicate.left_because:
            continue
        later, first = duplicate.later, duplicate.first
        changes = {"account_of_id": first.pk}
        reason = repaired
        if later.person_id is None and first.person_id is not None:
            changes["person_id"] = first.person_id
            reason = linked
        model._base_manager.filter(pk=later.pk).update(**changes)
        # The change stays on the row's history, as every change to a record does.
        row = model._base_manager.get(pk=later.pk)
        historical.objects.create(
            **{field.attname: getattr(row, field.attname) for field in model._meta.concrete_fields},
            history_date=now,
            history_type="~",
            history_change_reason=reason,
        )
        made += 1
    return made


def undo_further_accounts(model: Any, historical: Any, *, repaired: str, linked: str) -> None:
    """Reverse `make_further_accounts`: only the rows it changed, by the history it left."""
    changed = historical.objects.filter(history_change_reason__in=(repaired, linked))
    model._base_manager.filter(pk__in=changed.values_list("id", flat=True)).update(account_of=None)
    model._base_manager.filter(
        pk__in=changed.filter(history_change_reason=linked).values_list("id", flat=True)
    ).update(person=None)
    changed.delete()
