"""`unnamed`: staff-written words about a contact with a restricted child's names withheld (R45).

A built-in filter (settings' TEMPLATES builtins): every page showing what staff or partners
wrote about a contact (a rationale, an analysis, an answer, a note) passes it through
`{{ text|unnamed:names_withheld }}`. `names_withheld` is the contact's
`intake.selectors.names_withheld_from` for the user: given on every page named by a contact's
reference (`intake.context_processors.names_withheld`), and by the pages reaching a contact
another way. The record keeps what was written.
"""

from __future__ import annotations

from django import template

from frontdoor.intake.selectors import Withheld, redact

register = template.Library()


@register.filter
def unnamed(text: str | None, withheld: list[Withheld] | None) -> str:
    """`text` with the names of each child in `withheld` replaced by whom to ask about them."""
    if not text or not withheld:
        return text or ""
    return redact(str(text), list(withheld))
