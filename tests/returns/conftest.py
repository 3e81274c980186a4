"""Contacts, decisions and referrals made through the domain functions, for the returns."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.policy.clocks import LONDON
from frontdoor.screening.decisions import record_decision
from tests.intake.factories import make_submission

SCHOOL = {
    "type": "professional",
    "name": "Pat Referrer",
    "agency": "Litherland High School",
    "role": "Designated safeguarding lead",
    "email": "pat@school.example",
}
POLICE = {
    "type": "professional",
    "name": "PC Lee",
    "agency": "Merseyside Police",
    "role": "Constable",
    "phone": "0151 000 0001",
}
GP = {
    "type": "professional",
    "name": "Dr Shah",
    "agency": "Sampleford Medical Centre",
    "role": "GP",
    "phone": "0151 000 0002",
}
HEALTH_VISITOR = {
    "type": "professional",
    "name": "Sam Hill",
    "agency": "Health visiting team",
    "role": "Health visitor",
    "phone": "0151 000 0003",
}
FAMILY = {"type": "family", "name": "Gran", "relationship_to_child": "Grandmother"}
NEIGHBOUR = {"type": "public", "name": "Alex", "relationship_to_child": "Neighbour"}
ANONYMOUS = {"type": "anonymous"}
BOXING_CLUB = {
    "type": "professional",
    "name": "Coach Kay",
    "agency": "Bootle Boxing Club",
    "role": "Coach",
    "phone": "0151 000 0004",
}

RATIONALE = "The manager's rationale, as recorded."


def child(first_name: str, *, born: str = "2015-03-02", **extra) -> dict:
    return {
        "first_name": first_name,
        "last_name": "Example",
        "date_of_birth": born,
        "gender": "female",
        "ethnicity": "White British",
        "postcode": "L21 7PQ",
        **extra,
    }


def unborn(*, due: dt.date) -> dict:
    return {"unborn": True, "expected_date_of_birth": due.isoformat(), "last_name": "Example"}


@pytest.fixture
def officer(make_user):
    return make_user(Role.CONTACT_OFFICER)


@pytest.fixture
def record(officer, manager):
    """Record a contact at `at` and a decision for each of its children, as staff would."""

    def make(
        *,
        at: dt.datetime,
        referrer: dict,
        children: list[dict],
        decisions,
        channel: Channel = Channel.TELEPHONE,
        person=None,
        **extra,
    ):
        contact = record_contact(
            submission=make_submission(referrer=referrer, children=children, **extra),
            channel=channel,
            received_at=at,
            by=officer,
        ).contact
        from frontdoor.policy.registry import current_policy
        from frontdoor.screening.consent import consent_day, gives_own_consent, record_consent

        for reported in contact.children.order_by("id"):
            # R13: a young person aged 16 or over gives their own consent, as the family did.
            if gives_own_consent(current_policy(), reported, consent_day(contact)):
                record_consent(contact=contact, by=manager, status="given", child=reported, now=at)
        for reported, decisions_for_child in zip(
            contact.children.order_by("id"), decisions, strict=True
        ):
            if person is not None:  # as matching would link a known child (R18)
                reported.person = person
                reported.save(update_fields=["person"])
            for based_on, (outcome, level, need) in enumerate(decisions_for_child):
                record_decision(
                    contact=contact,
                    child=reported,
                    by=manager,
                    level=level,
                    outcome=outcome,
                    rationale=RATIONALE,
                    primary_need=need,
                    based_on=based_on,
                    now=at + dt.timedelta(hours=2 * (based_on + 1)),
                )
        return contact

    return make


ASSESS = ("child_and_family_assessment", 3, "N1")
STRATEGY = ("strategy_discussion", 4, "N1")
LEGAL = ("emergency_legal_action", 4, "N1")
EARLY_HELP = ("early_help", 2, "")
NFA = ("information_and_advice", 1, "")


def current_collection_year(today: dt.date) -> int:
    """The collection year (ending 31 March) that holds `today`."""
    return today.year + 1 if today.month >= 4 else today.year


@pytest.fixture
def year_of_contacts(record):
    """A few dozen children referred, assessed, sent to early help or closed over the current
    collection year, up to yesterday (a contact cannot be recorded in the future)."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    year = current_collection_year(yesterday)
    first = max(dt.date(year - 1, 4, 1), yesterday - dt.timedelta(days=150))
    days = (yesterday - first).days
    referrers = itertools.cycle([SCHOOL, POLICE, GP, HEALTH_VISITOR, FAMILY, NEIGHBOUR, ANONYMOUS])
    ethnicities = itertools.cycle(
        ["White British", "WBRI", "Pakistani", "Any other White background", "", "Not known"]
    )
    genders = itertools.cycle(["female", "male", "not_known"])
    plans = itertools.cycle(
        [[ASSESS], [STRATEGY], [EARLY_HELP], [NFA], [LEGAL], [ASSESS, NFA], [STRATEGY, ASSESS]]
    )
    contacts = []
    for number in range(30):
        day = first + dt.timedelta(days=number * days // 30)
        # Morning, with the decisions by early afternoon: all in the past, all on one day.
        at = dt.datetime.combine(day, dt.time(9), tzinfo=LONDON)
        siblings = [
            child(
                f"Child{number}",
                gender=next(genders),
                ethnicity=next(ethnicities),
                born=f"{2008 + number % 15}-0{1 + number % 9}-1{number % 9}",
            )
        ]
        if number % 3 == 0:
            siblings.append(child(f"Sibling{number}", born="2020-06-01", gender="male"))
        if number % 7 == 3:
            siblings.append(unborn(due=(at + dt.timedelta(days=120)).date()))
        plan = next(plans)
        contacts.append(
            record(
                at=at,
                referrer=next(referrers),
                children=siblings,
                decisions=[plan] * len(siblings),
            )
        )
    return year, contacts
