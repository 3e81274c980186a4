"""Reading the access log: who has seen a record, for the record's own page (R45)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from frontdoor.audit.models import RecordView

# The latest views a record's page lists; the count covers them all.
VIEWS_SHOWN = 100


@dataclass(frozen=True)
class Seen:
    """The latest views of a record, newest first, and how many there have been in all."""

    views: list[RecordView]
    count: int


def seen(targets: Q) -> Seen:
    """Views matching `targets`, a Q on target_type and target_id (use `of` for each record)."""
    views = RecordView.objects.filter(targets)
    return Seen(
        views=list(views.select_related("viewer").order_by("-at", "-id")[:VIEWS_SHOWN]),
        count=views.count(),
    )


def of(model, *ids) -> Q:
    """The views of these records of `model` (a model class or instance)."""
    return Q(target_type=model._meta.label_lower, target_id__in=[str(pk) for pk in ids])
