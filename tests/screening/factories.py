"""Decisions made through the domain function, for tests that need decided contacts."""

from __future__ import annotations

import datetime as dt

from frontdoor.screening.decisions import record_decision

# The arguments of record_decision for the two outcomes tests most often need.
ADVICE = {
    "level": 1,
    "outcome": "information_and_advice",
    "rationale": "Advice given.",
    "primary_need": "",
}
ASSESSMENT = {
    "level": 3,
    "outcome": "child_and_family_assessment",
    "rationale": "An assessment is needed.",
    "primary_need": "N1",
}


def decide_every_child(contact, *, by, now: dt.datetime, decision: dict = ADVICE) -> None:
    """Record the same decision for every child of `contact`, as its manager would."""
    for child in contact.children.all():
        record_decision(contact=contact, child=child, by=by, now=now, **decision)
