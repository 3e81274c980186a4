"""Case discussions and strategy meetings (R39, R40), and exploitation screening (R41)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.accounts.permissions import require
from frontdoor.accounts.roles import Role
from frontdoor.accounts.selectors import staff_of_served_council
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact, ReportedChild
from frontdoor.intake.templatetags.contact_clocks import duration_in_words
from frontdoor.mash.models import (
    Attendee,
    BriefingAction,
    Dissent,
    ExploitationScreening,
    Meeting,
)
from frontdoor.outbox.models import Message
from frontdoor.outbox.services import queue_message, withdraw_unsent
from frontdoor.policy.clocks import LONDON, deadline_in_words, time_in_words, to_the_minute
from frontdoor.policy.registry import current_loaded_policy
from frontdoor.policy.schema import OutcomeEffect, Policy
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.concerns import child_protection_concerns
from frontdoor.screening.criteria import missing_pattern
from frontdoor.screening.facts import facts_for
from frontdoor.screening.models import ChildScreening, FollowUp
from frontdoor.screening.protection import concerns_identified_at, strategy_meeting_due
from frontdoor.screening.threshold import catalogue_by_key
from frontdoor.wording import in_sentence

# R40: a strategy meeting ends in one of these; each council words them in its outcomes.
MEETING_OUTCOME_EFFECTS = (
    OutcomeEffect.NO_FURTHER_ACTION,
    OutcomeEffect.EARLY_HELP,
    OutcomeEffect.ASSESSMENT,
    OutcomeEffect.STRATEGY_DISCUSSION,
    OutcomeEffect.EMERGENCY_LEGAL_ACTION,
)


def meeting_outcomes(policy: Policy) -> list[tuple[str, str]]:
    return [
        (outcome.key, outcome.label)
        for outcome in policy.outcomes
        if outcome.effect in MEETING_OUTCOME_EFFECTS
    ]


@dataclass(frozen=True)
class Invitee:
    agency_key: str
    name: str
    role: str = ""


def _when(moment: dt.datetime) -> str:
    return f"{time_in_words(moment)}"


def coordinator_reasons(*, contact: Contact, policy: Policy, at: dt.datetime) -> list[str]:
    """Why the exploitation coordinator is brought into the contact's meetings (R9, R34, R41):
    an exploitation risk assessment, a concern the policy names (recorded or named by a ticked
    indicator), or long or frequent missing episodes by the policy's measure. Empty: not needed.
    The reasons name no child: they go in the meeting's audit entry, read by all its staff."""
    setting = policy.exploitation
    reasons = [
        f"Exploitation risk assessed as {in_sentence(screening.get_risk_display())}"
        for screening in ExploitationScreening.objects.filter(contact=contact).order_by("id")
    ]
    catalogue = catalogue_by_key(policy)
    screenings = {item.child_id: item for item in ChildScreening.objects.filter(contact=contact)}
    for child in contact.children.order_by("id"):
        screening = screenings.get(child.pk)
        if screening is not None:
            reasons += [
                f"Screening records {in_sentence(concern.label)}"
                for concern in child_protection_concerns(
                    screening.concerns, screening.indicators, catalogue
                )
                if concern in setting.coordinator_concerns
            ]
        if setting.coordinator_missing is not None:
            pattern = setting.coordinator_missing
            reasons += missing_pattern(
                facts_for(child).missing,
                longer_than_hours=pattern.longer_than_hours,
                times_in_calendar_month=pattern.times_in_calendar_month,
                within_months=pattern.within_months,
                at=at,
            )
    return list(dict.fromkeys(reasons))


@dataclass(frozen=True)
class MeetingClock:
    """Where a meeting stands against its timescale (R40)."""

    held: bool
    late: bool
    margin: dt.timedelta  # how late, or how far within the due time

    @property
    def words(self) -> str:
        done = "Held" if self.held else "Arranged"
        if self.late:
            return f"{done} later than the timescale, by {duration_in_words(self.margin)}"
        return f"{done} within the timescale"


def meeting_clock(meeting: Meeting) -> MeetingClock | None:
    """The one reading of a meeting's clock (R40): the time it was held once recorded, until then
    the time it is arranged for, against the time it is due by. None: no timescale applies, or
    the meeting was cancelled (the strategy discussion it was for is still owed, R40)."""
    if meeting.due_at is None or meeting.cancelled_at is not None:
        return None
    held = meeting.held_at is not None
    moment = meeting.held_at if held else meeting.scheduled_for
    assert moment is not None  # the planned time is always set
    late = moment > meeting.due_at
    return MeetingClock(held, late, abs(moment - meeting.due_at))


def no_longer_called_for(meeting: Meeting) -> bool:
    """A strategy meeting still to be held whose strategy discussion a revised decision took
    away (R40, R25): a decision called for it, was revised, and no decision on the contact
    still does. The chair decides whether it goes ahead; the pages say so."""
    if (
        meeting.kind != Meeting.Kind.STRATEGY_MEETING
        or meeting.held_at is not None
        or meeting.cancelled_at is not None
    ):
        return False
    discussions = FollowUp.objects.filter(
        decision__contact_id=meeting.contact_id, kind=FollowUp.Kind.STRATEGY_DISCUSSION
    )
    return (
        discussions.filter(replaced_by__isnull=False).exists() and not discussions.open().exists()
    )


@transaction.atomic
def schedule_meeting(
    *,
    contact: Contact,
    kind: str,
    scheduled_for: dt.datetime,
    chair: User,
    invitees: list[Invitee],
    by: User,
    override_reason: str = "",
    late_reason: str = "",
    now: dt.datetime | None = None,
) -> Meeting:
    """Arrange a case discussion or strategy meeting, with the agencies invited (R39, R40).

    A strategy meeting arranged for later than its timescale needs the chair's reason (R40)."""
    require(by, "meeting.chair")
    require(chair, "meeting.chair")
    now = now or timezone.now()
    loaded = current_loaded_policy()
    policy = loaded.policy
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.state == Contact.State.CLOSED:
        raise DomainError(f"Contact {contact.reference} is closed: no meeting can be arranged.")
    if kind not in Meeting.Kind.values:
        raise DomainError("Choose the kind of meeting.")
    known = {agency.key for agency in policy.agencies}
    for invitee in invitees:
        if invitee.agency_key and invitee.agency_key not in known:
            raise DomainError(f"{invitee.agency_key} is not a partner agency in the policy.")
        if not invitee.name.strip():
            raise DomainError("Give the name of everyone invited.")
    due_at = clock_start = None
    if kind == Meeting.Kind.STRATEGY_MEETING:
        invited = {invitee.agency_key for invitee in invitees}
        missing = [key for key in policy.strategy_meeting_required_agencies if key not in invited]
        if missing and not override_reason.strip():
            raise DomainError(
                "A strategy meeting needs at least "
                + ", ".join(map(policy.agency_name, policy.strategy_meeting_required_agencies))
                + ". Not invited: "
                + ", ".join(map(policy.agency_name, missing))
                + ". Invite them, or as chair give the reason the meeting goes ahead without.",
                field=f"invite-{missing[0]}",
            )
        clock_start = concerns_identified_at(contact, now)
        due_at = strategy_meeting_due(contact=contact, loaded=loaded, now=now)
        if due_at is not None and scheduled_for > due_at and not late_reason.strip():
            raise DomainError(
                f"A strategy meeting is due by {deadline_in_words(due_at)}: this one is arranged "
                f"for later, {_when(scheduled_for)}. Arrange it sooner, or as chair give the "
                "reason it is held later than the timescale."
            )
    meeting = Meeting.objects.create(
        contact=contact,
        kind=kind,
        scheduled_for=scheduled_for,
        due_at=due_at,
        chair=chair,
        scheduled_by=by,
        scheduled_at=now,
        override_reason=override_reason.strip(),
        late_reason=late_reason.strip() if due_at and scheduled_for > due_at else "",
        policy_version=current_policy_version(),
    )
    for invitee in invitees:
        Attendee.objects.create(
            meeting=meeting,
            agency_key=invitee.agency_key,
            name=invitee.name.strip(),
            role=invitee.role.strip(),
        )
    coordinator_needed_because = coordinator_reasons(contact=contact, policy=policy, at=now)
    if coordinator_needed_because:
        # R41: the exploitation coordinator is informed and invited.
        for coordinator in staff_of_served_council().filter(
            role=Role.EXPLOITATION_COORDINATOR, is_active=True
        ):
            Attendee.objects.get_or_create(
                meeting=meeting,
                name=str(coordinator),
                defaults={"role": "Exploitation coordinator"},
            )
            if coordinator.email:
                queue_message(
                    key=f"meeting-{meeting.pk}-coordinator-{coordinator.pk}",
                    kind="meeting_invitation",
                    to=coordinator.email,
                    subject=f"{meeting.get_kind_display()} at {_when(scheduled_for)}",
                    body=(
                        f"You are invited to a {in_sentence(meeting.get_kind_display())} "
                        f"about contact {contact.reference}, where exploitation or missing "
                        f"episodes are a concern, at {_when(scheduled_for)}, chaired by {chair}."
                    ),
                )
    audit.record(
        actor=by,
        action="meeting.scheduled",
        target=contact,
        changes={
            "kind": kind,
            "kind_label": meeting.get_kind_display(),
            "scheduled_for": scheduled_for.isoformat(),
            **({"without_required_agencies": True} if meeting.override_reason else {}),
            **({"later_than_timescale": True} if meeting.late_reason else {}),
            "invited": [invitee.agency_key or invitee.name for invitee in invitees],
            **({"concerns_identified_at": clock_start.isoformat()} if clock_start else {}),
            **(
                {"exploitation_coordinator_invited": coordinator_needed_because}
                if coordinator_needed_because
                else {}
            ),
        },
        reason="\n".join(filter(None, [meeting.override_reason, meeting.late_reason])),
        policy_version=meeting.policy_version,
        at=now,
    )
    return meeting


@dataclass(frozen=True)
class Contribution:
    attendee_id: int
    attended: bool
    contribution: str


@dataclass(frozen=True)
class DissentIn:
    agency_key: str
    name: str
    view: str


@transaction.atomic
def record_meeting(
    *,
    meeting: Meeting,
    by: User,
    held_at: dt.datetime,
    contributions: list[Contribution],
    analysis: str,
    intervention: str,
    plan_of_action: str,
    outcome: str,
    consensus: bool,
    dissents: list[DissentIn],
    expected_version: int,
    now: dt.datetime | None = None,
) -> Meeting:
    """Record what the meeting agreed, each agency's voice, and any dissent (R39, R40)."""
    require(by, "meeting.chair")
    now = now or timezone.now()
    policy = current_loaded_policy().policy
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.version != expected_version:
        raise DomainError(
            f"{meeting.recorded_by or 'Someone'} recorded this meeting while you were writing. "
            "Yours was not saved: reload the page to read theirs."
        )
    if meeting.held_at is not None:
        raise DomainError(f"This meeting was recorded as held at {_when(meeting.held_at)}.")
    _refuse_cancelled(meeting)
    if held_at > now:
        raise DomainError("A meeting is recorded once it has been held: its time is in the future.")
    # A meeting set up by telephone and entered here afterwards was planned before it was
    # entered: it may have been held from the time it was planned for.
    # Forms give times to the minute: a time in the same minute is not before.
    earliest = to_the_minute(min(meeting.scheduled_at, meeting.scheduled_for))
    if held_at < earliest:
        raise DomainError(
            f"The meeting was arranged at {_when(meeting.scheduled_at)} for "
            f"{_when(meeting.scheduled_for)}: it cannot have been held before "
            f"{_when(earliest)}."
        )
    if meeting.kind == Meeting.Kind.STRATEGY_MEETING:
        concerns_at = concerns_identified_at(meeting.contact, meeting.scheduled_at)
        if held_at < to_the_minute(concerns_at):
            raise DomainError(
                f"Child-protection concerns were recorded at {_when(concerns_at)}: the strategy "
                "meeting cannot have been held before that."
            )
    outcomes = dict(meeting_outcomes(policy))
    if outcome not in outcomes:
        raise DomainError("Choose the meeting's outcome from the council's list.")
    for field, words in (
        (analysis, "the agreed analysis of needs and parenting capacity"),
        (intervention, "the intervention required"),
        (plan_of_action, "the plan of action"),
    ):
        if not field.strip():
            raise DomainError(f"Record {words}.")
    if not consensus and not dissents:
        raise DomainError(
            "Without consensus the chair decides: record who disagreed and their view."
        )
    attendees = {attendee.pk: attendee for attendee in meeting.attendees.all()}
    for item in contributions:
        attendee = attendees.get(item.attendee_id)
        if attendee is None:
            raise DomainError("A contribution is from someone not invited to this meeting.")
        attendee.attended = item.attended
        attendee.contribution = item.contribution.strip()
        attendee.save(update_fields=["attended", "contribution"])
    for dissent in dissents:
        if not dissent.view.strip():
            raise DomainError("Record each dissenting agency's view in its own words.")
        Dissent.objects.create(
            meeting=meeting,
            agency_key=dissent.agency_key,
            name=dissent.name.strip(),
            view=dissent.view.strip(),
            recorded_by=by,
            recorded_at=now,
        )
    meeting.held_at = held_at
    meeting.analysis = analysis.strip()
    meeting.intervention = intervention.strip()
    meeting.plan_of_action = plan_of_action.strip()
    meeting.outcome = outcome
    meeting.outcome_label = outcomes[outcome]
    meeting.consensus = consensus
    meeting.recorded_by = by
    meeting.version += 1
    meeting.save()
    if meeting.kind == Meeting.Kind.STRATEGY_MEETING:
        FollowUp.objects.open().filter(
            decision__contact=meeting.contact, kind=FollowUp.Kind.STRATEGY_DISCUSSION
        ).update(done_at=now, done_by=by, note=f"Strategy meeting held at {_when(held_at)}.")
    audit.record(
        actor=by,
        action="meeting.recorded",
        target=meeting.contact,
        changes={
            "kind": meeting.kind,
            "outcome": outcome,
            "consensus": consensus,
            "dissents": [dissent.agency_key or dissent.name for dissent in dissents],
            "late": bool((clock := meeting_clock(meeting)) and clock.late),
        },
        reason=meeting.plan_of_action,
        policy_version=meeting.policy_version,
        at=now,
    )
    return meeting


def _refuse_cancelled(meeting: Meeting) -> None:
    if meeting.cancelled_at is not None:
        raise DomainError(
            f"{meeting.cancelled_by} cancelled this meeting at {_when(meeting.cancelled_at)}: "
            "arrange another if it is needed."
        )


@transaction.atomic
def cancel_meeting(
    *,
    meeting: Meeting,
    by: User,
    reason: str,
    expected_version: int,
    now: dt.datetime | None = None,
) -> Meeting:
    """Call off a meeting not yet held, with the reason (R39, R40). It stays on the contact's
    record, marked cancelled. An invitation not yet sent is taken back; one that may have left
    is followed by word that the meeting is off. A strategy meeting's follow-up stays open:
    the strategy discussion is still owed until another meeting is held or the decision is
    revised."""
    require(by, "meeting.chair")
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.version != expected_version:
        raise DomainError(
            "Someone changed this meeting while you were writing. Nothing was cancelled: "
            "reload the page to read it."
        )
    if meeting.held_at is not None:
        raise DomainError(
            f"This meeting was recorded as held at {_when(meeting.held_at)}: a meeting held "
            "cannot be cancelled."
        )
    _refuse_cancelled(meeting)
    if not reason.strip():
        raise DomainError("Give the reason the meeting is cancelled.", field="reason")
    meeting.cancelled_at = now
    meeting.cancelled_by = by
    meeting.cancelled_reason = reason.strip()
    meeting.version += 1
    meeting.save(update_fields=["cancelled_at", "cancelled_by", "cancelled_reason", "version"])
    withdrawn, told = [], []
    invitations = Message.objects.filter(
        key__startswith=f"meeting-{meeting.pk}-", kind="meeting_invitation"
    ).filter(withdrawn_at__isnull=True)
    for invitation in list(invitations):
        if withdraw_unsent(invitation.key):
            withdrawn.append(invitation.to)
            continue
        queue_message(
            key=f"{invitation.key}-cancelled",
            kind="meeting_cancelled",
            to=invitation.to,
            subject=f"Cancelled: {invitation.subject}",
            body=(
                f"The {in_sentence(meeting.get_kind_display())} about contact "
                f"{meeting.contact.reference} at {_when(meeting.scheduled_for)}, to which you "
                "were invited, is cancelled. You will be invited again if another is arranged."
            ),
        )
        told.append(invitation.to)
    audit.record(
        actor=by,
        action="meeting.cancelled",
        target=meeting.contact,
        changes={
            "kind": meeting.kind,
            "kind_label": meeting.get_kind_display(),
            "scheduled_for": meeting.scheduled_for.isoformat(),
            **({"invitations_taken_back": withdrawn} if withdrawn else {}),
            **({"told_it_is_cancelled": told} if told else {}),
        },
        reason=meeting.cancelled_reason,
        policy_version=meeting.policy_version,
        at=now,
    )
    return meeting


@transaction.atomic
def record_exploitation_screening(
    *,
    contact: Contact,
    child: ReportedChild,
    by: User,
    referrer_screening: str,
    risk_assessment: str,
    risk: str,
    now: dt.datetime | None = None,
) -> ExploitationScreening:
    """The referrer's screening tool and the MASH social worker's risk assessment (R41)."""
    require(by, "contact.screen")
    now = now or timezone.now()
    if child.contact_id != contact.pk:
        raise DomainError(f"{child} is not part of contact {contact.reference}.")
    if risk not in ExploitationScreening.Risk.values:
        raise DomainError("Choose the risk: low, medium or high.")
    if not referrer_screening.strip() or not risk_assessment.strip():
        raise DomainError(
            "Record what the referrer's exploitation screening tool says and your risk assessment."
        )
    screening = ExploitationScreening.objects.create(
        contact=contact,
        child=child,
        referrer_screening=referrer_screening.strip(),
        risk_assessment=risk_assessment.strip(),
        risk=risk,
        assessed_by=by,
        assessed_at=now,
    )
    for coordinator in (
        staff_of_served_council()
        .filter(role=Role.EXPLOITATION_COORDINATOR, is_active=True)
        .exclude(email="")
    ):
        queue_message(
            key=f"exploitation-{screening.pk}-{coordinator.pk}",
            kind="exploitation_screening",
            to=coordinator.email,
            subject=(
                f"Exploitation risk {in_sentence(screening.get_risk_display())}: "
                f"{contact.reference}"
            ),
            body=(
                f"{by} assessed the exploitation risk to {child.first_name or 'a child'} "
                f"(contact {contact.reference}) as {in_sentence(screening.get_risk_display())}. "
                "The child is on the daily Missing and Exploitation briefing."
            ),
        )
    audit.record(
        actor=by,
        action="exploitation.assessed",
        target=contact,
        changes={"child": str(child), "risk": risk},
        at=now,
    )
    return screening


@transaction.atomic
def record_briefing_action(
    *,
    child: ReportedChild,
    by: User,
    action: str,
    owner: str,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> BriefingAction:
    """An action the daily Missing and Exploitation briefing agreed for a child (R41)."""
    require(by, "exploitation.brief")
    now = now or timezone.now()
    if not action.strip() or not owner.strip():
        raise DomainError("Record the action agreed and who does it.")
    agreed = BriefingAction.objects.create(
        on=on or now.astimezone(LONDON).date(),
        child=child,
        action=action.strip(),
        owner=owner.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    audit.record(
        actor=by,
        action="briefing.action_agreed",
        target=child.contact,
        changes={"child": str(child), "owner": agreed.owner},
        reason=agreed.action,
        at=now,
    )
    return agreed
