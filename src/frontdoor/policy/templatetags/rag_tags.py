"""How pages show a RAG rating: the words from `policy.rag`, the GOV.UK tag colour here."""

from __future__ import annotations

from django import template

from frontdoor.policy.rag import Rag, rag_label

register = template.Library()

TAG_COLOURS: dict[str | None, str] = {Rag.RED: "red", Rag.AMBER: "orange", Rag.GREEN: "green"}


@register.filter
def rag_words(value: str | None) -> str:
    """The RAG's label, or "Not going to MASH" for a blank RAG."""
    return rag_label(value)


@register.filter
def rag_colour(value: str | None) -> str:
    """The GOV.UK tag colour for a RAG: grey when the child is not going to MASH."""
    return TAG_COLOURS.get(value, "grey")
