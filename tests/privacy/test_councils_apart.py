"""A service holding several councils keeps each council's records to its own staff."""

from __future__ import annotations

import pytest
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.intake.selectors import contacts_visible_to
from frontdoor.intake.services import record_contact
from frontdoor.people.models import Person
from frontdoor.people.selectors import people_visible_to
from frontdoor.policy.councils import serving
from tests.intake.factories import make_submission

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_councils")]


def contact_of(council: str):
    with serving(council):
        return record_contact(
            submission=make_submission(), channel="online_form", received_at=timezone.now(), by=None
        ).contact


@pytest.fixture
def sefton_officer(make_user):
    return make_user(Role.MASH_MANAGER)


@pytest.fixture
def lewisham_officer(make_user):
    return make_user(Role.MASH_MANAGER, council_id="lewisham")


def test_a_contact_belongs_to_the_council_it_came_to():
    assert contact_of("sefton").council_id == "sefton"
    lewisham = contact_of("lewisham")
    assert lewisham.council_id == "lewisham"
    assert lewisham.policy_version.policy_id == "lewisham"


def test_each_councils_staff_see_only_its_contacts(sefton_officer, lewisham_officer):
    ours, theirs = contact_of("sefton"), contact_of("lewisham")
    assert list(contacts_visible_to(sefton_officer)) == [ours]
    with serving("lewisham"):
        assert list(contacts_visible_to(lewisham_officer)) == [theirs]
        # Another council's staff see nothing, even on that council's own pages.
        assert not contacts_visible_to(sefton_officer).exists()


def test_each_councils_staff_see_only_its_people(sefton_officer, lewisham_officer):
    ours = Person.objects.create(first_name="Ada", last_name="Ours")
    with serving("lewisham"):
        theirs = Person.objects.create(first_name="Bea", last_name="Theirs")
    assert list(people_visible_to(sefton_officer)) == [ours]
    with serving("lewisham"):
        assert list(people_visible_to(lewisham_officer)) == [theirs]
        assert not people_visible_to(sefton_officer).exists()


def test_another_councils_contact_is_not_found_on_the_pages(client, sefton_officer):
    theirs = contact_of("lewisham")
    client.force_login(sefton_officer)
    inbox = client.get("/contacts/").content.decode()
    assert theirs.reference not in inbox
    assert client.get(f"/contacts/{theirs.reference}/").status_code == 404
    # On the other council's own addresses the member of staff may do nothing.
    assert client.get(f"/lewisham/contacts/{theirs.reference}/").status_code in {403, 404}
    assert theirs.reference not in client.get("/lewisham/contacts/").content.decode()


def test_a_councils_own_staff_work_under_its_address(client, lewisham_officer):
    theirs = contact_of("lewisham")
    client.force_login(lewisham_officer)
    page = client.get(f"/lewisham/contacts/{theirs.reference}/")
    assert page.status_code == 200
    assert f'href="/lewisham/contacts/{theirs.reference}/' in page.content.decode() or (
        "/lewisham/" in page.content.decode()
    )


def test_another_councils_contact_is_not_found_through_the_api(client, sefton_officer):
    theirs = contact_of("lewisham")
    _, token = issue_token(user=sefton_officer, name="Case system", by=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/v1/contacts/{theirs.reference}", **auth).status_code == 404
    elsewhere = client.get(f"/lewisham/api/v1/contacts/{theirs.reference}", **auth)
    assert elsewhere.status_code in {403, 404}
    assert theirs.reference not in elsewhere.content.decode() or elsewhere.status_code == 404


def test_the_councils_own_token_reads_its_contact(client, lewisham_officer):
    theirs = contact_of("lewisham")
    with serving("lewisham"):
        _, token = issue_token(user=lewisham_officer, name="Case system", by=None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/lewisham/api/v1/contacts/{theirs.reference}", **auth).status_code == 200
    assert client.get(f"/api/v1/contacts/{theirs.reference}", **auth).status_code in {403, 404}


def test_another_councils_contact_is_not_found_by_search(client, sefton_officer):
    theirs = contact_of("lewisham")
    ours = contact_of("sefton")
    client.force_login(sefton_officer)
    assert ours.reference in client.get("/search/", {"q": ours.reference}).content.decode()
    page = client.get("/search/", {"q": theirs.reference}).content.decode()
    assert "No contact or person record matches" in page
    assert f'href="/contacts/{theirs.reference}/' not in page
