"""The demo council's contacts read the same on the manager's queue and on the dashboards (R25).

The demo history is loaded, then, as on a Monday morning, the manager decides the first child
of each sibling group still open: those contacts are not progressed until the last child is.
"""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.demo.contacts import Staff, _Generator
from frontdoor.demo.history import load_demo_history
from frontdoor.intake.models import Channel, Contact
from frontdoor.intake.services import record_contact
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.registry import current_policy
from frontdoor.returns.dashboards import Period, dashboard
from frontdoor.screening.decisions import record_decision
from frontdoor.screening.selectors import queue_rows, screening_queue
from frontdoor.screening.transitions import OPEN_STATES
from tests.demo.test_history import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(make_user):
    staff = Staff(
        officer=make_user(Role.CONTACT_OFFICER),
        worker=make_user(Role.MASH_SOCIAL_WORKER, team="MASH"),
        partner=make_user(Role.PARTNER_AGENCY),
    )
    manager = make_user(Role.MASH_MANAGER, team="MASH")
    load_demo_history(staff=staff, manager=manager, weeks=3, now=NOW)
    # A sibling group reported this morning, still open, whatever the history's draw held.
    generator = _Generator(staff=staff, now=NOW, seed=1)
    submission = generator.submission(on=NOW.date())
    while sum(not child.unborn for child in submission.children) < 2:
        submission = generator.submission(on=NOW.date())
    record_contact(
        submission=submission,
        channel=Channel.TELEPHONE,
        received_at=NOW - dt.timedelta(hours=3),
        by=staff.officer,
        submission_key="demo-sibling-group",
    )
    half_decided = 0
    for contact in Contact.objects.filter(state__in=OPEN_STATES).order_by("id"):
        children = list(contact.children.order_by("id"))
        if len(children) < 2:
            continue
        record_decision(
            contact=contact,
            child=children[0],
            by=manager,
            level=1,
            outcome="information_and_advice",
            rationale="Universal services meet this child's needs.",
            now=min(contact.received_at + dt.timedelta(hours=1), NOW),
        )
        half_decided += 1
    assert half_decided, "the demo should hold an open sibling group"
    return manager


def test_r25_the_queue_and_the_dashboard_agree_on_every_demo_contact(demo):
    manager = demo
    rows = {
        row.contact.pk: row
        for row in queue_rows(screening_queue(user=manager), NOW, current_policy())
    }
    overdue = set(Contact.objects.overdue(NOW).values_list("pk", flat=True))
    waiting = set(Contact.objects.not_progressed().values_list("pk", flat=True))
    for contact in Contact.objects.all():
        # On the queue exactly while not progressed, and overdue there as the definition says.
        assert (contact.pk in rows) == (contact.pk in waiting), contact.reference
        if contact.pk in rows:
            assert rows[contact.pk].overdue == (contact.pk in overdue), contact.reference
    figures = dashboard(period=Period.last_weeks(today=NOW.astimezone(LONDON).date()), now=NOW)
    assert figures.due.overdue == sum(row.overdue for row in rows.values())
    assert figures.due.overdue == len(overdue) > 0
    # Day by day, the dashboard's open contacts past and within their time are the queue's.
    received_on: dict[dt.date, list[int]] = {}
    for contact in Contact.objects.all():
        received_on.setdefault(contact.received_at.astimezone(LONDON).date(), []).append(contact.pk)
    for day, contacts in received_on.items():
        timeliness = dashboard(period=Period(first_day=day, last_day=day), now=NOW).timeliness
        on_queue = [rows[pk] for pk in contacts if pk in rows]
        assert timeliness.late_open == sum(row.overdue for row in on_queue), day
        assert timeliness.within_time == sum(
            not row.overdue and row.due_at is not None for row in on_queue
        ), day
        progressed = Contact.objects.progressed().filter(
            pk__in=contacts, progress_due_at__isnull=False
        )
        assert timeliness.on_time + timeliness.late_progressed == progressed.count(), day
        assert timeliness.counted == len(contacts), day
