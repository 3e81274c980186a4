"""R25: when a contact is progressed, and so overdue, is one definition the pages share.

A sibling group is progressed when its last child has a first decision (or transfer), and stays
overdue on the manager's queue and on the dashboards alike until then.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from frontdoor.audit.models import AuditEvent
from frontdoor.intake.models import Contact
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.registry import current_policy
from frontdoor.returns.dashboards import Period, dashboard
from frontdoor.screening.decisions import TransferDetails
from frontdoor.screening.selectors import queue_rows, screening_queue
from tests.screening.conftest import RECEIVED
from tests.screening.test_decisions import decide

pytestmark = pytest.mark.django_db

# Received Tuesday 10:00: Sefton's one working day is due Wednesday 17:30.
DUE = dt.datetime(2026, 11, 18, 17, 30, tzinfo=LONDON)
FIRST_DECIDED = RECEIVED + dt.timedelta(hours=3)
PAST_DUE = dt.datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)
SECOND_DECIDED = PAST_DUE + dt.timedelta(hours=1)
PERIOD = Period(first_day=RECEIVED.date(), last_day=PAST_DUE.date())
TRANSFER = TransferDetails(
    council_code="E08000012",
    sent_how="Secure e-mail to Liverpool's MASH",
    what_was_sent="The referral and the screening notes",
)


def queue_says_overdue(contact, manager, now) -> bool | None:
    """The manager's queue on `contact`: None when it is not listed."""
    rows = queue_rows(screening_queue(user=manager), now, current_policy())
    flags = [row.overdue for row in rows if row.contact.pk == contact.pk]
    return flags[0] if flags else None


def overdue_only_lists(contact, manager, now) -> bool:
    return screening_queue(user=manager, overdue_only=True, now=now).filter(pk=contact.pk).exists()


def test_r25_a_half_decided_sibling_group_is_not_progressed(contact, manager):
    assert contact.progress_due_at == DUE
    first, _second = contact.children.order_by("id")
    decide(contact, first, manager, now=FIRST_DECIDED)
    contact.refresh_from_db()
    assert contact.progressed_at is None
    assert not Contact.objects.progressed().filter(pk=contact.pk).exists()
    assert Contact.objects.not_progressed().filter(pk=contact.pk).exists()
    # Within its time, neither page calls it overdue; the dashboard counts it within time.
    assert queue_says_overdue(contact, manager, FIRST_DECIDED) is False
    figures = dashboard(period=PERIOD, now=FIRST_DECIDED)
    assert figures.due.overdue == 0
    assert figures.timeliness.within_time == 1
    assert figures.timeliness.on_time == 0


def test_r25_a_half_decided_sibling_group_is_overdue_on_both_pages_once_past_due(contact, manager):
    first, _second = contact.children.order_by("id")
    decide(contact, first, manager, now=FIRST_DECIDED)
    contact.refresh_from_db()
    assert contact.is_overdue(PAST_DUE)
    assert Contact.objects.overdue(PAST_DUE).filter(pk=contact.pk).exists()
    assert queue_says_overdue(contact, manager, PAST_DUE) is True
    assert overdue_only_lists(contact, manager, PAST_DUE)
    figures = dashboard(period=PERIOD, now=PAST_DUE)
    assert figures.due.overdue == 1
    assert figures.timeliness.late_open == 1
    assert figures.timeliness.on_time == 0
    assert figures.timeliness.late_progressed == 0


def test_r25_a_fully_decided_sibling_group_is_progressed_at_the_later_decision(contact, manager):
    first, second = contact.children.order_by("id")
    decide(contact, first, manager, now=FIRST_DECIDED)
    decide(contact, second, manager, now=SECOND_DECIDED)
    contact.refresh_from_db()
    assert contact.state == Contact.State.DECIDED
    assert contact.progressed_at == SECOND_DECIDED
    assert not contact.is_overdue(SECOND_DECIDED)
    assert Contact.objects.progressed().filter(pk=contact.pk).exists()
    assert not Contact.objects.overdue(SECOND_DECIDED).exists()
    assert queue_says_overdue(contact, manager, SECOND_DECIDED) is None  # off the queue
    figures = dashboard(period=PERIOD, now=SECOND_DECIDED)
    assert figures.due.overdue == 0
    # Progressed after the due time: late, though the first child was decided in time.
    assert figures.timeliness.late_progressed == 1
    assert figures.timeliness.on_time == 0
    event = AuditEvent.objects.filter(action="decision.recorded").order_by("id").last()
    assert event.changes["contact_progressed_at"] == SECOND_DECIDED.isoformat()


def test_r25_both_children_decided_in_time_is_progressed_on_time(contact, manager):
    first, second = contact.children.order_by("id")
    decide(contact, first, manager, now=FIRST_DECIDED)
    decide(contact, second, manager, now=FIRST_DECIDED + dt.timedelta(hours=1))
    contact.refresh_from_db()
    assert contact.progressed_at == FIRST_DECIDED + dt.timedelta(hours=1)
    figures = dashboard(period=PERIOD, now=PAST_DUE)
    assert figures.timeliness.on_time == 1
    assert figures.timeliness.late == 0


def test_r25_a_revised_decision_does_not_move_the_progressed_time(contact, manager):
    first, second = contact.children.order_by("id")
    decide(contact, first, manager, now=FIRST_DECIDED)
    decide(contact, second, manager, now=FIRST_DECIDED)
    decide(contact, second, manager, now=SECOND_DECIDED, based_on=1, level=4, rag="red")
    contact.refresh_from_db()
    assert contact.progressed_at == FIRST_DECIDED


def test_r25_r17_a_transferred_child_counts_as_that_childs_first_decision(contact, manager):
    first, second = contact.children.order_by("id")
    decide(
        contact,
        first,
        manager,
        level=2,
        outcome="another_council",
        transfer=TRANSFER,
        now=FIRST_DECIDED,
    )
    contact.refresh_from_db()
    assert contact.progressed_at is None  # the sibling still waits
    assert queue_says_overdue(contact, manager, PAST_DUE) is True
    assert dashboard(period=PERIOD, now=PAST_DUE).due.overdue == 1
    decide(
        contact,
        second,
        manager,
        level=2,
        outcome="another_council",
        transfer=TRANSFER,
        now=SECOND_DECIDED,
    )
    contact.refresh_from_db()
    assert contact.progressed_at == SECOND_DECIDED


def test_r25_r17_a_single_child_transferred_is_progressed_at_the_transfer(make_contact, manager):
    contact = make_contact(
        children=[{"first_name": "Ellis", "last_name": "Examplechild", "postcode": "L4 0TH"}]
    )
    decide(
        contact,
        contact.children.get(),
        manager,
        level=2,
        outcome="another_council",
        transfer=TRANSFER,
        now=FIRST_DECIDED,
    )
    contact.refresh_from_db()
    assert contact.progressed_at == FIRST_DECIDED == contact.transfers.get().sent_at
    assert dashboard(period=PERIOD, now=PAST_DUE).timeliness.on_time == 1


def test_r25_the_inbox_overdue_filter_uses_the_same_definition(client, make_contact, manager):
    from frontdoor.intake.selectors import inbox

    waiting = make_contact()
    assert list(inbox(user=manager, age="overdue", now=PAST_DUE)) == [waiting]
    assert not inbox(user=manager, age="overdue", now=FIRST_DECIDED).exists()


def test_r25_the_migration_fills_the_progressed_time_of_existing_contacts(make_contact, manager):
    half = make_contact()
    whole = make_contact()
    decide(half, half.children.order_by("id").first(), manager, now=FIRST_DECIDED)
    for at, child in zip(
        (FIRST_DECIDED, SECOND_DECIDED), whole.children.order_by("id"), strict=True
    ):
        decide(whole, child, manager, now=at)
    Contact.objects.update(progressed_at=None)
    migration = importlib.import_module(
        "frontdoor.intake.migrations.0006_fill_contact_progressed_at"
    )
    migration.fill(apps, None)
    half.refresh_from_db()
    whole.refresh_from_db()
    assert half.progressed_at is None
    assert whole.progressed_at == SECOND_DECIDED
