"""Decisions made through the domain function, for tests that need decided contacts."""

from __future__ import annotations

import datetime as dt

from frontdoor.screening.decisions import TransferDetails, record_decision

# The arguments of record_decision for the two outcomes tests most often need.
ADVICE = {
    "level": 1,
    "outcome": "information_and_advice",
    "rationale": "Advice given.",
    "primary_need": "",
}
STRATEGY_DISCUSSION = {
    "level": 4,
    "outcome": "strategy_discussion",
    "rationale": "Bruising with an account of being hit.",
    "rag": "red",
    "primary_need": "N1",
}
# R17: the family lives in Liverpool, where the contact is passed with what was sent.
TRANSFER = {
    "level": 2,
    "outcome": "another_council",
    "rationale": "The family lives in Liverpool.",
    "transfer": TransferDetails(
        council_code="E08000012",
        sent_how="Secure e-mail to Liverpool's MASH",
        what_was_sent="The referral and the screening notes",
    ),
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
