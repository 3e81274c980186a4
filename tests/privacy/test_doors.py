"""Need-to-know at the doors other than the contact's own page: the API, MASH lists and the daily
briefing read through the same selectors as the pages (R11, R41, R45)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.intake.models import Channel, Contact, MissingEpisode, Report
from frontdoor.intake.services import record_missing_episode
from frontdoor.intake.submissions import Child
from frontdoor.mash import enquiries
from frontdoor.mash.selectors import (
    children_of_concern,
    enquiries_visible_to,
    requests_visible_to,
)
from frontdoor.privacy.restrictions import restrict
from tests.intake.factories import make_submission, submission_data
from tests.screening.conftest import RECEIVED

pytestmark = pytest.mark.django_db
ASK = "Head of Service, Children's Social Care"


@pytest.fixture
def restricted(contact, person_for, admin, worker):
    """The contact's two children are a member of staff's family: only `worker` may see them,
    so the whole contact is hidden from everyone else (a restriction applies to the person:
    a contact with a child one may see stays open on that child)."""
    return restrict_both(contact, person_for, admin, worker)


def restrict_both(contact, person_for, admin, worker):
    first, second = contact.children.order_by("id")
    restrict(person=person_for(first), allowed_users=[worker], ask=ASK, reason="Family", by=admin)
    person = person_for(second)
    restrict(person=person, allowed_users=[worker], ask=ASK, reason="A colleague's child", by=admin)
    return person


@pytest.fixture
def bearer(make_user):
    def make(role: Role = Role.CONTACT_OFFICER, **user) -> dict[str, str]:
        _, token = issue_token(user=make_user(role, **user), name="Test system", by=None)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return make


def post(client, path: str, headers: dict, data=None):
    return client.post(
        f"/api/v1/{path}", data or submission_data(), content_type="application/json", **headers
    )


# The API reads contacts as the pages do (R45)


def test_r45_the_api_does_not_read_a_restricted_contact_to_those_not_named(
    client, contact, restricted, bearer
):
    response = client.get(f"/api/v1/contacts/{contact.reference}", **bearer())
    assert response.status_code == 404
    assert restricted.last_name not in response.content.decode()


def test_r45_the_api_reads_a_restricted_contact_to_a_named_user(
    client, contact, restricted, worker
):
    _, token = issue_token(user=worker, name="Test system", by=None)
    response = client.get(
        f"/api/v1/contacts/{contact.reference}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200


def test_r45_no_report_is_attached_to_a_restricted_contact_by_those_not_named(
    client, contact, restricted, bearer
):
    response = post(client, f"contacts/{contact.reference}/reports", bearer())
    assert response.status_code == 404
    assert contact.reports.count() == 1


# A token acts with its user's role (R45)


@pytest.mark.parametrize(
    "role",
    [
        Role.PERFORMANCE_ANALYST,
        Role.ADMINISTRATOR,
        Role.EARLY_HELP_WORKER,
        Role.EXPLOITATION_COORDINATOR,
        Role.SERVICE_MANAGER,
    ],
)
def test_r45_a_token_whose_role_may_not_report_records_no_contact(client, bearer, role):
    response = post(client, "contacts", bearer(role))
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_r45_another_agencys_token_cannot_add_a_report_to_a_contact(client, bearer, make_user):
    police = bearer(Role.PARTNER_AGENCY, agency_key="police")
    reference = post(client, "contacts", police).json()["reference"]
    for headers in (
        bearer(Role.PARTNER_AGENCY, agency_key="health"),
        bearer(Role.PERFORMANCE_ANALYST),
    ):
        response = post(client, f"contacts/{reference}/reports", headers)
        assert response.status_code == 404
        assert "status_secret" not in response.json()
    assert Report.objects.count() == 1


def test_r7_a_partner_system_adds_to_a_contact_its_own_agency_reported(client, bearer):
    reference = post(client, "contacts", bearer(Role.PARTNER_AGENCY)).json()["reference"]
    # Another system of the same agency (a second token, another user) sends a further report.
    response = post(client, f"contacts/{reference}/reports", bearer(Role.PARTNER_AGENCY))
    assert response.status_code == 201
    assert Report.objects.count() == 2


def test_r7_staff_systems_add_to_any_contact_they_may_open(client, bearer, contact):
    response = post(client, f"contacts/{contact.reference}/reports", bearer(Role.CONTACT_OFFICER))
    assert response.status_code == 201


# MASH enquiries and the daily briefing (R41, R45)


def _send_to_police(contact, manager):
    """An Amber enquiry about the contact's first child, to the police."""
    return enquiries.send_enquiry(
        contact=contact,
        child=contact.children.order_by("id").first(),
        by=manager,
        rag="amber",
        agencies=["police"],
        reason="Domestic abuse reported in the household.",
        now=RECEIVED + dt.timedelta(hours=1),
    )


def test_r45_mash_lists_leave_out_a_restricted_contact(
    contact, person_for, manager, worker, make_user, admin
):
    _send_to_police(contact, manager)
    restrict_both(contact, person_for, admin, worker)
    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    assert not enquiries_visible_to(manager).exists()
    assert not requests_visible_to(manager).exists()
    assert not requests_visible_to(police).exists()
    assert enquiries_visible_to(worker).count() == 1
    assert requests_visible_to(worker).count() == 1


def test_r45_the_mash_list_says_whom_to_ask_about_a_restricted_enquiry(
    client, contact, person_for, manager, admin, worker
):
    _send_to_police(contact, manager)
    restrict_both(contact, person_for, admin, worker)
    client.force_login(manager)
    page = client.get(reverse("mash:enquiries")).content.decode().replace("&#x27;", "'")
    page = page.replace(str(manager), "")
    assert f"Restricted record: ask {ASK}" in page
    assert "There are no open MASH enquiries" not in page
    assert "Robin" not in page and "Ellis" not in page


@pytest.fixture
def missing_child(officer, admin, make_user):
    """A child missing now, reported by the police: on the briefing."""
    contact = record_missing_episode(
        child=Child(first_name="Sam", last_name="Zephyrine", date_of_birth=dt.date(2011, 1, 1)),
        submission=make_submission(),
        channel=Channel.POLICE_NOTIFICATION,
        went_missing_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=5),
        returned_at=None,
        missing_from="Home",
        by=officer,
    )
    return MissingEpisode.objects.get(contact=contact).child


def restrict_child(child, admin, allowed):
    from frontdoor.people.models import Person

    person = Person.objects.create(
        first_name=child.first_name, last_name=child.last_name, date_of_birth=child.date_of_birth
    )
    child.person = person
    child.save(update_fields=["person"])
    restrict(person=person, allowed_users=allowed, ask=ASK, reason="Known to staff", by=admin)


def test_r41_r45_the_briefing_shows_a_restricted_child_only_as_whom_to_ask(
    client, missing_child, admin, make_user
):
    coordinator = make_user(Role.EXPLOITATION_COORDINATOR)
    named = make_user(Role.EXPLOITATION_COORDINATOR)
    restrict_child(missing_child, admin, [named])
    today = dt.datetime.now(dt.UTC).date()
    [row] = children_of_concern(user=coordinator, today=today)
    assert row.restricted_ask == ASK and row.reasons == []
    client.force_login(coordinator)
    page = client.get(reverse("mash:briefing")).content.decode().replace("&#x27;", "'")
    assert "Zephyrine" not in page
    assert f"Restricted record: ask {ASK}" in page
    # Nor can an action be recorded against the child by posting its id.
    response = client.post(
        reverse("mash:briefing"), {"child": missing_child.pk, "action": "x", "owner": "y"}
    )
    assert response.status_code == 404
    [row] = children_of_concern(user=named, today=today)
    assert row.restricted_ask is None and "Missing now" in row.reasons[0]
    client.force_login(named)
    assert "Zephyrine" in client.get(reverse("mash:briefing")).content.decode()


# The manager's queue (R25, R45)


def test_r45_the_screening_queue_shows_whom_to_ask_instead_of_a_restricted_contacts_children(
    client, contact, restricted, manager, make_user, admin
):
    client.force_login(manager)
    page = client.get(reverse("screening:queue")).content.decode().replace("&#x27;", "'")
    assert contact.reference in page
    assert f"Restricted record: ask {ASK}" in page
    page = page.replace(str(manager), "")
    assert "Robin" not in page and "Ellis" not in page
    named = make_user(Role.MASH_MANAGER)
    for child in contact.children.all():
        restrict(person=child.person, allowed_users=[named], ask=ASK, reason="Changed", by=admin)
    client.force_login(named)
    page = client.get(reverse("screening:queue")).content.decode()
    assert "Robin" in page and "Restricted record" not in page
