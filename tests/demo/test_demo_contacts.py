"""The demo contacts: weeks of a front door's inbox, every channel, invented people, loaded once."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from frontdoor.demo.contacts import DEFAULT_WEEKS, SURNAMES, expected_date_for
from frontdoor.demo.loader import load_demo
from frontdoor.demo.mash import KEY_PREFIX as MASH_PREFIX
from frontdoor.intake.models import (
    Channel,
    Consultation,
    Contact,
    MissingEpisode,
    Report,
    ReportedAdult,
    ReportedChild,
)

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def test_load_demo_twice_makes_weeks_of_contacts_on_every_channel_once():
    before = timezone.now()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "contacts and" in out.getvalue()
    contacts, reports = Contact.objects.count(), Report.objects.count()
    consultations = Consultation.objects.count()

    call_command("load_demo", stdout=StringIO())
    assert (Contact.objects.count(), Report.objects.count()) == (contacts, reports)
    assert Consultation.objects.count() == consultations

    # A front door's volumes: 20-40 a working day over the weeks loaded.
    assert 20 * 5 * DEFAULT_WEEKS <= contacts <= 50 * 5 * (DEFAULT_WEEKS + 1)
    assert set(Report.objects.values_list("channel", flat=True)) == set(Channel)
    first = Contact.objects.earliest("received_at").received_at
    assert before - first >= dt.timedelta(weeks=DEFAULT_WEEKS - 1)
    assert Contact.objects.latest("received_at").received_at <= timezone.now()
    weeks = {c.isocalendar()[:2] for c in Contact.objects.values_list("received_at", flat=True)}
    assert len(weeks) >= DEFAULT_WEEKS
    # The services create contacts as received: a Monday-morning inbox (the MASH stories apart).
    recent = Contact.objects.exclude(reports__submission_key__startswith=MASH_PREFIX)
    assert set(recent.values_list("state", flat=True)) == {Contact.State.RECEIVED}
    assert not Contact.objects.filter(progress_due_at__isnull=True).exists()


def test_no_demo_contacts_with_weeks_zero():
    load_demo(weeks=0)
    assert not Contact.objects.exists()


@pytest.fixture(scope="module")
def two_weeks(django_db_setup, django_db_blocker):
    """Two weeks of the demo's contacts, loaded once for the tests that only read them, and
    rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(weeks=2)
        yield
        transaction.set_rollback(True)


def test_r4_r9_demo_contacts_include_every_kind_of_arrival(two_weeks):
    assert MissingEpisode.objects.exists()  # R9
    today = timezone.localdate()
    if expected_date_for(random.Random(0), referred_on=today, today=today) is not None:
        # (From April to early June a baby not yet born is due before the census could say:
        # today's contacts name born children only.)
        assert ReportedChild.objects.filter(unborn_at_contact=True).exists()  # R5
    sibling_groups = Contact.objects.annotate(n=Count("children")).filter(n__gte=2)
    assert sibling_groups.exists()  # R4
    second_reports = Contact.objects.annotate(n=Count("reports")).filter(n__gte=2)
    assert second_reports.exists()  # R7 and R3
    for contact in second_reports:
        # A further report is about the same family: it names no child the first did not.
        first, *later = contact.reports.order_by("received_at")
        named = {(c.first_name, c.last_name) for c in first.children.all()}
        for report in later:
            accounts = ReportedChild.accounts.filter(report=report)
            assert {(c.first_name, c.last_name) for c in accounts} <= named
            # R3, R7: each is a further account of the child already on the contact, not another.
            assert all(account.account_of_id for account in accounts)
        assert contact.children.count() == first.children.count()
    assert Contact.objects.filter(written_follow_up_received_at__isnull=False).exists()  # R3
    assert Consultation.objects.filter(became_contact__isnull=True).exists()  # R8
    assert Report.objects.filter(referrer_type="anonymous").exists()


def test_demo_edt_records_arrive_out_of_core_hours(two_weeks):
    edt = Report.objects.filter(channel=Channel.EDT)
    assert edt.exists()
    for received in edt.values_list("received_at", flat=True):
        local = received.astimezone(LONDON)
        weekend = local.weekday() >= 5
        assert weekend or local.time() >= dt.time(17, 30) or local.time() < dt.time(9)


def test_demo_families_have_obviously_invented_surnames(two_weeks):
    named = [
        *ReportedChild.objects.exclude(last_name="").values_list("last_name", flat=True),
        *ReportedAdult.objects.exclude(last_name="").values_list("last_name", flat=True),
    ]
    assert named
    assert set(named) <= set(SURNAMES)


def test_demo_brothers_and_sisters_each_have_their_own_name(two_weeks):
    assert ReportedChild.objects.values("contact").annotate(n=Count("id")).filter(n__gt=1)
    shared = (
        ReportedChild.objects.exclude(first_name="")
        .values("contact", "first_name", "last_name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not shared.exists()


def test_r9_most_children_reported_missing_are_home_again(two_weeks):
    episodes = MissingEpisode.objects.select_related("contact")
    assert episodes.count() >= 5
    still_missing = [episode for episode in episodes if episode.returned_at is None]
    # Only a child reported in the last day may still be missing.
    assert len(still_missing) <= 2
    for episode in still_missing:
        assert timezone.now() - episode.contact.received_at < dt.timedelta(days=1)
    for episode in episodes:
        if episode.returned_at is not None:
            assert episode.went_missing_at < episode.returned_at


def test_no_demo_child_is_born_after_their_contact(two_weeks):
    children = ReportedChild.objects.select_related("contact")
    for child in children:
        received_on = child.contact.received_at.astimezone(LONDON).date()
        if child.date_of_birth:
            assert child.date_of_birth <= received_on
        if child.unborn:
            assert received_on < child.expected_date_of_birth
