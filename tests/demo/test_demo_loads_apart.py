"""Demo loads that differ from the one `test_demo_councils` shares: none of the MASH stories with
no weeks, and the stories loaded late in the evening."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdoor.demo.contacts import LONDON
from frontdoor.demo.loader import demo_mash_staff, load_demo
from frontdoor.demo.mash import demo_mash_loaded, load_demo_mash
from frontdoor.mash.models import Meeting
from frontdoor.policy.registry import load_policies
from tests.demo.test_demo_councils import POLICIES

pytestmark = pytest.mark.django_db


@pytest.fixture(params=POLICIES)
def council(request, settings):
    settings.FRONTDOOR_COUNCIL = request.param
    load_policies()
    yield request.param
    settings.FRONTDOOR_COUNCIL = "sefton"
    load_policies()


def test_weeks_zero_loads_no_mash_stories():
    load_demo(weeks=0)
    assert not demo_mash_loaded()


def test_r40_the_mash_stories_load_late_in_the_evening_for_each_council(council):
    """Lewisham's strategy meeting is due the same day: a demo loaded just before midnight still
    holds it within the day, not after midnight."""
    load_demo(weeks=0)
    evening = dt.datetime.combine(
        timezone.localdate() - dt.timedelta(days=1), dt.time(23, 50), tzinfo=LONDON
    )
    load_demo_mash(staff=demo_mash_staff(), now=evening)
    meeting = Meeting.objects.get(kind=Meeting.Kind.STRATEGY_MEETING)
    assert meeting.held_at is not None
    assert meeting.due_at is None or meeting.held_at <= meeting.due_at
