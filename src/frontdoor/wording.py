"""Words the pages and e-mails share: a label set inside a sentence keeps its acronyms.

A label such as "In MASH" or "MASH case discussion" reads "in MASH" and "MASH case discussion"
mid-sentence, never "in mash": Django's `lower` lowercases every letter, so the pages and the
e-mails use `in_sentence` (the `in_sentence` template filter, a built-in of every template).
A policy's key is shown in the policy's words (`consent_reason`, `source_system_name`).
"""

from __future__ import annotations

import re

from django import template

from frontdoor.policy.registry import current_policy

register = template.Library()

# A word written in capitals (MASH, RAG, NHS, EDT, CIN): an acronym, kept as it is.
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]+$")


def in_sentence(label: object) -> str:
    """`label` as it reads inside a sentence: each word lowercased but its acronyms."""
    return " ".join(
        word if _ACRONYM.match(word.strip("()“”\"',.:;")) else word.lower()
        for word in str(label).split(" ")
    )


register.filter("in_sentence", in_sentence, is_safe=True)


def count_of(number: int, noun: str, plural: str = "") -> str:
    """`number` of `noun`, the noun in the singular for one: "1 month", "3 months"."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


@register.filter
def consent_reason(key: str) -> str:
    """R14: the council's words for why consent was not sought, from the reason's key."""
    return current_policy().consent.reason_labels().get(key, key)


@register.filter
def source_system_name(key: str) -> str:
    """The name of the system an involvement came from: the council's name for its case record
    when the key is one of the policy's record systems ("EHM (Early Help Module)" for "ehm"),
    else the source as the import named it."""
    system = current_policy().handoffs.record_system(key)
    return system.name if system else key
