"""Contacts ready to screen, and the people and involvements screening reads."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.policy.clocks import LONDON
from tests.intake.factories import make_submission

# A Tuesday morning in term time: clocks are easy to read from here.
RECEIVED = dt.datetime(2026, 11, 17, 10, 0, tzinfo=LONDON)


@pytest.fixture
def worker(make_user):
    return make_user(Role.MASH_SOCIAL_WORKER, team="MASH")


@pytest.fixture
def officer(make_user):
    return make_user(Role.CONTACT_OFFICER)


@pytest.fixture
def make_contact(officer):
    def make(received_at: dt.datetime = RECEIVED, **overrides):
        return record_contact(
            submission=make_submission(**overrides),
            channel=Channel.TELEPHONE,
            received_at=received_at,
            by=officer,
        ).contact

    return make


@pytest.fixture
def contact(make_contact):
    return make_contact()


@pytest.fixture
def person_for():
    """Link a reported child to a new person record, as matching would."""
    from frontdoor.people.models import Person

    def link(child):
        person = Person.objects.create(
            first_name=child.first_name,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            postcode=child.postcode,
        )
        child.person = person
        child.save(update_fields=["person"])
        return person

    return link


@pytest.fixture
def involvement():
    from frontdoor.people.models import Involvement

    counter = iter(range(1, 10_000))

    def add(person, kind: str, started_on: dt.date, ended_on: dt.date | None = None, **extra):
        return Involvement.objects.create(
            person=person,
            kind=kind,
            started_on=started_on,
            ended_on=ended_on,
            source_system="mosaic",
            external_id=f"test-{next(counter)}",
            **extra,
        )

    return add
