"""Escalations of professional disagreement: steps, clocks, methods and refusals (R39, R42, R43)."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.accounts.permissions import PermissionDeniedError
from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.escalations.models import Discussion, Escalation, StepRecord
from frontdoor.escalations.services import StepConflict, open_escalation, record_discussion
from frontdoor.outbox.models import Message
from frontdoor.policy.clocks import LONDON
from tests.mash.test_enquiries import send
from tests.screening.test_decisions import decide

pytestmark = pytest.mark.django_db

# Christmas Eve 2026, a Thursday: Friday 25 and Monday 28 December are bank holidays.
OPENED = dt.datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def discuss(escalation, by, held_at, outcome="escalate", **overrides):
    values = {
        "method": "telephone",
        "participants": "Duty social worker; police MASH officer",
        "discussion": "The threshold for a section 47 enquiry.",
        "agreed_plan": "Managers to meet by Monday; the social worker shares the chronology today.",
        "now": held_at + dt.timedelta(minutes=30),
    }
    values.update(overrides)
    return record_discussion(
        escalation=escalation, by=by, held_at=held_at, outcome=outcome, **values
    )


def test_r42_sefton_has_four_steps_each_with_its_own_clock_across_holidays(
    contact, police, manager, service_manager
):
    send(contact, manager)
    escalation = open_escalation(
        contact=contact, about="The police think this meets s47.", by=police, now=OPENED
    )
    assert escalation.raised_by_agency == "police"
    step_one = escalation.steps.get()
    assert step_one.name == "Practitioner to practitioner"
    # 2 working days from Thursday 24 December: 29 and 30 December count.
    assert step_one.due_at == london(2026, 12, 30, 17, 30)

    discuss(escalation, police, london(2026, 12, 30, 15, 0))
    escalation.refresh_from_db()
    assert escalation.step == 2
    # A further 2 working days from Wednesday 30 December: 31 December and (1 January being a
    # bank holiday, then the weekend) Monday 4 January.
    assert escalation.steps.get(number=2).due_at == london(2027, 1, 4, 17, 30)

    discuss(escalation, service_manager, london(2027, 1, 4, 11, 0))
    escalation.refresh_from_db()
    assert escalation.steps.get(number=3).due_at == london(2027, 1, 6, 17, 30)

    discuss(escalation, service_manager, london(2027, 1, 7, 9, 30))  # a day late
    escalation.refresh_from_db()
    step_four = escalation.steps.get(number=4)
    assert step_four.name == "Independently chaired partnership meeting"
    # 5 working days from Thursday 7 January: 8, 11, 12, 13 and 14 January.
    assert step_four.due_at == london(2027, 1, 14, 17, 30)
    assert [step.was_late for step in escalation.steps.order_by("number")] == [
        False,
        False,
        True,
        False,
    ]
    # The service managers hear of the opening and of each new step (R39).
    subjects = Message.objects.filter(to=service_manager.email).values_list("subject", flat=True)
    assert len(subjects) == 4


def test_r42_email_is_refused_as_a_method_for_sefton(contact, manager):
    escalation = open_escalation(
        contact=contact, about="Disagree with NFA.", by=manager, now=OPENED
    )
    with pytest.raises(DomainError, match="not by e-mail"):
        discuss(escalation, manager, london(2026, 12, 29, 10, 0), method="email")
    assert not Discussion.objects.exists()


def test_r42_the_last_step_is_final_and_binding_so_it_must_resolve(contact, manager):
    escalation = open_escalation(
        contact=contact, about="Disagree with NFA.", by=manager, now=OPENED
    )
    held = london(2026, 12, 29, 10, 0)
    for hours in range(3):
        discuss(escalation, manager, held + dt.timedelta(hours=hours))
        escalation.refresh_from_db()
    assert escalation.step == 4
    with pytest.raises(DomainError, match=r"last step \(Final and binding; its outcome"):
        discuss(escalation, manager, held + dt.timedelta(hours=4))
    discuss(
        escalation,
        manager,
        held + dt.timedelta(hours=4),
        outcome="resolved",
        method="face_to_face",
        agreed_plan="A strategy discussion by Friday, chaired by the MASH manager.",
    )
    escalation.refresh_from_db()
    assert escalation.state == Escalation.State.RESOLVED
    assert escalation.outcome == "A strategy discussion by Friday, chaired by the MASH manager."
    assert escalation.resolved_at == held + dt.timedelta(hours=4)
    assert AuditEvent.objects.filter(action="escalation.resolved").count() == 1


def test_r42_resolving_at_the_first_step_stops_its_clock(contact, manager):
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=OPENED)
    discuss(escalation, manager, london(2026, 12, 29, 10, 0), outcome="resolved")
    escalation.refresh_from_db()
    assert escalation.state == Escalation.State.RESOLVED
    assert escalation.steps.count() == 1
    assert escalation.steps.get().ended_at == london(2026, 12, 29, 10, 0)
    with pytest.raises(StepConflict, match="it is now resolved"):
        discuss(escalation, manager, london(2026, 12, 29, 11, 0))


def test_r43_lewisham_steps_come_from_its_file_with_no_clock(settings, contact, manager):
    settings.FRONTDOOR_COUNCIL = "lewisham"
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=OPENED)
    assert escalation.policy_version.policy_id == "lewisham"
    step = escalation.steps.get()
    assert step.name == "MASH manager"
    assert step.due_at is None  # Lewisham's documents set no timescale
    # Lewisham records by e-mail too.
    discuss(escalation, manager, london(2026, 12, 29, 10, 0), method="email")
    escalation.refresh_from_db()
    discuss(escalation, manager, london(2026, 12, 29, 11, 0))
    escalation.refresh_from_db()
    names = list(escalation.steps.order_by("number").values_list("name", flat=True))
    assert names == [
        "MASH manager",
        "MASH group manager or head of service",
        "Lewisham Safeguarding Children Partnership",
    ]
    with pytest.raises(DomainError, match="last step: there is no further step"):
        discuss(escalation, manager, london(2026, 12, 29, 12, 0))


def test_an_escalation_keeps_the_policy_it_was_opened_under(settings, contact, manager):
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=OPENED)
    settings.FRONTDOOR_COUNCIL = "lewisham"
    discuss(escalation, manager, london(2026, 12, 29, 10, 0))
    # Still Sefton's second step and clock, though the installation now serves Lewisham.
    step = StepRecord.objects.get(escalation=escalation, number=2)
    assert step.name == "Manager to manager"
    assert step.due_at == london(2026, 12, 31, 17, 30)


def test_partner_agency_may_open_only_on_their_own_enquirys_contact(
    make_contact, contact, manager, police, health
):
    send(contact, manager, agencies=["police"])
    other = make_contact()
    with pytest.raises(PermissionDeniedError, match="sent to their agency"):
        open_escalation(contact=contact, about="Disagree.", by=health, now=OPENED)
    with pytest.raises(PermissionDeniedError):
        open_escalation(contact=other, about="Disagree.", by=police, now=OPENED)
    assert open_escalation(contact=contact, about="Disagree.", by=police, now=OPENED)


def test_permission_refusals(contact, make_user, manager):
    analyst = make_user(Role.PERFORMANCE_ANALYST)
    with pytest.raises(PermissionDeniedError, match="cannot open an escalation"):
        open_escalation(contact=contact, about="Disagree.", by=analyst, now=OPENED)
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=OPENED)
    early_help = make_user(Role.EARLY_HELP_WORKER)
    with pytest.raises(PermissionDeniedError, match="cannot record discussions"):
        discuss(escalation, early_help, london(2026, 12, 29, 10, 0))
    with pytest.raises(PermissionDeniedError):
        discuss(escalation, analyst, london(2026, 12, 29, 10, 0))


def test_another_agency_cannot_record_on_an_escalation_it_did_not_raise(
    contact, manager, police, health
):
    send(contact, manager)
    escalation = open_escalation(contact=contact, about="Disagree.", by=police, now=OPENED)
    with pytest.raises(PermissionDeniedError):
        discuss(escalation, health, london(2026, 12, 29, 10, 0))


def test_concurrent_step_move_is_refused_with_who_moved_it(contact, manager, service_manager):
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=OPENED)
    seen_by_both = Escalation.objects.get(pk=escalation.pk)  # both pages show step 1
    discuss(escalation, manager, london(2026, 12, 29, 10, 0))
    with pytest.raises(
        StepConflict, match=r"Step 1 of ESC-\d+ was already ended by .*now at step 2"
    ):
        discuss(seen_by_both, service_manager, london(2026, 12, 29, 10, 5))
    with pytest.raises(StepConflict):
        discuss(escalation, service_manager, london(2026, 12, 29, 10, 5), expected_step=1)
    assert Discussion.objects.count() == 1
    assert StepRecord.objects.filter(escalation=escalation).count() == 2


def test_a_discussion_needs_its_plan_and_a_real_time(contact, manager):
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=OPENED)
    with pytest.raises(DomainError, match="agreed plan"):
        discuss(escalation, manager, london(2026, 12, 29, 10, 0), agreed_plan=" ")
    with pytest.raises(DomainError, match="cannot be earlier"):
        discuss(escalation, manager, london(2026, 12, 23, 10, 0))
    with pytest.raises(DomainError, match="future"):
        discuss(escalation, manager, london(2026, 12, 29, 10, 0), now=OPENED)


def test_an_escalation_about_a_decision_names_it(contact, make_contact, manager):
    decision = decide(contact, contact.children.first(), manager)
    escalation = open_escalation(
        contact=contact, decision=decision, about="Disagree.", by=manager, now=OPENED
    )
    assert escalation.decision == decision
    with pytest.raises(DomainError, match="not one of contact"):
        open_escalation(
            contact=make_contact(), decision=decision, about="Disagree.", by=manager, now=OPENED
        )


def test_the_same_form_sent_twice_opens_one_escalation(contact, manager):
    first = open_escalation(
        contact=contact, about="Disagree.", by=manager, now=OPENED, submission_key="k" * 20
    )
    again = open_escalation(
        contact=contact, about="Disagree.", by=manager, now=OPENED, submission_key="k" * 20
    )
    assert first == again
    assert Escalation.objects.count() == 1


def _meeting_with_police_dissenting(contact, manager, *, health_attended=True, kind=None):
    """A strategy meeting (or a meeting of `kind`) about a contact no MASH enquiry went out
    for; police dissent."""
    from frontdoor.mash.meetings import Contribution, DissentIn
    from tests.mash.test_meetings import record, schedule

    meeting = schedule(contact, manager, **({"kind": kind} if kind else {}))
    return record(
        meeting,
        manager,
        contributions=[
            Contribution(
                attendee.pk,
                attendee.agency_key != "health" or health_attended,
                f"{attendee.name} spoke.",
            )
            for attendee in meeting.attendees.all()
        ],
        consensus=False,
        dissents=[DissentIn("police", "PC Lee", "Police see a crime; this needs section 47.")],
    )


@pytest.mark.parametrize("council", ["sefton", "sefton-2022", "lewisham"])
def test_r39_an_agency_that_dissented_at_a_meeting_escalates_its_outcome(
    contact, manager, police, settings, council
):
    from frontdoor.escalations.selectors import (
        contacts_open_to_escalation,
        meetings_open_to_escalation,
    )

    settings.FRONTDOOR_COUNCIL = council
    meeting = _meeting_with_police_dissenting(contact, manager)
    assert not contacts_open_to_escalation(police).exists()  # no MASH enquiry went to police
    assert list(meetings_open_to_escalation(police)) == [meeting]
    escalation = open_escalation(
        meeting=meeting, about="The chair's outcome ignores the police view.", by=police
    )
    assert (escalation.meeting, escalation.contact) == (meeting, contact)
    assert escalation.raised_by_agency == "police"
    event = AuditEvent.objects.get(action="escalation.opened")
    assert event.changes["meeting"] == meeting.pk


def test_r39_a_mash_case_discussion_disagreement_goes_to_the_service_manager_first(
    contact, manager, police, service_manager
):
    from frontdoor.mash.models import Meeting

    meeting = _meeting_with_police_dissenting(
        contact, manager, kind=Meeting.Kind.MASH_CASE_DISCUSSION
    )
    escalation = open_escalation(meeting=meeting, about="We disagree.", by=police, now=OPENED)
    first = escalation.steps.get()
    # The Sefton report: disagreement with a MASH case discussion goes to the service manager,
    # then the partnership's steps follow, the last reported to the partnership.
    assert (first.number, first.name, first.due_at) == (1, "Service manager", None)
    discuss(escalation, service_manager, london(2026, 12, 24, 15, 0))
    escalation.refresh_from_db()
    assert escalation.steps.get(number=2).name == "Practitioner to practitioner"
    assert escalation.steps.get(number=2).due_at == london(2026, 12, 30, 17, 30)
    for when in (london(2026, 12, 30, 15, 0), london(2027, 1, 4, 11, 0), london(2027, 1, 6, 9)):
        discuss(escalation, service_manager, when)
        escalation.refresh_from_db()
    last = escalation.steps.get(number=5)
    assert last.is_last and last.name == "Independently chaired partnership meeting"
    assert "reported to the safeguarding partnership" in last.note


def test_r39_a_strategy_meeting_disagreement_starts_at_the_partnership_steps(
    contact, manager, police
):
    meeting = _meeting_with_police_dissenting(contact, manager)
    escalation = open_escalation(meeting=meeting, about="We disagree.", by=police, now=OPENED)
    assert escalation.steps.get().name == "Practitioner to practitioner"


def test_r39_attending_a_meeting_opens_its_outcome_not_the_whole_contact(contact, manager, police):
    _meeting_with_police_dissenting(contact, manager)
    with pytest.raises(PermissionDeniedError, match="MASH enquiry was sent"):
        open_escalation(contact=contact, about="Everything.", by=police)


def test_r39_an_agency_that_did_not_attend_cannot_escalate_the_meeting(
    contact, manager, health, make_user
):
    meeting = _meeting_with_police_dissenting(contact, manager, health_attended=False)
    for outsider in (health, make_user(Role.PARTNER_AGENCY, agency_key="housing")):
        with pytest.raises(PermissionDeniedError, match="a recorded meeting it attended"):
            open_escalation(meeting=meeting, about="We disagree.", by=outsider)
    assert not Escalation.objects.exists()


def test_r39_a_meeting_not_yet_held_has_no_outcome_to_escalate(contact, manager, police):
    from tests.mash.test_meetings import schedule

    meeting = schedule(contact, manager)
    with pytest.raises(PermissionDeniedError):
        open_escalation(meeting=meeting, about="We disagree.", by=police)


def test_r39_r45_a_meeting_about_a_restricted_child_is_not_open_to_a_partner(
    contact, manager, police, person_for, admin
):
    from frontdoor.escalations.selectors import meetings_open_to_escalation
    from frontdoor.privacy.restrictions import restrict

    meeting = _meeting_with_police_dissenting(contact, manager)
    # Every child of the contact restricted: the meeting closes as the contact does (a meeting
    # about a sibling the police may see stays open to them).
    for child in contact.children.all():
        restrict(
            person=person_for(child),
            allowed_users=[manager],
            ask="The head of service",
            reason="A family member works for the police.",
            by=admin,
        )
    assert not meetings_open_to_escalation(police).filter(pk=meeting.pk).exists()


def test_r42_a_discussion_in_the_minute_its_step_began_is_not_before_it(contact, police, manager):
    send(contact, manager)
    opened = OPENED.replace(second=42, microsecond=123)
    escalation = open_escalation(contact=contact, about="This meets s47.", by=police, now=opened)
    step_one = escalation.steps.get()
    # The step's clock starts to the minute, as the discussion's time is typed in.
    assert step_one.started_at == OPENED
    # Typed in as 10:00, the minute the step began: not before it.
    discuss(escalation, police, OPENED)
    step_one.refresh_from_db()
    step_two = escalation.steps.get(number=2)
    assert step_one.ended_at == step_two.started_at == OPENED
    # A time given with seconds is kept to the minute too, on both sides of the comparison.
    escalation.refresh_from_db()
    discuss(escalation, police, OPENED + dt.timedelta(minutes=5, seconds=30))
    step_two.refresh_from_db()
    step_three = escalation.steps.get(number=3)
    assert step_two.ended_at == step_three.started_at == OPENED + dt.timedelta(minutes=5)
    assert escalation.discussions.get(step=2).held_at == OPENED + dt.timedelta(minutes=5)
