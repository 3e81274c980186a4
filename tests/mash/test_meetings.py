"""Case discussions, strategy meetings (R39, R40), exploitation and the daily briefing (R41)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.models import Channel, MissingEpisode
from frontdoor.mash import meetings
from frontdoor.mash.meetings import Contribution, DissentIn, Invitee
from frontdoor.mash.models import Meeting
from frontdoor.mash.selectors import children_of_concern
from frontdoor.outbox.models import Message
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.registry import current_policy
from frontdoor.screening.models import FollowUp
from tests.attacks.html_checks import form_problems
from tests.screening.conftest import RECEIVED
from tests.screening.test_decisions import DECIDED, decide

pytestmark = pytest.mark.django_db
REQUIRED = [
    Invitee("social_care", "Sam Social"),
    Invitee("police", "PC Lee"),
    Invitee("early_help", "Ed Help"),
    Invitee("health", "Nurse Khan"),
]


def schedule(contact, manager, invitees=REQUIRED, **extra):
    return meetings.schedule_meeting(
        contact=contact,
        kind=extra.pop("kind", Meeting.Kind.STRATEGY_MEETING),
        scheduled_for=extra.pop("scheduled_for", DECIDED + dt.timedelta(hours=4)),
        chair=manager,
        invitees=list(invitees),
        by=manager,
        now=extra.pop("now", DECIDED + dt.timedelta(minutes=5)),
        **extra,
    )


def record(meeting, manager, **overrides):
    values = {
        "held_at": DECIDED + dt.timedelta(hours=4),
        "contributions": [
            Contribution(attendee.pk, True, f"{attendee.name} shared what they hold.")
            for attendee in meeting.attendees.all()
        ],
        "analysis": "Mother protective but overwhelmed.",
        "intervention": "Section 47 enquiry.",
        "plan_of_action": "Joint visit today; medical tomorrow.",
        "outcome": "strategy_discussion",
        "consensus": True,
        "dissents": [],
        "expected_version": meeting.version,
        "now": DECIDED + dt.timedelta(hours=5),
    }
    values.update(overrides)
    return meetings.record_meeting(meeting=meeting, by=manager, **values)


def test_r40_a_strategy_meeting_needs_the_required_agencies_unless_the_chair_says_why(
    contact, manager
):
    with pytest.raises(DomainError, match="Not invited: Health"):
        schedule(contact, manager, invitees=REQUIRED[:3])
    meeting = schedule(contact, manager, invitees=REQUIRED[:3], override_reason="Health on strike")
    assert meeting.override_reason == "Health on strike"


def test_r40_a_strategy_meeting_is_due_24_hours_after_the_concerns(contact, manager):
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    meeting = schedule(contact, manager)
    assert meeting.due_at == DECIDED + dt.timedelta(hours=24)


def test_r39_the_meeting_records_each_voice_the_plan_and_closes_the_strategy_follow_up(
    contact, manager
):
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    meeting = record(schedule(contact, manager), manager)
    assert meeting.outcome_label.startswith("Child protection")
    assert all(attendee.attended for attendee in meeting.attendees.all())
    follow_up = FollowUp.objects.get(kind=FollowUp.Kind.STRATEGY_DISCUSSION)
    assert follow_up.done_at is not None


def test_r39_without_consensus_the_chair_decides_and_dissent_is_recorded(contact, manager):
    meeting = schedule(contact, manager)
    with pytest.raises(DomainError, match="the chair decides"):
        record(meeting, manager, consensus=False)
    meeting = record(
        meeting,
        manager,
        consensus=False,
        dissents=[DissentIn("police", "PC Lee", "Police see no crime; an assessment is enough.")],
    )
    assert meeting.dissents.get().view.startswith("Police see no crime")


def test_r40_the_outcome_is_one_of_r40s(contact, manager):
    with pytest.raises(DomainError, match="outcome"):
        record(schedule(contact, manager), manager, outcome="allocated_worker")


def test_a_stale_meeting_page_cannot_overwrite_the_record(contact, manager):
    meeting = schedule(contact, manager)
    record(meeting, manager)
    with pytest.raises(DomainError, match="while you were writing"):
        record(meeting, manager)


def test_r41_the_exploitation_coordinator_is_told_and_invited(contact, manager, worker, make_user):
    coordinator = make_user(Role.EXPLOITATION_COORDINATOR, email="cse@sefton.example")
    child = contact.children.first()
    meetings.record_exploitation_screening(
        contact=contact,
        child=child,
        by=worker,
        referrer_screening="Older boyfriend, new phone, missing overnight.",
        risk_assessment="Indicators of sexual exploitation.",
        risk="high",
    )
    assert Message.objects.filter(kind="exploitation_screening", to=coordinator.email).exists()
    meeting = schedule(contact, manager)
    assert meeting.attendees.filter(role="Exploitation coordinator").exists()
    assert Message.objects.filter(kind="meeting_invitation", to=coordinator.email).exists()


def test_r41_the_briefing_lists_children_of_most_concern_and_records_actions(
    client, make_contact, officer, worker, make_user
):
    from frontdoor.intake.services import record_missing_episode
    from frontdoor.intake.submissions import Child
    from tests.intake.factories import make_submission

    coordinator = make_user(Role.EXPLOITATION_COORDINATOR)
    now = dt.datetime.now(dt.UTC)
    record_missing_episode(
        child=Child(first_name="Sam", last_name="Missing", date_of_birth=dt.date(2011, 1, 1)),
        submission=make_submission(),
        channel=Channel.POLICE_NOTIFICATION,
        went_missing_at=now - dt.timedelta(hours=5),
        returned_at=None,
        missing_from="Home",
        by=officer,
    )
    rows = children_of_concern(user=coordinator, today=now.date())
    assert rows and "Missing now" in rows[0].reasons[0]
    # Each date with its year, as every page gives dates.
    went = (now - dt.timedelta(hours=5)).astimezone(LONDON)
    assert rows[0].reasons[0].endswith(f", {went.day} {went:%B %Y}")
    child = MissingEpisode.objects.get().child
    client.force_login(coordinator)
    page = client.get(reverse("mash:briefing")).content.decode()
    assert str(child) in page
    # The coordinator cannot open the screening page: the reference is not a link to a refusal.
    screening_url = reverse("screening:contact", args=[child.contact.reference])
    assert child.contact.reference in page and screening_url not in page
    client.post(
        reverse("mash:briefing"),
        {"child": child.pk, "action": "Return interview", "owner": "Police"},
    )
    page = client.get(reverse("mash:briefing")).content.decode()
    today = timezone.localdate()
    assert f"{today.day} {today:%B %Y}: Return interview" in page
    client.force_login(worker)
    assert client.get(reverse("mash:briefing")).status_code == 403


def test_the_meeting_pages_arrange_and_record(client, contact, manager):
    client.force_login(manager)
    form = {
        "kind": "strategy_meeting",
        "scheduled_for": "17/11/2026 16:00",
        "chair": manager.pk,
        "invite-social_care": "Sam Social",
        "invite-police": "PC Lee",
        "invite-early_help": "Ed Help",
        "invite-health": "Nurse Khan",
        "invite-other": "Pat Teacher, class teacher",
    }
    response = client.post(reverse("mash:schedule", args=[contact.reference]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert meeting.attendees.count() == 5
    page = client.get(response["Location"]).content.decode()
    assert "Record the meeting" in page


@pytest.mark.parametrize(
    ("council", "words"),
    [
        ("sefton", "held within 24 hours from when child protection concerns are identified"),
        ("lewisham", "held on the same day child protection concerns are identified"),
    ],
)
def test_r40_the_arranging_page_says_when_a_strategy_meeting_is_due(
    client, contact, manager, settings, council, words
):
    settings.FRONTDOOR_COUNCIL = council
    client.force_login(manager)
    page = client.get(reverse("mash:schedule", args=[contact.reference])).content.decode()
    assert f"A strategy meeting is {words}, with at least" in page


def test_the_received_fixture_is_a_tuesday():
    assert RECEIVED.weekday() == 1


def _screen(contact, by, at, concerns=("physical_abuse",), indicators=()):
    from frontdoor.screening.findings import save_findings

    return save_findings(
        contact=contact,
        child=contact.children.order_by("id").first(),
        by=by,
        indicators=list(indicators),
        concerns=list(concerns),
        analysis="Bruising with an account of being hit.",
        now=at,
    )


@pytest.mark.parametrize("council", ["sefton", "sefton-2022", "lewisham"])
def test_r40_the_clock_starts_when_screening_first_recorded_the_concerns(
    client, contact, manager, settings, council
):
    settings.FRONTDOOR_COUNCIL = council
    found = RECEIVED + dt.timedelta(hours=1)
    _screen(contact, manager, found)
    # Saved again later with the same concerns: the concerns were identified the first time.
    _screen(contact, manager, found + dt.timedelta(hours=5))
    three_days_later = found + dt.timedelta(days=3)
    meeting = schedule(
        contact,
        manager,
        now=three_days_later,
        scheduled_for=three_days_later + dt.timedelta(hours=2),
        late_reason="The concerns were not seen until now.",
    )
    if council == "lewisham":  # "on the same day": the midnight that ends the day found
        day = found.astimezone(LONDON).date() + dt.timedelta(days=1)
        assert meeting.due_at == dt.datetime.combine(day, dt.time(), tzinfo=LONDON)
        found_day = found.astimezone(LONDON)
        due_words = f"the end of {found_day:%A} {found_day.day} {found_day:%B %Y}"
    else:
        assert meeting.due_at == found + dt.timedelta(hours=24)
        due_words = f"{meeting.due_at.astimezone(LONDON):%A} "
    assert meeting.scheduled_for > meeting.due_at  # late, and the page says so
    client.force_login(manager)
    page = client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    assert due_words in page
    assert "00:00" not in page  # a same-day clock ends with its day, never "Saturday 00:00"


def test_r40_an_indicator_naming_a_concern_counts_as_recording_it(contact, manager):
    from frontdoor.policy.catalogue import indicators
    from frontdoor.policy.registry import current_policy

    key = next(item.key for item in indicators(current_policy()) if item.concerns)
    found = RECEIVED + dt.timedelta(hours=2)
    screening = _screen(contact, manager, found, concerns=(), indicators=(key,))
    assert screening.protection_concerns_at == found


def test_r40_concerns_removed_then_found_again_start_from_the_second_finding(contact, manager):
    _screen(contact, manager, RECEIVED + dt.timedelta(hours=1))
    assert (
        _screen(
            contact, manager, RECEIVED + dt.timedelta(hours=2), concerns=()
        ).protection_concerns_at
        is None
    )
    again = RECEIVED + dt.timedelta(hours=3)
    assert _screen(contact, manager, again).protection_concerns_at == again


def test_r40_a_red_final_rag_starts_the_clock_before_the_decision(contact, manager):
    from frontdoor.mash import enquiries

    sent = RECEIVED + dt.timedelta(minutes=30)
    enquiry = enquiries.send_enquiry(
        contact=contact,
        child=contact.children.first(),
        by=manager,
        rag="amber",
        agencies=["police"],
        reason="Domestic abuse reported in the household.",
        now=sent,
    )
    reviewed = sent + dt.timedelta(hours=1)
    enquiries.review_rag(
        enquiry=enquiry, by=manager, rag="red", reason="Police hold more.", now=reviewed
    )
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    assert reviewed < DECIDED
    meeting = schedule(contact, manager)
    assert meeting.due_at == reviewed + dt.timedelta(hours=24)


def test_r40_the_decision_starts_the_clock_when_screening_found_concerns_later(contact, manager):
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    _screen(contact, manager, DECIDED + dt.timedelta(hours=1))
    meeting = schedule(contact, manager, now=DECIDED + dt.timedelta(hours=2))
    assert meeting.due_at == DECIDED + dt.timedelta(hours=24)


def _invited_coordinator(meeting) -> bool:
    return meeting.attendees.filter(role="Exploitation coordinator").exists()


@pytest.mark.parametrize("council", ["sefton", "sefton-2022", "lewisham"])
def test_r41_a_long_missing_episode_brings_the_exploitation_coordinator(
    officer, manager, make_user, settings, council
):
    from frontdoor.audit.models import AuditEvent
    from frontdoor.intake.services import record_missing_episode
    from frontdoor.intake.submissions import Child
    from tests.intake.factories import make_submission

    settings.FRONTDOOR_COUNCIL = council
    coordinator = make_user(Role.EXPLOITATION_COORDINATOR, email="cse@council.example")
    contact = record_missing_episode(
        child=Child(first_name="Sam", last_name="Missing", date_of_birth=dt.date(2011, 1, 1)),
        submission=make_submission(),
        channel=Channel.POLICE_NOTIFICATION,
        went_missing_at=RECEIVED - dt.timedelta(days=4),
        returned_at=None,
        missing_from="Home",
        received_at=RECEIVED,
        by=officer,
    )
    meeting = schedule(contact, manager, now=RECEIVED + dt.timedelta(hours=1))
    assert _invited_coordinator(meeting)
    assert Message.objects.filter(kind="meeting_invitation", to=coordinator.email).exists()
    reasons = AuditEvent.objects.get(action="meeting.scheduled").changes[
        "exploitation_coordinator_invited"
    ]
    assert reasons == [
        "Missing from 13 November 2026 for 97 hours (still missing): longer than 72 hours"
    ]


def test_r41_missing_three_times_in_a_month_brings_the_coordinator(
    contact, manager, make_user, person_for, involvement
):
    make_user(Role.EXPLOITATION_COORDINATOR)
    person = person_for(contact.children.first())
    for day in (3, 10, 12):
        involvement(person, "missing_episode", dt.date(2026, 11, day), dt.date(2026, 11, day))
    meeting = schedule(contact, manager)
    assert _invited_coordinator(meeting)
    assert meetings.coordinator_reasons(contact=contact, policy=current_policy(), at=DECIDED) == [
        "Missing 3 times in November 2026"
    ]


def test_r41_one_short_missing_episode_does_not_bring_the_coordinator(
    contact, manager, make_user, person_for, involvement
):
    make_user(Role.EXPLOITATION_COORDINATOR)
    person = person_for(contact.children.first())
    involvement(person, "missing_episode", dt.date(2026, 11, 10), dt.date(2026, 11, 11))
    assert not _invited_coordinator(schedule(contact, manager))


@pytest.mark.parametrize("council", ["sefton", "lewisham"])
def test_r41_frequent_missing_recorded_at_screening_brings_the_coordinator(
    contact, manager, make_user, settings, council
):
    settings.FRONTDOOR_COUNCIL = council
    make_user(Role.EXPLOITATION_COORDINATOR)
    _screen(contact, manager, RECEIVED + dt.timedelta(hours=1), concerns=("frequent_missing",))
    assert _invited_coordinator(schedule(contact, manager))


def test_r41_the_policy_says_which_concerns_bring_the_coordinator(
    contact, manager, make_user, settings
):
    from frontdoor.policy.concerns import Concern
    from frontdoor.policy.schema import Exploitation

    make_user(Role.EXPLOITATION_COORDINATOR)
    _screen(contact, manager, RECEIVED + dt.timedelta(hours=1), concerns=("neglect",))
    policy = current_policy()
    assert meetings.coordinator_reasons(contact=contact, policy=policy, at=DECIDED) == []
    wider = policy.model_copy(
        update={"exploitation": Exploitation(coordinator_concerns=[Concern.NEGLECT])}
    )
    assert meetings.coordinator_reasons(contact=contact, policy=wider, at=DECIDED) == [
        "Screening records neglect affecting the child's wellbeing"
    ]


def test_r40_a_meeting_arranged_later_than_its_timescale_needs_a_reason(client, contact, manager):
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    two_days_later = DECIDED + dt.timedelta(days=2)
    with pytest.raises(DomainError, match="give the reason"):
        schedule(contact, manager, scheduled_for=two_days_later)
    meeting = schedule(
        contact, manager, scheduled_for=two_days_later, late_reason="Police unavailable sooner"
    )
    assert meeting.late_reason == "Police unavailable sooner"
    client.force_login(manager)
    page = client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    assert "Arranged later than the timescale, by 1 day" in page
    assert " left" not in page
    assert "Police unavailable sooner" in page


def test_r40_the_meeting_page_reads_the_held_time_once_held(client, contact, manager):
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    meeting = schedule(
        contact, manager, scheduled_for=DECIDED + dt.timedelta(days=2), late_reason="Not sooner"
    )
    record(meeting, manager, held_at=DECIDED + dt.timedelta(hours=4))
    client.force_login(manager)
    page = client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    assert "Held within the timescale" in page
    # Arranged late, held in time: the page says which is which.
    assert "Arranged later than the timescale because" in page
    assert "Planned for" in page
    assert "later than the timescale" not in page.lower().replace(
        "arranged later than the timescale because", ""
    )


def test_r40_a_meeting_cannot_be_held_before_it_was_arranged_or_before_the_concerns(
    contact, manager
):
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    meeting = schedule(contact, manager, now=DECIDED + dt.timedelta(hours=1))
    with pytest.raises(DomainError, match="arranged at"):
        record(meeting, manager, held_at=DECIDED + dt.timedelta(minutes=30))
    early = schedule(
        contact, manager, now=DECIDED - dt.timedelta(hours=2), kind=Meeting.Kind.STRATEGY_MEETING
    )
    with pytest.raises(DomainError, match="concerns were recorded"):
        record(early, manager, held_at=DECIDED - dt.timedelta(hours=1))


def test_r40_a_meeting_entered_after_it_was_planned_may_be_held_from_its_planned_time(
    contact, manager
):
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    # Set up by telephone for an hour after the decision, entered here two hours after it.
    meeting = schedule(
        contact,
        manager,
        scheduled_for=DECIDED + dt.timedelta(hours=1),
        now=DECIDED + dt.timedelta(hours=2),
    )
    held = record(meeting, manager, held_at=DECIDED + dt.timedelta(hours=1, minutes=5))
    assert held.held_at == DECIDED + dt.timedelta(hours=1, minutes=5)
    with pytest.raises(DomainError, match="cannot have been held before"):
        record(
            schedule(
                contact,
                manager,
                scheduled_for=DECIDED + dt.timedelta(hours=1),
                now=DECIDED + dt.timedelta(hours=2),
            ),
            manager,
            held_at=DECIDED + dt.timedelta(minutes=50),
        )


def test_r40_a_meeting_held_in_the_minute_it_was_arranged_is_not_held_before_it(contact, manager):
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    arranged = DECIDED + dt.timedelta(minutes=5, seconds=40)
    meeting = schedule(contact, manager, scheduled_for=arranged, now=arranged)
    # The form gives the time to the minute.
    held = record(meeting, manager, held_at=DECIDED + dt.timedelta(minutes=5))
    assert held.held_at == DECIDED + dt.timedelta(minutes=5)


def test_r40_a_strategy_meeting_without_a_required_agency_links_to_its_box(
    client, contact, manager
):
    client.force_login(manager)
    form = {
        "kind": "strategy_meeting",
        "scheduled_for": "17/11/2026 16:00",
        "chair": manager.pk,
        "invite-social_care": "Sam Social",
        "invite-police": "PC Lee",
        "invite-health": "Nurse Khan",
    }
    page = client.post(reverse("mash:schedule", args=[contact.reference]), form).content.decode()
    assert "needs at least" in page
    assert form_problems(page) == []
    assert 'href="#id_invite-early_help"' in page


def test_r40_the_strategy_follow_up_is_due_when_the_meeting_is(client, contact, manager):
    # Screening found the concerns 40 seconds before the decision, in the minute before it.
    found = DECIDED - dt.timedelta(seconds=40)
    _screen(contact, manager, found, concerns=("emotional_abuse",))
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    meeting = schedule(contact, manager)
    follow_up = FollowUp.objects.get(kind=FollowUp.Kind.STRATEGY_DISCUSSION)
    assert meeting.due_at == follow_up.due_at == found + dt.timedelta(hours=24)
    client.force_login(manager)
    shown = f"{follow_up.due_at.astimezone(LONDON):%H:%M}"
    meeting_page = client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    contact_page = client.get(
        reverse("screening:contact", args=[contact.reference])
    ).content.decode()
    assert shown in meeting_page
    assert shown in contact_page


def test_the_screening_page_links_a_meeting_only_for_those_who_may_open_it(
    client, contact, manager, worker
):
    """No dead end (R39): the social worker sees when the meeting is, and no link to a page
    that would refuse them; the manager, who chairs, follows the link."""
    meeting = schedule(contact, manager)
    link = f'href="{reverse("mash:meeting", args=[meeting.pk])}"'
    screening = reverse("screening:contact", args=[contact.reference])
    client.force_login(worker)
    page = client.get(screening).content.decode()
    assert "Strategy meeting" in page and link not in page
    assert "Arrange a meeting" not in page
    client.force_login(manager)
    assert link in client.get(screening).content.decode()


def _coordinator_invited(contact, worker, make_user):
    coordinator = make_user(Role.EXPLOITATION_COORDINATOR, email="cse@sefton.example")
    meetings.record_exploitation_screening(
        contact=contact,
        child=contact.children.first(),
        by=worker,
        referrer_screening="Older boyfriend, new phone, missing overnight.",
        risk_assessment="Indicators of sexual exploitation.",
        risk="high",
    )
    return coordinator


def test_r40_a_cancelled_strategy_meeting_stays_on_record_and_the_discussion_is_still_owed(
    client, contact, manager, worker, make_user
):
    coordinator = _coordinator_invited(contact, worker, make_user)
    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    meeting = schedule(contact, manager)
    with pytest.raises(DomainError, match="Give the reason"):
        meetings.cancel_meeting(
            meeting=meeting, by=manager, reason="  ", expected_version=meeting.version
        )
    cancelled = meetings.cancel_meeting(
        meeting=meeting,
        by=manager,
        reason="Police cannot attend; rearranging for the morning.",
        expected_version=meeting.version,
        now=DECIDED + dt.timedelta(hours=1),
    )
    assert cancelled.cancelled_at == DECIDED + dt.timedelta(hours=1)
    assert cancelled.cancelled_by == manager
    # The invitation had not left: it is taken back, not followed by a cancellation.
    invitation = Message.objects.get(kind="meeting_invitation", to=coordinator.email)
    assert invitation.withdrawn_at is not None
    assert not Message.objects.filter(kind="meeting_cancelled").exists()
    # The strategy discussion is still owed (R40), and the meeting cannot now be recorded.
    assert FollowUp.objects.get(kind=FollowUp.Kind.STRATEGY_DISCUSSION).done_at is None
    with pytest.raises(DomainError, match="cancelled this meeting"):
        record(cancelled, manager)
    with pytest.raises(DomainError, match="cancelled this meeting"):
        meetings.cancel_meeting(
            meeting=cancelled, by=manager, reason="Again", expected_version=cancelled.version
        )
    entry = AuditEvent.objects.get(action="meeting.cancelled")
    assert entry.reason == "Police cannot attend; rearranging for the morning."
    client.force_login(manager)
    page = client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    assert "Cancelled" in page and "Police cannot attend" in page
    assert "Record the meeting" not in page
    assert "Arranged within the timescale" not in page
    assert reverse("mash:schedule", args=[contact.reference]) in page
    screening = client.get(reverse("screening:contact", args=[contact.reference])).content
    assert "cancelled" in screening.decode()


def test_r39_cancelling_a_meeting_whose_invitation_went_tells_the_invited(
    contact, manager, worker, make_user
):
    coordinator = _coordinator_invited(contact, worker, make_user)
    meeting = schedule(contact, manager)
    Message.objects.filter(kind="meeting_invitation").update(sent_at=timezone.now())
    meetings.cancel_meeting(
        meeting=meeting, by=manager, reason="Family moved away.", expected_version=meeting.version
    )
    told = Message.objects.get(kind="meeting_cancelled")
    assert told.to == coordinator.email
    assert told.subject.startswith("Cancelled: Strategy meeting at")
    assert contact.reference in told.body
    assert "moved away" not in told.body  # the reason stays on the record


def test_a_held_meeting_cannot_be_cancelled_and_the_page_offers_no_cancel(client, contact, manager):
    meeting = record(schedule(contact, manager), manager)
    with pytest.raises(DomainError, match="cannot be cancelled"):
        meetings.cancel_meeting(
            meeting=meeting, by=manager, reason="Too late", expected_version=meeting.version
        )
    client.force_login(manager)
    cancel_at = reverse("mash:cancel_meeting", args=[meeting.pk])
    assert cancel_at not in client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    response = client.post(cancel_at, {"reason": "Too late", "version": meeting.version})
    assert "a meeting held cannot be cancelled" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None


def test_the_cancel_page_asks_for_the_reason_and_cancels(client, contact, manager, worker):
    meeting = schedule(contact, manager)
    cancel_at = reverse("mash:cancel_meeting", args=[meeting.pk])
    client.force_login(worker)
    assert client.get(cancel_at).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    assert cancel_at in page
    form = client.get(cancel_at)
    assert form.status_code == 200
    assert not form_problems(form.content.decode())
    refused = client.post(cancel_at, {"reason": "", "version": meeting.version})
    assert refused.status_code == 400
    assert "Give the reason the meeting is cancelled" in refused.content.decode()
    assert not form_problems(refused.content.decode())
    stale = client.post(cancel_at, {"reason": "Off", "version": meeting.version + 1})
    assert "Nothing was cancelled" in stale.content.decode()
    sent = {"reason": "The family withdrew.", "version": meeting.version}
    response = client.post(cancel_at, sent)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.cancelled_reason == "The family withdrew."


def test_r40_a_strategy_meeting_whose_decision_was_revised_away_says_so(client, contact, manager):
    child = contact.children.first()
    decide(contact, child, manager, level=4, outcome="strategy_discussion")
    meeting = schedule(contact, manager)
    client.force_login(manager)
    warning = "no decision on this contact now calls for one"
    assert warning not in client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    decide(
        contact,
        child,
        manager,
        level=3,
        outcome="child_and_family_assessment",
        based_on=1,
        now=DECIDED + dt.timedelta(minutes=30),
    )
    page = client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    assert warning in page
    assert reverse("mash:cancel_meeting", args=[meeting.pk]) in page
    # Revised back to a strategy discussion: the meeting is called for again.
    decide(
        contact,
        child,
        manager,
        level=4,
        outcome="strategy_discussion",
        based_on=2,
        now=DECIDED + dt.timedelta(minutes=40),
    )
    assert warning not in client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
