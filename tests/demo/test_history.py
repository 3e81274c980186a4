"""The demo's history: older contacts screened, decided and closed through the domain functions.

The suite loads a short history (a few weeks, a handful of contacts a day) to keep quick; the
demo itself loads a year.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.demo.contacts import KEY_PREFIX as CONTACTS_KEY_PREFIX
from frontdoor.demo.contacts import Staff, load_demo_contacts
from frontdoor.demo.history import KEY_PREFIX, STILL_OPEN, STILL_WAITING, load_demo_history
from frontdoor.intake.models import Contact, Report
from frontdoor.outbox.models import Message
from frontdoor.policy.clocks import LONDON
from frontdoor.screening.models import Assignment, Decision, FollowUp, Referral
from frontdoor.screening.transitions import OPEN_STATES
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def last_wednesday_noon() -> dt.datetime:
    """A fixed point in the working week, so the last two days always hold contacts."""
    today = timezone.localdate()
    wednesday = today - dt.timedelta(days=(today.weekday() - 2) % 7 or 7)
    return dt.datetime.combine(wednesday, dt.time(12), tzinfo=LONDON)


NOW = last_wednesday_noon()


@pytest.fixture
def staff(make_user):
    return Staff(
        officer=make_user(Role.CONTACT_OFFICER),
        worker=make_user(Role.MASH_SOCIAL_WORKER, team="MASH"),
        partner=make_user(Role.PARTNER_AGENCY),
    )


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Three weeks of history, loaded once for the tests that only read it, and rolled back
    after them; with the staff who recorded it."""
    with django_db_blocker.unblock(), transaction.atomic():
        staff = Staff(
            officer=UserFactory(role=Role.CONTACT_OFFICER),
            worker=UserFactory(role=Role.MASH_SOCIAL_WORKER, team="MASH"),
            partner=UserFactory(role=Role.PARTNER_AGENCY, agency_key="police"),
        )
        manager = UserFactory(role=Role.MASH_MANAGER, team="MASH")
        result = load_demo_history(staff=staff, manager=manager, weeks=3, now=NOW)
        yield result, manager, staff
        transaction.set_rollback(True)


def test_the_suite_does_not_load_the_history_unless_asked(staff, make_user):
    result = load_demo_history(staff=staff, manager=make_user(Role.MASH_MANAGER))
    assert result.contacts == 0
    assert not Contact.objects.exists()


def test_the_recent_weeks_are_recorded_after_the_history(staff, make_user):
    """The history is recorded first, then the recent weeks': the history's contacts must not
    read as the recent weeks' already loaded."""
    recent = []

    def record_recent_weeks() -> None:
        recent.append(load_demo_contacts(staff=staff, weeks=1))

    load_demo_history(
        staff=staff,
        manager=make_user(Role.MASH_MANAGER, team="MASH"),
        weeks=2,
        now=NOW,
        then=record_recent_weeks,
    )
    assert recent[0].contacts > 0
    assert Report.objects.filter(submission_key__startswith=CONTACTS_KEY_PREFIX).count() > 0
    assert Report.objects.filter(submission_key__startswith=KEY_PREFIX).count() > 0


def test_history_records_older_contacts_and_decides_them_through_the_domain(loaded):
    result, manager, _ = loaded
    assert result.contacts == Report.objects.filter(submission_key__startswith=KEY_PREFIX).count()
    assert result.contacts >= 20
    assert result.decided > 0 and result.closed > 0
    assert Contact.objects.filter(state=Contact.State.CLOSED).count() == result.closed
    # Decided by the manager, in the past, with a rationale, each child once at least.
    decisions = Decision.objects.all()
    assert decisions.exists()
    assert not decisions.filter(rationale="").exists()
    assert set(decisions.values_list("decided_by", flat=True)) == {manager.pk}
    assert decisions.filter(decided_at__lt=NOW - dt.timedelta(days=7)).exists()
    # Each decided contact was taken by the worker: its team is on the assignment.
    assert Assignment.objects.filter(team="MASH").count() >= result.decided
    # Closing needs every follow-up done: none is left undone on a closed contact.
    assert not FollowUp.objects.filter(
        decision__contact__state=Contact.State.CLOSED, done_at__isnull=True
    ).exists()
    # The domain functions wrote the audit trail.
    assert AuditEvent.objects.filter(action="decision.recorded").count() == decisions.count()


def test_history_has_a_mix_of_outcomes_and_referrals_with_their_primary_need(loaded):
    outcomes = set(Decision.objects.values_list("outcome", flat=True))
    assert {"information_and_advice"} <= outcomes
    assert outcomes & {"early_help", "family_wellbeing_centre"}
    for referral in Referral.objects.select_related("decision"):
        assert referral.decision.primary_need  # the CIN census needs it


def test_r28_a_child_said_to_need_protecting_now_is_never_routed_to_early_help(loaded):
    decided = Decision.objects.filter(
        contact__reports__immediate_protection_needed="yes",
        contact__reports__submission_key__startswith=KEY_PREFIX,
    )
    assert decided.exists()
    routed = set(decided.values_list("outcome", flat=True))
    assert not routed & {"early_help", "family_wellbeing_centre", "information_and_advice"}


def test_the_last_two_days_stay_open_like_a_monday_morning(loaded):
    recent = Contact.objects.filter(received_at__gte=NOW - STILL_OPEN)
    assert recent.exists()
    assert set(recent.values_list("state", flat=True)) <= set(OPEN_STATES)
    # Before that, only a few from the last days still wait (overdue); the rest are progressed.
    older = Contact.objects.filter(received_at__lt=NOW - STILL_WAITING)
    assert older.exists()
    assert not older.filter(state__in=OPEN_STATES).exists()


def test_history_e_mails_are_not_sent_again_by_the_demo_worker(loaded):
    assert not Message.objects.filter(sent_at__isnull=True).exists()


def test_history_is_loaded_once(loaded):
    _, manager, staff = loaded
    contacts, decisions = Contact.objects.count(), Decision.objects.count()
    again = load_demo_history(staff=staff, manager=manager, weeks=3, now=NOW)
    assert (again.contacts, again.decided) == (0, 0)
    assert (Contact.objects.count(), Decision.objects.count()) == (contacts, decisions)
