"""The manager's decision for each child, and what follows (R16, R17, R19, R23, R25, R28-R31).

`record_decision` is the one way a decision is made: it checks the decision against the
council's policy, records it append-only with what decision support suggested, and sets its
effects going in the same transaction: a referral (R29), alerts through the outbox (R23), the
clocks for the referrer's feedback (R30) and the child being seen (R31), a transfer record (R17).
A revision replaces what the decision it revises set in motion
(`revisions.replace_what_was_set_in_motion`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError, StalePageError
from frontdoor.intake.models import Contact, FeedbackBy, ReferrerType, Report, ReportedChild
from frontdoor.intake.selectors import require_child_seen
from frontdoor.outbox.models import Channel, Message
from frontdoor.outbox.services import queue_message, withdraw_unsent
from frontdoor.people.postcodes import authority_named
from frontdoor.policy.clocks import LONDON, day_in_words, start_clock, time_in_words
from frontdoor.policy.rag import rag_label
from frontdoor.policy.registry import calendar_for, current_loaded_policy
from frontdoor.policy.schema import OutcomeEffect, Policy, Rag, TimescaleKey
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.checks import previous_referral_within
from frontdoor.screening.consent import ChildConsent
from frontdoor.screening.models import Decision, FollowUp, PrimaryNeed, Referral, Transfer
from frontdoor.screening.police import PolicePosition
from frontdoor.screening.protection import strategy_meeting_due
from frontdoor.screening.revisions import decision_message_key, replace_what_was_set_in_motion
from frontdoor.screening.selectors import ChildSummary, child_decision_view, outcome_with_effect
from frontdoor.screening.transfers import send_on_service
from frontdoor.screening.transitions import after_decision
from frontdoor.wording import in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.screening.facts import Episode

# A decision can be made or revised while the front door still holds the contact.
DECIDABLE_STATES = (
    Contact.State.RECEIVED,
    Contact.State.SCREENING,
    Contact.State.IN_MASH,
    Contact.State.AWAITING_DECISION,
    Contact.State.DECIDED,
)

REFERRAL_EFFECTS = {
    OutcomeEffect.ASSESSMENT,
    OutcomeEffect.STRATEGY_DISCUSSION,
    OutcomeEffect.EMERGENCY_LEGAL_ACTION,
}
PROTECTION_EFFECTS = {OutcomeEffect.STRATEGY_DISCUSSION, OutcomeEffect.EMERGENCY_LEGAL_ACTION}
# Outcomes that share the child's information with, or refer them to, another agency (R12).
SHARING_EFFECTS = {OutcomeEffect.EARLY_HELP}


# Outcomes that route the child by where their case is, whatever the RAG: an open case's
# allocated worker (R19), another council (R17).
ROUTING_EFFECTS = {OutcomeEffect.ALLOCATED_WORKER, OutcomeEffect.TRANSFER_TO_COUNCIL}

# R38: where the confirmed final RAG of a child's MASH enquiry is read from. MASH sits above
# screening, so it registers its reader here (frontdoor.mash.apps) rather than being imported.
_final_rag_sources: list[Callable[[ReportedChild], str | None]] = []


def add_final_rag_source(source: Callable[[ReportedChild], str | None]) -> None:
    _final_rag_sources.append(source)


# What else follows a recorded decision, in its transaction: apps above screening register here
# in their AppConfig.ready (the hand-off to the case record, frontdoor.handoffs).
_decision_listeners: list[Callable[[Decision, ChildSummary], object]] = []


def add_decision_listener(listener: Callable[[Decision, ChildSummary], object]) -> None:
    _decision_listeners.append(listener)


def final_rag(child: ReportedChild) -> str | None:
    """The child's confirmed final RAG after a MASH enquiry (R38), or None before one."""
    for source in _final_rag_sources:
        if rag := source(child):
            return rag
    return None


def outcome_to_offer(policy: Policy, summary: ChildSummary, final: str | None) -> str | None:
    """The outcome the decision page starts with: where a routing rule points (R17, R19), else,
    after a MASH enquiry, the first step of the confirmed final RAG's progression (R38)."""
    if summary.suggested_outcome:
        return summary.suggested_outcome
    if final and (leads_to := policy.rag[Rag(final)].leads_to):
        return outcome_with_effect(policy, leads_to[0])
    return None


class DecisionConflict(DomainError):
    """Someone else decided this child since the manager's page was drawn."""

    def __init__(self, decision: Decision):
        self.decision = decision
        super().__init__(
            f"{decision.decided_by} recorded a decision for {decision.child} at "
            f"{time_in_words(decision.decided_at)}: "
            f"{decision.outcome_label}. Yours was not saved. Read their decision; if you "
            "disagree, record a new decision that says why."
        )


@dataclass(frozen=True)
class TransferDetails:
    """Where a contact goes when the child lives elsewhere, and how it was sent (R17)."""

    council_code: str
    sent_how: str
    what_was_sent: str


class DecisionProblems(DomainError):
    """Everything that stops a decision being recorded, each with the form field it is about
    (None: the decision as a whole), so the page can list them all at once."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        self.problems = problems
        super().__init__(" ".join(message for _field, message in problems))


def _problems(
    policy: Policy,
    *,
    summary: ChildSummary,
    level: int | None,
    outcome_key: str,
    rag: str,
    rationale: str | None,
    transfer: TransferDetails | None,
    sharing_allowed: tuple[bool, str] | None,
    primary_need: str,
    final: str | None = None,
    departure_reason: str = "",
) -> list[tuple[str | None, str]]:
    """Every rule the decision breaks (R17, R19, R25, R28, R38, R12), each with its field.
    A value not given (None, "") is left for the form to ask for, and the rules that need it
    are not checked."""
    problems: list[tuple[str | None, str]] = []
    if rationale is not None and not rationale.strip():
        problems.append(("rationale", "Give the rationale for the decision: it is required."))
    if level is not None and level not in (1, 2, 3, 4):
        problems.append(("level", "Choose the Level of Need, from 1 to 4."))
        level = None
    if rag and rag not in Rag.values:
        problems.append(
            ("rag", "Choose Red, Amber or Green, or say the child is not going to MASH.")
        )
    if not outcome_key:
        return problems
    try:
        outcome = policy.outcome(outcome_key)
    except KeyError:
        problems.append(("outcome", "Choose an outcome from the council's list."))
        return problems
    if level is not None and level not in outcome.levels:
        levels = ", ".join(str(number) for number in outcome.levels)
        problems.append(
            (
                "outcome",
                f"“{outcome.label}” is for level {levels} in the council's policy, not level "
                f"{level}. Choose an outcome for the level, or change the level.",
            )
        )
    if outcome.becomes_referral and primary_need not in PrimaryNeed.values:
        problems.append(
            (
                "primary_need",
                f"“{outcome.label}” makes the contact a referral: choose the child's primary "
                "need (N0 to N9).",
            )
        )
    if not outcome.becomes_referral and primary_need:
        problems.append(
            (
                "primary_need",
                "A primary need is recorded only when the contact becomes a referral.",
            )
        )
    if outcome.effect == OutcomeEffect.EARLY_HELP and summary.early_help_refusal:
        problems.append(("outcome", summary.early_help_refusal))
    if _departs_from_final_rag(policy, final, outcome.effect) and not departure_reason.strip():
        final_rag = Rag(final)  # type: ignore[arg-type]  # departing needs a final RAG
        meaning = policy.rag[final_rag]
        problems.append(
            (
                "departure_reason",
                f"The confirmed final RAG is {final_rag.label}, which leads to: "
                f"{meaning.progression}. “{outcome.label}” departs from it: say why in "
                "“Why the decision departs from the final RAG”, or choose an outcome that "
                "follows it.",
            )
        )
    sharing = outcome.effect in SHARING_EFFECTS
    if (sharing or rag) and sharing_allowed is not None and not sharing_allowed[0]:
        problems.append(("outcome" if sharing else "rag", sharing_allowed[1]))
    if outcome.effect == OutcomeEffect.ALLOCATED_WORKER and summary.open_social_care is None:
        problems.append(
            (
                "outcome",
                f"{summary.child} has no open social care involvement on record, so there is "
                "no allocated worker to pass the contact to. Link the child to their "
                "record first.",
            )
        )
    if outcome.effect == OutcomeEffect.TRANSFER_TO_COUNCIL:
        problems += _transfer_problems(policy, transfer)
    return problems


def _transfer_problems(
    policy: Policy, transfer: TransferDetails | None
) -> list[tuple[str | None, str]]:
    """R17: where the contact is transferred to, how it was sent and what was sent."""
    problems: list[tuple[str | None, str]] = []
    transfer = transfer or TransferDetails(council_code="", sent_how="", what_was_sent="")
    if not transfer.council_code:
        problems.append(("transfer_to", "Name the council the contact is transferred to."))
    elif (authority := authority_named(transfer.council_code)) is None:
        problems.append(("transfer_to", "Choose the receiving council from the list."))
    elif authority.code == policy.council.ons_code:
        problems.append(("transfer_to", "A contact cannot be transferred to this council itself."))
    if not transfer.sent_how.strip():
        problems.append(("sent_how", "Say how the contact was sent."))
    if not transfer.what_was_sent.strip():
        problems.append(("what_was_sent", "Say what was sent."))
    return problems


def _departs_from_final_rag(policy: Policy, final: str | None, effect: OutcomeEffect) -> bool:
    """R38: after a MASH enquiry, the decision follows the final RAG's progression."""
    if not final or effect in ROUTING_EFFECTS:
        return False
    return effect not in policy.rag[Rag(final)].leads_to


def _departures(
    policy: Policy,
    summary: ChildSummary,
    *,
    level: int,
    rag: str,
    outcome_key: str,
    final: str | None = None,
    departure_reason: str = "",
) -> list[str]:
    """How the decision differs from what decision support suggested (decision 5), or, after a
    MASH enquiry, from the confirmed final RAG (R38)."""
    departures = []
    if summary.level.level is not None and level != summary.level.level:
        departures.append(f"Level {level}; the indicators suggested level {summary.level.level}")

    def words(value: str) -> str:
        label = rag_label(value)
        return label if value else label[0].lower() + label[1:]  # mid-sentence

    if final:
        outcome = policy.outcome(outcome_key)
        if rag and rag != final:
            departures.append(f"RAG {words(rag)}; the final RAG was {words(final)}")
        if _departs_from_final_rag(policy, final, outcome.effect):
            departures.append(
                f"“{outcome.label}” departs from the final RAG {words(final)} "
                f"({policy.rag[Rag(final)].progression}): {departure_reason.strip()}"
            )
    elif rag != (suggested_rag := summary.rag.rag.value if summary.rag.rag else ""):
        departures.append(f"RAG {words(rag)}; the suggestion was {words(suggested_rag)}")
    if summary.suggested_outcome and outcome_key != summary.suggested_outcome:
        suggested = policy.outcome(summary.suggested_outcome).label
        departures.append(f"Outcome differs from the suggested “{suggested}”")
    return departures


def _decision_problems(
    policy: Policy,
    *,
    summary: ChildSummary,
    sharing: ChildConsent,
    police: PolicePosition,
    final: str | None,
    level: int | None,
    outcome: str,
    rationale: str | None,
    rag: str,
    transfer: TransferDetails | None,
    primary_need: str,
    departure_reason: str,
) -> list[tuple[str | None, str]]:
    problems = _problems(
        policy,
        summary=summary,
        level=level,
        outcome_key=outcome,
        rag=rag,
        rationale=rationale,
        transfer=transfer,
        # Whether consent is needed depends on the level (R16): without one it is not judged.
        sharing_allowed=sharing.may_share_at(policy, level) if level in (1, 2, 3, 4) else None,
        primary_need=primary_need,
        final=final,
        departure_reason=departure_reason,
    )
    if police_missing := police.missing:
        problems.append((None, police_missing))  # R24
    return problems


def decision_problems(
    *,
    contact: Contact,
    child: ReportedChild,
    level: int | None,
    outcome: str,
    rationale: str | None,
    rag: str = "",
    transfer: TransferDetails | None = None,
    primary_need: str = "",
    departure_reason: str = "",
) -> list[tuple[str | None, str]]:
    """Every rule a decision as given so far breaks, each with its form field (None: the
    decision as a whole), without recording anything: the decision page lists them beside the
    form's own errors, so the manager sees them all at once (R25). `record_decision` refuses
    with the same list."""
    policy = current_loaded_policy().policy
    view = child_decision_view(policy=policy, contact=contact, child=child)
    return _decision_problems(
        policy,
        summary=view.summary,
        sharing=view.sharing,
        police=view.police,
        final=final_rag(child),
        level=level,
        outcome=outcome,
        rationale=rationale,
        rag=rag,
        transfer=transfer,
        primary_need=primary_need,
        departure_reason=departure_reason,
    )


@transaction.atomic
def record_decision(
    *,
    contact: Contact,
    child: ReportedChild,
    by: User,
    level: int,
    outcome: str,
    rationale: str,
    rag: str = "",
    based_on: int = 0,
    transfer: TransferDetails | None = None,
    primary_need: str = "",
    departure_reason: str = "",
    now: dt.datetime | None = None,
) -> Decision:
    """Record the manager's decision for one child of a contact (R25, R38).

    `based_on` is the sequence of the decision the manager saw (0 for none): if another manager
    decided since, DecisionConflict is raised with their decision, and nothing is written.
    After a MASH enquiry, an outcome that does not follow the confirmed final RAG needs
    `departure_reason`, which is recorded with the decision's departures.
    """
    require(by, "contact.decide")
    now = now or timezone.now()
    loaded = current_loaded_policy()
    policy = loaded.policy
    # Read once for the decision's checks: the children (their known concerns, R5), the reports
    # (what the referrers said) and the adults (whose consent counts, R12).
    contact = (
        Contact.objects.select_for_update()
        .prefetch_related("children", "reports", "adults")
        .get(pk=contact.pk)
    )
    if contact.state not in DECIDABLE_STATES:
        raise DomainError(
            f"Contact {contact.reference} is {in_sentence(contact.get_state_display())}: no new "
            "decision can be recorded on it."
        )
    if child.contact_id != contact.pk:
        raise DomainError(f"{child} is not part of contact {contact.reference}.")
    # R45: nothing is done for a child by someone the child's restriction does not name.
    require_child_seen(by, child=child)
    view = child_decision_view(policy=policy, contact=contact, child=child)
    summary = view.summary
    latest = summary.decisions[-1] if summary.decisions else None  # read in sequence order
    if latest is None and based_on != 0:
        raise StalePageError
    if latest is not None and latest.sequence != based_on:
        raise DecisionConflict(latest)
    final = final_rag(child)
    problems = _decision_problems(
        policy,
        summary=summary,
        sharing=view.sharing,
        police=view.police,
        final=final,
        level=level,
        outcome=outcome,
        rationale=rationale,
        rag=rag,
        transfer=transfer,
        primary_need=primary_need,
        departure_reason=departure_reason,
    )
    if problems:
        raise DecisionProblems(problems)
    chosen = policy.outcome(outcome)
    departures = _departures(
        policy,
        summary,
        level=level,
        rag=rag,
        outcome_key=outcome,
        final=final,
        departure_reason=departure_reason,
    )
    policy_version = current_policy_version()
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                contact=contact,
                child=child,
                sequence=based_on + 1,
                level=level,
                rag=rag,
                outcome=chosen.key,
                outcome_label=chosen.label,
                outcome_effect=chosen.effect.value,
                rationale=rationale.strip(),
                suggested_level=summary.level.level,
                suggested_rag=summary.rag.rag.value if summary.rag.rag else "",
                departs_from_suggestion=bool(departures),
                departures=departures,
                mash_criteria_met=[
                    {"key": item.key, "label": item.label, "evidence": item.evidence}
                    for item in summary.criteria_met
                ],
                indicators=[
                    {"key": item.key, "level": item.level, "text": item.text}
                    for item in summary.level.drivers + summary.level.others
                ],
                concerns=[concern.label for concern in summary.concerns],
                becomes_referral=chosen.becomes_referral,
                primary_need=primary_need,
                decided_by=by,
                decided_at=now,
                policy_version=policy_version,
            )
    except IntegrityError:  # another manager's decision landed between our read and write
        raise DecisionConflict(
            Decision.objects.filter(child=child).order_by("-sequence").first()  # type: ignore[arg-type]  # the decision that won
        ) from None
    _take_effect(
        policy=policy,
        loaded=loaded,
        contact=contact,
        summary=summary,
        decision=decision,
        transfer=transfer,
        by=by,
        now=now,
    )
    # After the revision's own messages are queued: a team it writes to again is told there.
    replaced = replace_what_was_set_in_motion(revised=latest, decision=decision, now=now)
    progressed_at = _mark_progressed(contact)
    audit.record(
        actor=by,
        action="decision.recorded",
        target=contact,
        changes={
            "child": str(child),
            "sequence": decision.sequence,
            "level": level,
            "rag": rag,
            "outcome": chosen.key,
            "departures": departures,
            **replaced.as_changes(),
            **({"contact_progressed_at": progressed_at.isoformat()} if progressed_at else {}),
        },
        reason=decision.rationale,
        policy_version=policy_version,
        at=now,
    )
    after_decision(contact=contact, by=by, at=now)
    for listener in _decision_listeners:
        listener(decision, summary)
    return decision


def progressed_time(contact: Contact) -> dt.datetime | None:
    """R25: when every child of `contact` had a first decision or transfer; None while one waits.

    A sibling group is progressed at the last of its children's first decisions, not the first.
    A transfer made with a child's decision is sent at the decision's time; one made without a
    decision (of the whole contact) counts for every child. See `intake.models.ContactQuerySet`.
    """
    whole = contact.transfers.filter(decision__isnull=True).aggregate(at=Min("sent_at"))["at"]
    firsts = [
        min((at for at in (first, whole) if at is not None), default=None)
        for first in contact.children.annotate(first=Min("decisions__decided_at")).values_list(
            "first", flat=True
        )
    ]
    if not firsts:  # no child named: only a transfer of the contact progresses it
        return whole
    return None if None in firsts else max(firsts)  # type: ignore[type-var]  # None is not among them


def _mark_progressed(contact: Contact) -> dt.datetime | None:
    """Stop the contact's R25 clock when this decision is its last child's first (R25).

    Called with the contact locked, in the decision's transaction. Set once: a revised decision
    or a child named by a later report does not move it. Returns the time when set now.
    """
    if contact.progressed_at is not None:
        return None
    progressed_at = progressed_time(contact)
    if progressed_at is not None:
        contact.progressed_at = progressed_at
        contact.save(update_fields=["progressed_at"])
    return progressed_at


def _referred_on(contact: Contact, child) -> bool:
    """Whether the contact already made this child a referral: one person decided on one
    contact is one referral (R29), even when two of its reported children are that person."""
    same = Q(child=child)
    if child.person_id is not None:
        same |= Q(child__person_id=child.person_id)
    return Referral.objects.filter(same, contact=contact).exists()


def _take_effect(
    *,
    policy: Policy,
    loaded,
    contact: Contact,
    summary: ChildSummary,
    decision: Decision,
    transfer: TransferDetails | None,
    by: User,
    now: dt.datetime,
) -> None:
    calendar = calendar_for(loaded)
    effect = OutcomeEffect(decision.outcome_effect)
    chosen = policy.outcome(decision.outcome)
    child = summary.child
    if decision.becomes_referral and not _referred_on(contact, child):
        previous = previous_referral_within(policy, summary.facts, now.astimezone(LONDON).date())
        Referral.objects.create(
            decision=decision,
            contact=contact,
            child=child,
            referred_at=now,
            is_re_referral=previous is not None,
            previous_referral_on=previous,
        )
    if chosen.notify:
        # R23: the duty and assessment team manager hears of a strategy discussion at once;
        # the early help hub hears of each child sent to it.
        queue_message(
            key=decision_message_key(decision.pk, f"{effect.value}-alert"),
            kind=f"{effect.value}_alert",
            to=chosen.notify,
            subject=f"{chosen.label}: {contact.reference}",
            body=(
                f"{decision.decided_by} decided at "
                f"{time_in_words(now)} that {child} "
                f"(contact {contact.reference}) needs: {chosen.label}.\n\n"
                f"Level of Need {decision.level}"
                + (f", RAG {decision.get_rag_display()}" if decision.rag else "")
                + ".\n\nOpen the contact in Front Door to see the screening and the rationale."
            ),
        )
    if effect in PROTECTION_EFFECTS:
        # R40: due when the strategy meeting is, from the concerns first being identified.
        FollowUp.objects.create(
            decision=decision,
            kind=FollowUp.Kind.STRATEGY_DISCUSSION,
            due_at=strategy_meeting_due(contact=contact, loaded=loaded, now=now),
        )
    if effect in REFERRAL_EFFECTS:
        # R31: the child is seen once an assessment is decided, and the returns read when
        # (Annex A's "child seen"): recorded at every council, due by the council's timescale
        # where it sets one (Sefton's documents set none).
        seen = start_clock(
            timescale=policy.timescale(TimescaleKey.CHILD_SEEN), start=now, calendar=calendar
        )
        FollowUp.objects.create(
            decision=decision, kind=FollowUp.Kind.CHILD_SEEN, due_at=seen.due if seen else None
        )
    if effect == OutcomeEffect.ALLOCATED_WORKER:
        _pass_to_allocated_worker(contact=contact, summary=summary, decision=decision, now=now)
    if effect == OutcomeEffect.TRANSFER_TO_COUNCIL and transfer is not None:
        authority = authority_named(transfer.council_code)
        sent = Transfer.objects.create(
            contact=contact,
            decision=decision,
            to_council_code=authority.code,  # type: ignore[union-attr]  # known: checked before
            to_council_name=authority.name,  # type: ignore[union-attr]  # as above
            sent_how=transfer.sent_how.strip(),
            what_was_sent=transfer.what_was_sent.strip(),
            sent_at=now,
            sent_by=by,
        )
        send_on_service(transfer=sent, summary=summary, by=by, now=now)  # R17: it arrives
    _tell_referrers(policy=policy, calendar=calendar, contact=contact, decision=decision, now=now)
    FollowUp.objects.create(decision=decision, kind=FollowUp.Kind.FAMILY_TOLD)


def _pass_to_allocated_worker(
    *, contact: Contact, summary: ChildSummary, decision: Decision, now: dt.datetime
) -> None:
    """R19: the contact goes to the allocated social worker and their line manager.

    Each is e-mailed whose address the case record gave; the follow-up is done only when both
    were, and otherwise stays open for the worker to pass it on by hand.
    """
    # Only for a child open to social care: `_check_outcome` refuses this outcome otherwise.
    episode = cast("Episode", summary.open_social_care)
    follow_up = FollowUp(decision=decision, kind=FollowUp.Kind.PASS_TO_ALLOCATED_WORKER)
    when = f"{time_in_words(now)}"
    recipients = [
        (
            "allocated-worker",
            episode.allocated_worker_email,
            f"{summary.child}, who is open to you ({episode.team or 'social care'})",
            "you",
        ),
        (
            "line-manager",
            episode.line_manager_email,
            f"{summary.child}, who is open to {episode.allocated_worker or 'your team'}, "
            "whom you manage",
            f"{episode.allocated_worker or 'the allocated worker'} and to you",
        ),
    ]
    told = []
    for role, address, about, passed_to in recipients:
        if not address:
            continue
        queue_message(
            key=decision_message_key(decision.pk, role),
            kind="allocated_worker",
            to=address,
            subject=f"New contact about {summary.child}: {contact.reference}",
            body=(
                f"Front Door received a contact about {about}. {decision.decided_by} passed it "
                f"to {passed_to} at {when}.\n\nOpen the contact in Front Door to read it."
            ),
        )
        told.append(address)
    if episode.allocated_worker_email and episode.line_manager_email:
        follow_up.done_at = now
    if told:
        follow_up.note = f"E-mailed to {' and '.join(told)} through the outbox." + (
            "" if follow_up.done_at else " The case record gives no address for the other."
        )
    follow_up.save()


def _tell_referrers(
    *, policy: Policy, calendar, contact: Contact, decision: Decision, now: dt.datetime
) -> None:
    """R30: professional referrers are told the outcome, naming no other referrer (R11)."""
    due = start_clock(
        timescale=policy.timescale(TimescaleKey.REFERRER_FEEDBACK), start=now, calendar=calendar
    )
    # The reports `record_decision` read with the contact locked, oldest first.
    reports = sorted(
        (each for each in contact.reports.all() if each.referrer_type == ReferrerType.PROFESSIONAL),
        key=lambda each: (each.received_at, each.pk),
    )
    # The message each address was sent for this decision: one referrer is told once.
    sent_to: dict[tuple[str, str], FollowUp] = {}
    for report in reports:
        follow_up = FollowUp(
            decision=decision,
            kind=FollowUp.Kind.REFERRER_FEEDBACK,
            report=report,
            due_at=due.due if due else None,
        )
        told = _referrer_told(decision=decision, report=report)
        address = feedback_address(report)
        if told is not None and told.decision.outcome_label == decision.outcome_label:
            # A revision that keeps the outcome tells the referrer nothing new.
            follow_up.done_at = now
            follow_up.note = (
                f"Told of this outcome on {day_in_words(told.done_at.astimezone(LONDON))}: the "  # type: ignore[union-attr]  # told: done
                "revised decision did not change it."
            )
        elif address in sent_to:
            # R3, R7: the referrer who telephoned and then wrote, reporting twice, is told once.
            first = sent_to[address]
            follow_up.done_at = now
            follow_up.note = (
                "Told with the feedback on their report of "
                f"{day_in_words(first.report.received_at.astimezone(LONDON))}: "  # type: ignore[union-attr]  # feedback has its report
                f"{first.note}"
            )
        else:
            _queue_feedback(
                policy=policy,
                contact=contact,
                decision=decision,
                report=report,
                told=told,
                follow_up=follow_up,
                now=now,
            )
            if address is not None:
                sent_to[address] = follow_up
            if feedback_channel(report) is None:
                # Neither e-mail nor text: a worker tells them, and records it done (R30). The
                # number is for staff only (R11).
                follow_up.note = (
                    f"No e-mail address was given: telephone "
                    f"{report.referrer_name or 'the referrer'} on {report.referrer_phone} to "
                    "tell them the outcome."
                    if report.referrer_phone
                    else "No e-mail address or telephone number was given: find how to reach "
                    "the referrer through their agency."
                )
        follow_up.save()


def feedback_address(report: Report) -> tuple[str, str] | None:
    """Where a referrer's feedback goes (R30): the channel and the address or number, as
    `feedback_channel` chooses; None when a worker must tell them another way."""
    channel = feedback_channel(report)
    if channel is None:
        return None
    to = report.referrer_phone if channel == Channel.SMS else report.referrer_email
    return channel, "".join(to.split()).casefold()


def feedback_channel(report: Report) -> str | None:
    """How a referrer is told the outcome (R30): by text message to a mobile number where they
    asked so and agreed to be contacted, otherwise by e-mail to the address they gave; None
    when they gave neither, and a worker must tell them another way."""
    if (
        report.referrer_feedback_by == FeedbackBy.TEXT
        and report.referrer_agrees_to_contact
        and report.referrer_phone
    ):
        return Channel.SMS
    if report.referrer_email:
        return Channel.EMAIL
    return None


def _queue_feedback(
    *,
    policy: Policy,
    contact: Contact,
    decision: Decision,
    report: Report,
    told: FollowUp | None,
    follow_up: FollowUp,
    now: dt.datetime,
) -> None:
    channel = feedback_channel(report)
    if channel is None:
        return
    if told is not None and withdraw_unsent(feedback_key(told.decision_id, report.pk)):
        # A revision replaces what the revised decision set in motion: the earlier outcome had
        # not left, so the referrer hears only the one that stands.
        told.note = (
            f"{told.note} Taken back before it was sent: the referrer is told the revised "
            "decision's outcome instead."
        ).strip()
        told.save(update_fields=["note"])
        told = None
    changed = told is not None
    key = feedback_key(decision.pk, report.pk)
    outcome = (
        f"We told you the outcome was: {told.decision.outcome_label}. It has "  # type: ignore[union-attr]  # changed: told
        f"been reviewed, and the outcome now is: {decision.outcome_label}."
        if changed
        else f"The outcome: {decision.outcome_label}."
    )
    subject = (
        f"Your referral {contact.reference}: the outcome has changed"
        if changed
        else f"Your referral {contact.reference}: the outcome"
    )
    if channel == Channel.SMS:
        # A text may be read on a locked screen by anyone near the phone: it names no child.
        queue_message(
            key=key,
            kind="referrer_feedback",
            channel=Channel.SMS,
            to=report.referrer_phone,
            about=contact.reference,
            subject=subject,
            body=(
                f"{policy.council.name}: your referral {contact.reference}. {outcome} If you "
                f"have new concerns, call the MASH on {policy.contact_numbers.mash}."
            ),
        )
        follow_up.note = f"Sent by text message to {report.referrer_phone} through the outbox."
    else:
        queue_message(
            key=key,
            kind="referrer_feedback",
            to=report.referrer_email,
            about=contact.reference,
            subject=subject,
            body=(
                f"Dear {report.referrer_name or 'referrer'},\n\n"
                f"Thank you for your referral of "
                f"{day_in_words(report.received_at.astimezone(LONDON))} (reference "
                f"{contact.reference}) about {decision.child.first_name or 'the child'}.\n\n"
                f"{outcome}\n\n"
                "If you have new concerns, contact the MASH on "
                f"{policy.contact_numbers.mash}.\n\n{policy.council.name}"
            ),
        )
        follow_up.note = f"E-mailed to {report.referrer_email} through the outbox."
    follow_up.done_at = now


# The outbox key of a referrer's feedback: the decision's and the report's ids.
_FEEDBACK_KEY = re.compile(r"decision-(?P<decision>\d+)-feedback-(?P<report>\d+)")


def feedback_key(decision_id: int, report_id: int) -> str:
    return decision_message_key(decision_id, f"feedback-{report_id}")


def reopen_undelivered_feedback(message: Message) -> FollowUp | None:
    """R30: a referrer's feedback the outbox could not deliver (the address or number does not
    exist, or was refused) did not tell them: its follow-up is open again, saying to phone them.

    Registered with the outbox as a failure listener; runs in the transaction recording the
    failure. A follow-up a revised decision replaced stays as it is: the revision told them.
    """
    match = _FEEDBACK_KEY.fullmatch(message.key)
    if message.kind != "referrer_feedback" or match is None:
        return None
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("decision__contact", "decision__child", "report")
        .filter(
            decision_id=int(match["decision"]),
            report_id=int(match["report"]),
            kind=FollowUp.Kind.REFERRER_FEEDBACK,
            replaced_by__isnull=True,
            done_at__isnull=False,
        )
        .first()
    )
    if follow_up is None:
        return None
    report = follow_up.report
    how = "text message" if message.channel == Channel.SMS else "e-mail"
    reach = (
        f"Telephone {report.referrer_name or 'the referrer'} on {report.referrer_phone} to tell "
        "them the outcome."
        if report is not None and report.referrer_phone
        else "Find how to reach the referrer through their agency, and tell them the outcome."
    )
    follow_up.note = (
        f"The feedback {how} to {message.to} could not be delivered: "
        f"{message.get_delivery_display()}. {reach}"
    )
    follow_up.done_at = None
    follow_up.done_by = None
    follow_up.save()
    audit.record(
        actor=None,
        action="follow_up.reopened",
        target=follow_up.decision.contact,
        changes={"follow_up": follow_up.kind, "child": str(follow_up.decision.child)},
        reason=follow_up.note,
    )
    return follow_up


def _referrer_told(*, decision: Decision, report: Report) -> FollowUp | None:
    """The latest outcome this referrer was told of for the child, before `decision`."""
    if decision.sequence <= 1:
        return None  # the child's first decision: nothing was told before it
    return (
        FollowUp.objects.filter(
            decision__child=decision.child,
            decision__sequence__lt=decision.sequence,
            kind=FollowUp.Kind.REFERRER_FEEDBACK,
            report=report,
            done_at__isnull=False,
        )
        .select_related("decision")
        .order_by("-decision__sequence")
        .first()
    )


@transaction.atomic
def complete_follow_up(*, follow_up: FollowUp, by: User, note: str, now: dt.datetime | None = None):
    """Record that something a decision required has been done (R30, R31, R23)."""
    require(by, "contact.screen")
    now = now or timezone.now()
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("decision__contact", "decision__child")
        .get(pk=follow_up.pk)
    )
    require_child_seen(by, child=follow_up.decision.child)
    if follow_up.done_at is not None:
        raise DomainError(
            f"{follow_up.get_kind_display()} was recorded as done by {follow_up.done_by} at "
            f"{time_in_words(follow_up.done_at)}."
        )
    if follow_up.replaced_by_id is not None:
        raise DomainError(
            f"{follow_up.get_kind_display()} is no longer needed: the decision was revised, and "
            "the revised decision says what follows it."
        )
    if not note.strip():
        raise DomainError("Say what was done (or, for the family, why they were not told).")
    follow_up.done_at = now
    follow_up.done_by = by
    follow_up.note = note.strip()
    follow_up.save()
    audit.record(
        actor=by,
        action="follow_up.done",
        target=follow_up.decision.contact,
        changes={"follow_up": follow_up.kind, "child": str(follow_up.decision.child)},
        reason=follow_up.note,
        at=now,
    )
    return follow_up
