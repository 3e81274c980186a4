"""Erasing contacts whose retention has run out (UK GDPR storage limitation; the policy's
`retention` section).

Nothing is erased that a person has not first seen listed: `keep_review` stores a retention
report as printed (privacy.RetentionReview), and `erase_review` acts on that review only, checking
each contact again: one that is no longer due (a decision since, say) is kept and listed.

A contact's rows are found by walking every relation that points at it, then at those rows, and
so on: its reports, children, adults, documents, screening, decisions, referrals, MASH enquiries,
answers, meetings, escalations and follow-ups, with their change history. They are deleted in one
transaction, and the database's own foreign key checks run before it commits, so a row the walk
missed that still points at an erased one makes the whole erasure fail with nothing erased,
rather than leave a record pointing at nothing.

What stays: the person records (people are kept under their own rules), the audit trail's entry
that the contact was erased (by whom, under which review and rule, how many rows; no personal
details), and the trail's earlier entries about the erased rows, with their descriptions and
details blanked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.models import HistoricalChanges
from simple_history.utils import get_history_model_for_model

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.models import Attachment, Contact
from frontdoor.policy.schema import Policy
from frontdoor.policy.versions import current_policy_version
from frontdoor.privacy.models import RetentionReview
from frontdoor.privacy.selectors import retention_due

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

ERASED = "(erased under the retention policy)"

Rows = dict[type[models.Model], set[int]]


def keep_review(*, policy: Policy, as_of: dt.date | None = None) -> RetentionReview:
    """Work out the retention report and keep it, so that it can be acted on."""
    report = retention_due(policy=policy, as_of=as_of)
    return RetentionReview.objects.create(
        made_at=timezone.now(),
        as_of=report.as_of,
        policy_version=str(current_policy_version()),
        groups=[
            {"label": group.label, "years": group.years, "references": group.references}
            for group in (report.no_further_action, report.referrals)
        ],
    )


def _points_at(model: type[models.Model]):
    """(model, field name) for every foreign key that points at `model`, hidden ones included
    (related_name="+"), and the tables behind many-to-many fields; history tables apart."""
    for relation in model._meta._get_fields(forward=False, reverse=True, include_hidden=True):
        if relation.many_to_many:  # its through table's foreign keys are listed on their own
            continue
        related = relation.related_model
        # Reverse relations only: each is a ForeignObjectRel from a model class.
        if issubclass(related, HistoricalChanges):  # type: ignore[arg-type]
            continue
        yield related, relation.field.name  # type: ignore[union-attr]  # as above


def rows_of(contacts: set[int]) -> Rows:
    """Every row that belongs to these contacts, by model: the rows pointing at them, the rows
    pointing at those, and so on."""
    found: Rows = defaultdict(set)
    waiting: list[tuple[type[models.Model], set[int]]] = [(Contact, set(contacts))]
    while waiting:
        model, ids = waiting.pop()
        new = ids - found[model]
        if not new:
            continue
        found[model] |= new
        for related, name in _points_at(model):
            pointing = set(
                related._base_manager.filter(**{f"{name}__in": new}).values_list("pk", flat=True)
            )
            if pointing:
                waiting.append((related, pointing))
    return dict(found)


@dataclass
class Erasure:
    """What one erasure did: contacts erased, with rows per model, and contacts kept, with why."""

    review: RetentionReview
    erased: dict[str, dict[str, int]] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    try:
        return get_history_model_for_model(model)
    except Exception:  # simple_history's NotHistoricalModelError: the model keeps no history
        return None


def _delete(rows: Rows) -> None:
    # Raw deletes: every row of the contact is deleted here, so Django's PROTECT, which would
    # refuse each one for the next, does not apply; the database's checks below take its place.
    for model, ids in rows.items():
        if history := _history_model(model):
            history._base_manager.filter(id__in=ids)._raw_delete(history._base_manager.db)
        model._base_manager.filter(pk__in=ids)._raw_delete(model._base_manager.db)


def _blank_audit(rows: Rows) -> None:
    for model, ids in rows.items():
        AuditEvent.objects.filter(
            target_type=model._meta.label_lower, target_id__in=[str(i) for i in ids]
        ).update(target_repr=ERASED, changes={})


def _delete_files_after_commit(names: set[str]) -> None:
    def delete() -> None:
        for name in names:
            # Files are named by their content: another contact may hold the same document.
            if not Attachment.objects.filter(file=name).exists():
                default_storage.delete(name)

    transaction.on_commit(delete)


def erase_review(*, review: RetentionReview, by: User, policy: Policy) -> Erasure:
    """Erase the contacts a kept review lists that are still due today; keep and list the rest.

    One transaction: all of it, or (if the database finds a row still pointing at an erased
    one) none of it.
    """
    require(by, "privacy.erase")
    if review.erased_at is not None:
        raise DomainError(
            f"Retention review {review.pk} was acted on {review.erased_at:%d/%m/%Y %H:%M}: "
            "make a new review."
        )
    result = Erasure(review=review)
    due_now = retention_due(policy=policy)
    rule_of = {
        reference: group.label
        for group in (due_now.no_further_action, due_now.referrals)
        for reference in group.references
    }
    listed = review.references
    for reference in listed:
        if reference not in rule_of:
            result.kept[reference] = "no longer due (decided again, or the policy changed)"
    to_erase = {
        contact.pk: contact.reference
        for contact in Contact.objects.filter(reference__in=[r for r in listed if r in rule_of])
    }
    with transaction.atomic():
        own = {pk: rows_of({pk}) for pk in to_erase}
        for pk, reference in to_erase.items():
            if own[pk].get(Contact, set()) != {pk}:  # no model links contacts today; if one
                raise DomainError(  # ever does, erasing one must not take the other with it
                    f"Contact {reference} is linked to another contact: nothing was erased."
                )
        rows: Rows = defaultdict(set)
        for pk in to_erase:
            for model, ids in own[pk].items():
                rows[model] |= ids
        files = set(
            Attachment.objects.filter(pk__in=rows.get(Attachment, set())).values_list(
                "file", flat=True
            )
        )
        version = current_policy_version()
        for pk, reference in to_erase.items():
            counts = {model._meta.label: len(ids) for model, ids in own[pk].items()}
            result.erased[reference] = counts
            audit.record(
                actor=by,
                action="contact.erased",
                changes={
                    "reference": reference,
                    "rule": rule_of[reference],
                    "review": review.pk,
                    "rows": counts,
                },
                reason=f"Retention review {review.pk}: {rule_of[reference]}",
                policy_version=version,
            )
        _blank_audit(rows)
        _delete(rows)
        connection.check_constraints()  # the foreign key checks, now rather than at commit
        review.erased_at = timezone.now()
        review.erased_by = by
        review.save(update_fields=["erased_at", "erased_by"])
        _delete_files_after_commit(files)
    return result
