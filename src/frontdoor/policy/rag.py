"""The RAG rating (R35): its stored values, its words and its order, declared once.

Models (`choices=`), forms, pages and the policy file's `rag` section all read `Rag`; what each
rating means and where it leads is the council's, in its policy file (`policy.schema.RagMeaning`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

# What a page says where a decision has no RAG: the child does not go to MASH.
NOT_GOING_TO_MASH = "Not going to MASH"


class Rag(models.TextChoices):
    """A RAG rating, most urgent first: the order of the forms, the pages and `most_urgent`."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


def rag_label(value: str | None) -> str:
    """The words for a stored RAG: its label, or "Not going to MASH" when blank."""
    return Rag(value).label if value in Rag.values else NOT_GOING_TO_MASH


def most_urgent(values: Iterable[str]) -> str:
    """The most urgent RAG among `values` (Red before Amber before Green), or "" if none."""
    ratings = [Rag(value) for value in values if value]
    return min(ratings, key=list(Rag).index).value if ratings else ""
