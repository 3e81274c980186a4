"""The suggested RAG rating for a child going to MASH (R35).

Red: suffering or at risk of significant harm, or unclear and more information is needed to
assess the risk. Amber: complex section 17 needs likely to need a statutory assessment. Green: a
low-level concern the manager wants shared through MASH. The manager's RAG is what counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdoor.policy.schema import Policy, Rag
from frontdoor.screening.concerns import Concern


@dataclass(frozen=True)
class RagSuggestion:
    rag: Rag | None  # None: no route into MASH and no MASH criterion, so no enquiry (R33, R34)
    reasons: list[str]
    # R35: with an immediate need, agencies present at the strategy meeting instead of writing.
    present_at_strategy_meeting: bool = False


def suggest_rag(
    policy: Policy,
    *,
    goes_to_mash: bool,
    suggested_level: int | None,
    concerns: list[Concern],
    more_information_needed: bool,
    immediate_need_reported: bool = False,
    urgent_action_found: bool = False,
) -> RagSuggestion:
    """The RAG the evidence points to, with each reason naming where it came from: a report
    (what the referrer said) or the worker's screening (what the MASH found)."""
    immediate_need = immediate_need_reported or urgent_action_found
    if not goes_to_mash:
        return RagSuggestion(
            rag=None,
            reasons=[
                "No MASH criterion is met and no route into MASH applies: single-agency "
                "enquiries by the duty social worker (parents, referrer, chronology, risks and "
                "protective factors)"
            ],
        )
    reasons: list[str] = []
    if immediate_need_reported:
        reasons.append("A report says a child needs protection now")
    if urgent_action_found:
        reasons.append("The screening found that urgent action is needed")
    if suggested_level == 4:
        reasons.append("The indicators found are at level 4 (risk of significant harm)")
    if concerns and more_information_needed:
        reasons.append(
            "There are child-protection concerns and more information is needed to assess the risk"
        )
    if reasons:
        meaning = policy.rag[Rag.RED]
        return RagSuggestion(
            rag=Rag.RED,
            reasons=reasons,
            present_at_strategy_meeting=immediate_need
            and meaning.immediate_need_presents_at_strategy_meeting,
        )
    if suggested_level == 3 or concerns:
        why = (
            "The indicators found are at level 3 (complex needs)"
            if suggested_level == 3
            else "There are child-protection concerns, not yet at the level of significant harm"
        )
        return RagSuggestion(rag=Rag.AMBER, reasons=[why])
    return RagSuggestion(
        rag=Rag.GREEN,
        reasons=[
            "The contact goes to MASH, with lower-level needs: information shared through MASH"
        ],
    )
