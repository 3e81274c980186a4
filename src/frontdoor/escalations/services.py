"""Opening an escalation of professional disagreement and recording its discussions (R39, R42, R43).

`open_escalation` and `record_discussion` are the only ways an escalation changes. Each checks
who may act and the escalation's state, writes the change, its clock, the audit entry and the
service managers' e-mail in one transaction, and refuses anything else with a DomainError.

An escalation is the council's whose contact it is about. A partner agency that several
councils share escalates another council's contact its agency was asked about (R39), signed in
at its own council: who may act is checked for the user's own council, and the escalation is
then written as the contact's council's (`_as_council_of`): under its policy and steps, with the
agency named by that council's key for it, its service managers told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.accounts.permissions import PermissionDeniedError, can, require, roles_with
from frontdoor.accounts.roles import is_partner
from frontdoor.accounts.selectors import staff_of_served_council
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.escalations import selectors
from frontdoor.escalations.models import Discussion, Escalation, Method, Outcome, StepRecord
from frontdoor.intake.models import Contact
from frontdoor.intake.selectors import require_child_seen
from frontdoor.mash.models import Meeting
from frontdoor.outbox.services import queue_message
from frontdoor.policy.clocks import (
    WorkingCalendar,
    deadline_in_words,
    start_clock,
    time_in_words,
    to_the_minute,
)
from frontdoor.policy.councils import councils, serving, serving_council
from frontdoor.policy.partners import key_in
from frontdoor.policy.registry import calendar_for, current_loaded_policy
from frontdoor.policy.schema import Policy
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.models import Decision

# A discussion typed in as "now" on a machine whose clock runs a little ahead is not refused.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)

METHOD_WORDS = {
    Method.TELEPHONE: "telephone",
    Method.FACE_TO_FACE: "face to face",
    Method.ONLINE_MEETING: "online meeting",
    Method.EMAIL: "e-mail",
}


class StepConflict(DomainError):
    """Someone else ended the step since the page was drawn: the second is told, not applied."""

    def __init__(self, escalation: Escalation, expected_step: int):
        self.escalation = escalation
        ended = escalation.discussions.filter(step=expected_step).first()
        by = f" by {ended.recorded_by} at {time_in_words(ended.recorded_at)}" if ended else ""
        now_at = (
            f"it is now at step {escalation.step}"
            if escalation.state == Escalation.State.OPEN
            else "it is now resolved"
        )
        super().__init__(
            f"Step {expected_step} of {escalation.reference} was already ended{by}: {now_at}. "
            "Your discussion was not saved. Read what was recorded, then record yours against "
            "the step the escalation is at if it still applies."
        )


@contextmanager
def _as_council_of(contact: Contact) -> Iterator[None]:
    """Within the block, serve the council whose contact it is: a shared partner agency's user
    escalates, and records the steps of, another council's contact from their own council's
    address. A service of one council keeps nothing apart, and serves as it is."""
    council = contact.council_id
    if not councils().several or council is None or council == serving_council():
        yield
        return
    with serving(council):
        yield


def _agency_key(by: User, contact: Contact) -> str:
    """The agency that raises an escalation about `contact`, by its council's key for it: blank
    for the council's own staff."""
    if not is_partner(by):
        return ""
    if not councils().several or contact.council_id is None or by.council_id is None:
        return by.agency_key
    return key_in(by.council_id, by.agency_key, contact.council_id) or by.agency_key


def policy_of(escalation: Escalation) -> tuple[Policy, WorkingCalendar]:
    """The policy the escalation was opened under, and its calendar (decision 3: a later
    version of the file never changes the steps of an escalation already under way)."""
    loaded = current_loaded_policy()
    recorded = escalation.policy_version
    if (loaded.id, loaded.version, loaded.sha256) == (
        recorded.policy_id,
        recorded.version,
        recorded.sha256,
    ):
        return loaded.policy, calendar_for(loaded)
    policy = Policy.model_validate(recorded.content)
    return policy, WorkingCalendar(policy.calendar)


def steps_of(escalation: Escalation, policy: Policy) -> list:
    """The policy's steps for this escalation: one about a meeting's outcome may go first to
    the meeting's own step (R39: the service manager), then the escalation steps (R42)."""
    kind = escalation.meeting.kind if escalation.meeting is not None else None
    return policy.escalation.steps_for(kind)


def _start_step(
    *,
    escalation: Escalation,
    number: int,
    policy: Policy,
    calendar: WorkingCalendar,
    start: dt.datetime,
) -> StepRecord:
    """Enter step `number`; its own clock runs from `start` (R42: "within a further ..."), to
    the minute, as the discussions that end steps are given."""
    start = to_the_minute(start)
    steps = steps_of(escalation, policy)
    step = steps[number - 1]
    deadline = start_clock(timescale=step.timescale, start=start, calendar=calendar)
    return StepRecord.objects.create(
        escalation=escalation,
        number=number,
        name=step.name,
        who=step.who,
        note=step.note or "",
        is_last=number == len(steps),
        started_at=start,
        due_at=deadline.due if deadline else None,
        timescale_words=step.timescale.duration_in_words() if step.timescale else "",
    )


def _tell_service_managers(*, escalation: Escalation, step: StepRecord, opened: bool) -> None:
    """R39: a disagreement goes to the Service Manager, at the start and at each new step."""
    due = (
        f"It is due by {deadline_in_words(step.due_at)}."
        if step.due_at
        else "The council's policy sets no timescale for this step."
    )
    what = "was opened" if opened else f"moved to step {step.number}"
    managers = (
        staff_of_served_council()
        .filter(role__in=roles_with("escalation.receive"), is_active=True)
        .exclude(email="")
    )
    for manager in managers.order_by("pk"):
        queue_message(
            key=f"escalation-{escalation.pk}-step-{step.number}-to-{manager.pk}",
            kind="escalation_step",
            to=manager.email,
            subject=f"Escalation {escalation.reference} {what}: contact {escalation.contact}",
            body=(
                f"An escalation of professional disagreement about contact "
                f"{escalation.contact} {what}.\n\n"
                f"Step {step.number}: {step.name} ({step.who}). {due}\n\n"
                "Open the escalation in Front Door to read what is disagreed with and the "
                "discussions so far."
            ),
        )


@transaction.atomic
def open_escalation(
    *,
    contact: Contact | None = None,
    decision: Decision | None = None,
    meeting: Meeting | None = None,
    about: str,
    by: User,
    now: dt.datetime | None = None,
    submission_key: str | None = None,
) -> Escalation:
    """Open an escalation of disagreement with a front door decision, or with the outcome of a
    meeting the agency attended; step 1's clock starts (R39, R42, R43)."""
    require(by, "escalation.open")
    now = now or timezone.now()
    if submission_key:
        sent_before = Escalation.objects.filter(submission_key=submission_key).first()
        if sent_before is not None and sent_before.raised_by_id == by.pk:
            return sent_before  # the same form sent twice opens one escalation
    if meeting is not None:
        # R39: each agency at the meeting has a voice, so attending it gives the right to
        # escalate its outcome, whether or not a MASH enquiry went to the agency.
        if not selectors.meetings_open_to_escalation(by).filter(pk=meeting.pk).exists():
            raise PermissionDeniedError(
                "You cannot escalate this meeting's outcome: an agency escalates the outcome of "
                "a recorded meeting it attended."
            )
        if contact is not None and contact.pk != meeting.contact_id:
            raise DomainError(f"That meeting is not about contact {contact.reference}.")
        if decision is not None:
            raise DomainError("Escalate either a meeting's outcome or a decision, not both.")
        contact = meeting.contact
    elif contact is None:
        raise DomainError("Say which contact, decision or meeting you disagree with.")
    elif not selectors.contacts_open_to_escalation(by).filter(pk=contact.pk).exists():
        raise PermissionDeniedError(
            f"You cannot escalate contact {contact.reference}: a partner agency escalates only "
            "a contact whose MASH enquiry was sent to their agency, or the outcome of a meeting "
            "it attended."
        )
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if decision is not None and decision.contact_id != contact.pk:
        raise DomainError(f"That decision is not one of contact {contact.reference}'s.")
    if decision is not None:
        # R45: only someone who may see the child escalates the decision made for them.
        require_child_seen(by, child=decision.child)
    if not about.strip():
        raise DomainError("Say what you disagree with and why.")
    with _as_council_of(contact):
        return _open(
            contact=contact,
            decision=decision,
            meeting=meeting,
            about=about,
            by=by,
            now=now,
            submission_key=submission_key,
        )


def _open(
    *,
    contact: Contact,
    decision: Decision | None,
    meeting: Meeting | None,
    about: str,
    by: User,
    now: dt.datetime,
    submission_key: str | None,
) -> Escalation:
    """Write the escalation, as its contact's council (`_as_council_of`)."""
    loaded = current_loaded_policy()
    escalation = Escalation.objects.create(
        contact=contact,
        decision=decision,
        meeting=meeting,
        about=about.strip(),
        raised_by=by,
        raised_by_agency=_agency_key(by, contact),
        raised_at=now,
        policy_version=current_policy_version(),
        step=1,
        submission_key=submission_key or None,
    )
    step = _start_step(
        escalation=escalation,
        number=1,
        policy=loaded.policy,
        calendar=calendar_for(loaded),
        start=now,
    )
    audit.record(
        actor=by,
        action="escalation.opened",
        target=escalation,
        changes={
            "escalation": escalation.reference,
            "contact": contact.reference,
            "decision": decision.pk if decision else None,
            **({"meeting": meeting.pk} if meeting else {}),
            "step": 1,
            "due_at": step.due_at.isoformat() if step.due_at else None,
        },
        reason=escalation.about,
        policy_version=escalation.policy_version,
        at=now,
    )
    _tell_service_managers(escalation=escalation, step=step, opened=True)
    return escalation


def _check_discussion(
    *,
    policy: Policy,
    step: StepRecord,
    held_at: dt.datetime,
    method: str,
    participants: str,
    discussion: str,
    agreed_plan: str,
    outcome: str,
    now: dt.datetime,
) -> None:
    allowed = policy.escalation.recorded_by
    if method not in allowed:
        words = ", ".join(METHOD_WORDS.get(Method(key), key) for key in allowed)
        named = METHOD_WORDS.get(Method(method), method) if method in Method.values else method
        raise DomainError(
            f"{policy.council.name}'s policy records escalation discussions by {words}, "
            f"not by {named}. Hold the discussion one of those ways and record it.",
            field="method",
        )
    if held_at.tzinfo is None:
        raise DomainError("Give the date and time the discussion was held.", field="held_on")
    if held_at > now + FUTURE_TOLERANCE:
        raise DomainError(
            "The discussion cannot be in the future: record it once it is held.", field="held_on"
        )
    if held_at < to_the_minute(step.started_at):
        raise DomainError(
            f"Step {step.number} began at "
            f"{time_in_words(step.started_at)}: the discussion that "
            "ends it cannot be earlier.",
            field="held_on",
        )
    if not participants.strip():
        raise DomainError("Say who took part in the discussion.", field="participants")
    if not discussion.strip():
        raise DomainError("Say what was discussed.")
    if not agreed_plan.strip():
        raise DomainError("Give the agreed plan, with its timescales.")
    if outcome not in Outcome.values:
        raise DomainError("Say whether the disagreement was resolved or goes to the next step.")
    if outcome == Outcome.ESCALATE and step.is_last:
        why = f" ({step.note})" if step.note else ""
        raise DomainError(
            f"Step {step.number}, {step.name}, is the council's last step{why}: there is no "
            "further step. Record its outcome as resolved, with the plan it decided."
        )


def may_record(user: User, escalation: Escalation) -> bool:
    """Those who may open or receive escalations, and can see this one, record its steps."""
    if not (can(user, "escalation.open") or can(user, "escalation.receive")):
        return False
    return selectors.escalations_visible_to(user).filter(pk=escalation.pk).exists()


@transaction.atomic
def record_discussion(
    *,
    escalation: Escalation,
    by: User,
    held_at: dt.datetime,
    method: str,
    participants: str,
    discussion: str,
    agreed_plan: str,
    outcome: str,
    expected_step: int | None = None,
    now: dt.datetime | None = None,
) -> Discussion:
    """Record the discussion that ends the current step: resolved, or on to the next step with
    its own clock (R42, R43). The last step's outcome is final, so it must resolve.

    `expected_step` is the step the person saw (by default the step of the `escalation` they
    hold): if someone else ended it since, StepConflict is raised and nothing is written.
    """
    if not may_record(by, escalation):
        raise PermissionDeniedError(
            f"You cannot record discussions on {escalation.reference}: it is for those who "
            "raised it, the MASH and the service managers."
        )
    now = now or timezone.now()
    # Times are to the minute, as the form gives them and as each step's clock starts: a
    # discussion in the minute its step began is not before it, and the next step's clock
    # runs from the same minute as this one stops.
    if held_at.tzinfo is not None:
        held_at = to_the_minute(held_at)
    expected = escalation.step if expected_step is None else expected_step
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    # A resolved escalation was ended by the discussion at its step, so both cases are one:
    # someone ended the step the person saw.
    if escalation.step != expected or escalation.state != Escalation.State.OPEN:
        raise StepConflict(escalation, expected)
    policy, calendar = policy_of(escalation)
    step = escalation.steps.select_for_update().get(number=escalation.step)
    _check_discussion(
        policy=policy,
        step=step,
        held_at=held_at,
        method=method,
        participants=participants,
        discussion=discussion,
        agreed_plan=agreed_plan,
        outcome=outcome,
        now=now,
    )
    try:
        with transaction.atomic():
            record = Discussion.objects.create(
                escalation=escalation,
                step=step.number,
                held_at=held_at,
                method=method,
                participants=participants.strip(),
                discussion=discussion.strip(),
                agreed_plan=agreed_plan.strip(),
                outcome=outcome,
                recorded_by=by,
                recorded_at=now,
            )
    except IntegrityError:  # the database's backstop when the row lock is not enough
        raise StepConflict(Escalation.objects.get(pk=escalation.pk), expected) from None
    # The step's clock stops when the discussion was held, not when it was typed in.
    step.ended_at = held_at
    step.save(update_fields=["ended_at"])
    next_step = None
    if outcome == Outcome.ESCALATE:
        escalation.step = step.number + 1
        escalation.save(update_fields=["step"])
        # R42: each step runs "within a further" N working days of the one before ending.
        next_step = _start_step(
            escalation=escalation,
            number=escalation.step,
            policy=policy,
            calendar=calendar,
            start=held_at,
        )
    else:
        escalation.state = Escalation.State.RESOLVED
        escalation.resolved_at = held_at
        escalation.outcome = record.agreed_plan
        escalation.save(update_fields=["state", "resolved_at", "outcome"])
    audit.record(
        actor=by,
        action="escalation.escalated" if next_step else "escalation.resolved",
        target=escalation,
        changes={
            "escalation": escalation.reference,
            "step": step.number,
            "method": method,
            "outcome": outcome,
            "late": step.was_late,
            "next_step_due_at": next_step.due_at.isoformat()
            if next_step and next_step.due_at
            else None,
        },
        reason=record.agreed_plan,
        policy_version=escalation.policy_version,
        at=now,
    )
    if next_step:
        with _as_council_of(escalation.contact):
            _tell_service_managers(escalation=escalation, step=next_step, opened=False)
    return record


def contact_trail_targets(contact_id: int) -> Q:
    """The audit entries of the escalations about a contact, for the contact's trail (R42)."""
    # A subquery, the ids as the trail keeps them (text): no query of its own.
    ids = (
        Escalation.objects.filter(contact_id=contact_id)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return Q(target_type=Escalation._meta.label_lower, target_id__in=ids)
