"""The facts screening reads about a person (R18-R21, R29, R34); the rules live in screening."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.selectors import previous_contacts
from frontdoor.intake.services import record_contact
from frontdoor.people.models import Involvement
from frontdoor.people.selectors import (
    household_of,
    involvements_of,
    last_closed,
    open_involvements,
    relationships_of,
)
from frontdoor.screening.linking import create_person_from, link_household, link_reported_person
from tests.intake.factories import make_submission
from tests.people.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_r19_r20_open_involvements_on_a_day_by_kind():
    ellis = PersonFactory()
    early_help = InvolvementFactory(person=ellis, started_on=dt.date(2026, 1, 1))
    InvolvementFactory(
        person=ellis,
        kind=Involvement.Kind.SOCIAL_CARE,
        started_on=dt.date(2025, 1, 1),
        ended_on=dt.date(2025, 6, 30),
    )
    assert list(open_involvements(ellis, on=TODAY)) == [early_help]
    assert list(open_involvements(ellis, Involvement.Kind.SOCIAL_CARE, on=TODAY)) == []
    assert len(open_involvements(ellis, Involvement.Kind.SOCIAL_CARE, on=dt.date(2025, 3, 1))) == 1
    assert list(open_involvements(ellis, on=dt.date(2025, 12, 31))) == []


def test_r21_last_closed_is_the_most_recently_ended_of_a_kind():
    ellis = PersonFactory()
    for ended in (dt.date(2025, 6, 30), dt.date(2026, 9, 1)):
        InvolvementFactory(
            person=ellis,
            kind=Involvement.Kind.SOCIAL_CARE,
            started_on=ended - dt.timedelta(days=90),
            ended_on=ended,
        )
    assert last_closed(ellis, Involvement.Kind.SOCIAL_CARE, on=TODAY).ended_on == dt.date(
        2026, 9, 1
    )
    assert last_closed(ellis, Involvement.Kind.EARLY_HELP, on=TODAY) is None


def test_involvements_come_open_first_then_newest():
    ellis = PersonFactory()
    old_open = InvolvementFactory(person=ellis, started_on=dt.date(2020, 1, 1))
    closed = InvolvementFactory(
        person=ellis, started_on=dt.date(2026, 1, 1), ended_on=dt.date(2026, 2, 1)
    )
    assert list(involvements_of(ellis)) == [old_open, closed]


def test_r29_previous_contacts_are_those_where_the_child_was_linked(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    first = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    second = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    ellis = PersonFactory()
    for contact in (first, second):
        link_reported_person(reported=contact.children.first(), person=ellis, by=worker)
    assert set(previous_contacts(ellis)) == {first, second}
    assert list(previous_contacts(ellis, exclude_contact=second)) == [first]


def test_r22_household_and_relationships_of_a_linked_child(make_user):
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    contact = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    for reported in [*contact.children.all(), *contact.adults.all()]:
        create_person_from(reported=reported, by=worker)
    link_household(contact=contact, by=worker)
    ellis = contact.children.first().person
    assert {m.person.first_name for m in household_of(ellis)} == {"Ellis", "Robin", "Jo"}
    [mother] = relationships_of(ellis)
    assert (mother.person.first_name, mother.kind) == ("Jo", "mother")
