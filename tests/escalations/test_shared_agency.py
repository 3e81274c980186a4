"""A partner agency that several councils share escalates another council's contact its agency
was asked about, or the outcome of another council's meeting it attended, and follows it (R39,
R42): the escalation is the contact's council's, and the agency's pages open the database's wall
to the councils sharing the agency, and no further (`policy.row_security`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.escalations import selectors
from frontdoor.escalations.models import Escalation
from frontdoor.mash.meetings import DissentIn, Invitee
from frontdoor.mash.selectors import agency_councils_open
from frontdoor.outbox.models import Message
from frontdoor.policy.councils import serving
from frontdoor.policy.row_security import database_council, every_council
from tests.mash.test_meetings import REQUIRED, record, schedule

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level security exists only on PostgreSQL"
)


@pytest.fixture
def managers(make_user):
    """Each council's service manager, told of the escalations of their council."""
    return {
        council: make_user(
            Role.SERVICE_MANAGER, council_id=council, email=f"head@{council}.example"
        )
        for council in ("sefton", "lewisham")
    }


def _raise(client, user, contact, key="e" * 24):
    client.force_login(user)
    return client.post(
        reverse("escalations:open", args=[contact.reference]),
        {"about": "The threshold was set too low.", "submission_key": key},
    )


def test_a_shared_partner_escalates_another_councils_contact_asked_about_and_follows_it(
    sent, police, lewisham_contact, managers, client
):
    response = _raise(client, police, lewisham_contact)
    with serving("lewisham"):
        escalation = Escalation.objects.get(contact=lewisham_contact)
    assert response["Location"] == reverse("escalations:detail", args=[escalation.pk])
    # Lewisham's escalation: its steps, the agency by Lewisham's key, its managers told.
    assert escalation.policy_version.policy_id == "lewisham"
    assert escalation.raised_by_agency == "force"
    with serving("lewisham"):  # Lewisham's messages, which its wall keeps (row_security)
        told = set(Message.objects.filter(kind="escalation_step").values_list("to", flat=True))
    assert told == {"head@lewisham.example"}
    # The partner follows it: in the list of those raised, and on its page.
    raised = client.get(reverse("escalations:raised")).content.decode()
    assert escalation.reference in raised
    # Named with the council whose contact it is, as the agency's MASH list names it.
    body = raised[raised.index("<tbody") :]
    row = body[body.index(escalation.reference) :].split("</tr>")[0]
    assert "London Borough of Lewisham" in row
    page = client.get(reverse("escalations:detail", args=[escalation.pk]))
    assert page.status_code == 200
    assert escalation.reference in page.content.decode()
    # Lewisham's MASH reads it as one of its own.
    with serving("lewisham"):
        reader = managers["lewisham"]
        assert list(selectors.escalations_visible_to(reader)) == [escalation]


def test_the_escalation_is_no_one_elses(
    sent, police, lewisham_contact, managers, make_user, client
):
    _raise(client, police, lewisham_contact)
    with serving("lewisham"):
        escalation = Escalation.objects.get(contact=lewisham_contact)
    # Not Sefton's: its MASH does not list it.
    assert not selectors.escalations_visible_to(managers["sefton"]).exists()
    # Lewisham's own police (not the shared force, whatever the key) did not raise it.
    metropolitan = make_user(Role.PARTNER_AGENCY, agency_key="police", council_id="lewisham")
    with serving("lewisham"), agency_councils_open(metropolitan):
        assert not selectors.escalations_raised_by(metropolitan).exists()
    # Another agency of Sefton's, not shared, neither.
    health = make_user(Role.PARTNER_AGENCY, agency_key="health")
    client = Client()
    client.force_login(health)
    assert escalation.reference not in client.get(reverse("escalations:raised")).content.decode()
    assert client.get(reverse("escalations:detail", args=[escalation.pk])).status_code == 404


def test_an_agency_not_shared_cannot_escalate_another_councils_contact(
    sent, lewisham_contact, make_user, client
):
    # Sefton's health was asked about Sefton's contact only.
    health = make_user(Role.PARTNER_AGENCY, agency_key="health")
    client.force_login(health)
    url = reverse("escalations:open", args=[lewisham_contact.reference])
    assert client.get(url).status_code == 404
    assert _raise(client, health, lewisham_contact).status_code == 404
    with serving("lewisham"):
        assert not Escalation.objects.exists()


def test_the_door_opens_to_the_councils_sharing_the_agency_and_no_further(sent, police, make_user):
    with agency_councils_open(police):
        assert database_council() == "lewisham,sefton"
    health = make_user(Role.PARTNER_AGENCY, agency_key="health")
    with agency_councils_open(health):
        assert database_council() == "sefton"
    officer = make_user(Role.MASH_MANAGER)
    with agency_councils_open(officer):
        assert database_council() == "sefton"


@on_postgresql
def test_without_the_door_another_councils_contact_stays_behind_the_wall(
    sent, police, lewisham_contact
):
    assert lewisham_contact not in selectors.contacts_open_to_escalation(police)
    with agency_councils_open(police):
        assert lewisham_contact in selectors.contacts_open_to_escalation(police)


def _lewisham_meeting(lewisham_contact, make_user, invitees):
    manager = make_user(Role.MASH_MANAGER, council_id="lewisham")
    with serving("lewisham"):
        meeting = schedule(lewisham_contact, manager, invitees=invitees)
        return record(
            meeting,
            manager,
            consensus=False,
            dissents=[DissentIn(invitees[-1].agency_key, invitees[-1].name, "We disagree.")],
        )


def test_a_shared_partner_escalates_the_outcome_of_another_councils_meeting_it_attended(
    shared_police, two_councils, police, lewisham_contact, make_user, managers, client
):
    meeting = _lewisham_meeting(
        lewisham_contact, make_user, [*REQUIRED, Invitee("force", "PC Shared")]
    )
    client.force_login(police)
    listed = client.get(reverse("escalations:meetings")).content.decode()
    url = reverse("escalations:open_meeting", args=[meeting.pk])
    assert url in listed
    response = client.post(url, {"about": "Police see a crime.", "submission_key": "m" * 24})
    with serving("lewisham"):
        escalation = Escalation.objects.select_related("meeting").get()
    assert response["Location"] == reverse("escalations:detail", args=[escalation.pk])
    assert (escalation.meeting, escalation.raised_by_agency) == (meeting, "force")
    assert escalation.reference in client.get(reverse("escalations:raised")).content.decode()


def test_another_councils_meeting_the_shared_agency_missed_stays_closed(
    shared_police, two_councils, police, lewisham_contact, make_user, client
):
    # Lewisham's own police (the Metropolitan Police) attended and dissented, not the force.
    meeting = _lewisham_meeting(lewisham_contact, make_user, REQUIRED)
    client.force_login(police)
    url = reverse("escalations:open_meeting", args=[meeting.pk])
    assert url not in client.get(reverse("escalations:meetings")).content.decode()
    assert client.get(url).status_code == 404


def test_the_next_step_goes_to_the_service_managers_of_the_escalations_council(
    sent, police, lewisham_contact, managers, client
):
    from tests.escalations.test_services import discuss

    _raise(client, police, lewisham_contact)
    with serving("lewisham"):
        escalation = Escalation.objects.select_related("contact").get()
    with every_council():
        Message.objects.all().delete()
    with agency_councils_open(police):
        discuss(escalation, police, escalation.raised_at + dt.timedelta(minutes=5))
    with serving("lewisham"):
        assert escalation.steps.count() == 2
        told = set(Message.objects.filter(kind="escalation_step").values_list("to", flat=True))
    assert told == {"head@lewisham.example"}
