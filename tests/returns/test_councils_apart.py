"""On a service of several councils, each council's dashboards and returns count its own
records only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.intake.services import record_contact
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.councils import serving
from frontdoor.returns import selectors
from frontdoor.returns.dashboards import Period, dashboard
from frontdoor.screening.decisions import record_decision
from frontdoor.screening.transitions import start_screening
from tests.intake.factories import make_submission
from tests.screening.factories import ASSESSMENT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_councils")]


def _contact_of(council: str, received: dt.datetime):
    with serving(council):
        return record_contact(
            submission=make_submission(), channel="online_form", received_at=received, by=None
        ).contact


def _figures(council: str, today: dt.date) -> tuple[int, set[str], set[str]]:
    with serving(council):
        period = Period.last_weeks(today=today)
        board = dashboard(period=period)
        children = {c.reference for c in selectors.children_contacted(start=today, end=today)}
        referred = {r.child.reference for r in selectors.referrals(start=today, end=today)}
        return board.contacts, children, referred


def test_each_councils_dashboards_and_returns_count_only_its_records(make_user):
    # Midday yesterday: the contact and its decision fall on one day whatever the hour of the run.
    today = timezone.localdate() - dt.timedelta(days=1)
    now = dt.datetime.combine(today, dt.time(12), tzinfo=LONDON)
    ours = _contact_of("sefton", now - dt.timedelta(minutes=30))
    theirs = _contact_of("lewisham", now - dt.timedelta(minutes=30))
    worker, manager = make_user(Role.MASH_SOCIAL_WORKER), make_user(Role.MASH_MANAGER)
    start_screening(contact=ours, by=worker, now=now - dt.timedelta(minutes=20))
    child = ours.children.first()
    record_decision(contact=ours, child=child, by=manager, now=now, **ASSESSMENT)

    assert _figures("sefton", today) == (1, {ours.reference}, {ours.reference})
    assert _figures("lewisham", today) == (1, {theirs.reference}, set())
