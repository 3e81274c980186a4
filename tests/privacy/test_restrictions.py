"""Restricted records: hidden in the queries, with whom to ask shown instead (R45)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.selectors import contacts_visible_to
from frontdoor.people.models import Restriction
from frontdoor.people.selectors import people_visible_to
from frontdoor.privacy.restrictions import lift_restriction, restrict
from tests.attacks.html_checks import form_problems

pytestmark = pytest.mark.django_db
ASK = "Head of Service, Children's Social Care"


def text_for(viewer, response) -> str:
    """The page as `viewer` saw it, without their own name in the header: a generated name may
    share a child's first name (Robin, Ellis)."""
    return response.content.decode().replace("&#x27;", "'").replace(str(viewer), "")


@pytest.fixture
def restricted(contact, person_for, admin, worker):
    """Robin (the second child) is a member of staff's family: only `worker` may see."""
    person = person_for(contact.children.order_by("id")[1])
    restrict(person=person, allowed_users=[worker], ask=ASK, reason="A colleague's child", by=admin)
    return person


def test_a_user_not_named_cannot_load_the_contact_or_the_person(restricted, contact, officer):
    assert not contacts_visible_to(officer).filter(pk=contact.pk).exists()
    assert not people_visible_to(officer).filter(pk=restricted.pk).exists()


def test_a_named_user_sees_both(restricted, contact, worker):
    assert contacts_visible_to(worker).filter(pk=contact.pk).exists()
    assert people_visible_to(worker).filter(pk=restricted.pk).exists()


def test_the_inbox_shows_whom_to_ask_instead_of_the_children(restricted, contact, client, officer):
    client.force_login(officer)
    body = text_for(officer, client.get(reverse("intake:inbox")))
    assert contact.reference in body
    assert f"Restricted record: ask {ASK}" in body
    assert "Robin" not in body and "Ellis" not in body


def test_the_inbox_shows_the_children_to_a_named_user(restricted, contact, client, worker):
    client.force_login(worker)
    body = client.get(reverse("intake:inbox")).content.decode()
    assert "Robin" in body and "Restricted record" not in body


def test_the_contact_page_is_a_403_naming_whom_to_ask(restricted, contact, client, officer):
    client.force_login(officer)
    response = client.get(reverse("intake:contact", args=[contact.reference]))
    body = text_for(officer, response)
    assert response.status_code == 403
    assert f"Restricted record: ask {ASK}" in body
    assert "Robin" not in body and "bruise" not in body
    assert AuditEvent.objects.filter(action="restriction.refused", actor=officer).exists()


def test_the_contact_page_opens_for_a_named_user(restricted, contact, client, worker):
    client.force_login(worker)
    response = client.get(reverse("intake:contact", args=[contact.reference]))
    assert response.status_code == 200
    assert "Robin" in response.content.decode()


def test_the_screening_page_is_hidden_from_a_user_not_named(restricted, contact, client, make_user):
    other = make_user(Role.MASH_SOCIAL_WORKER)
    client.force_login(other)
    response = client.get(reverse("screening:contact", args=[contact.reference]))
    assert response.status_code in (403, 404)
    assert "Robin" not in text_for(other, response)


def test_the_person_page_is_a_403_naming_whom_to_ask(restricted, client, officer, worker):
    client.force_login(officer)
    response = client.get(reverse("people:person", args=[restricted.pk]))
    assert response.status_code == 403
    assert "Restricted record: ask" in response.content.decode()
    assert "Robin" not in text_for(officer, response)
    client.force_login(worker)
    assert client.get(reverse("people:person", args=[restricted.pk])).status_code == 200


def test_an_unknown_contact_is_still_a_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("intake:contact", args=["FD-NOPE"])).status_code == 404


def test_only_an_administrator_restricts(contact, person_for, manager):
    person = person_for(contact.children.first())
    with pytest.raises(DomainError, match="Administrator"):
        restrict(person=person, allowed_users=[], ask=ASK, reason="x", by=manager)


def test_lifting_keeps_the_restriction_on_record_and_audits(restricted, contact, admin, officer):
    lift_restriction(person=restricted, by=admin, reason="The colleague has left")
    assert contacts_visible_to(officer).filter(pk=contact.pk).exists()
    restricted.refresh_from_db()
    assert restricted.restricted is False
    assert Restriction.objects.get().lifted_by == admin
    assert Restriction.history.count() >= 2
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"restriction.set", "restriction.lifted"} <= actions


def test_the_restrictions_page_sets_one(contact, person_for, client, admin, worker, officer):
    person = person_for(contact.children.first())
    client.force_login(admin)
    response = client.post(
        reverse("privacy:restrictions"),
        {"person": person.pk, "allowed_users": [worker.pk], "ask": ASK, "reason": "Family"},
    )
    assert response.status_code == 302
    assert not contacts_visible_to(officer).filter(pk=contact.pk).exists()
    client.force_login(officer)
    assert client.get(reverse("privacy:restrictions")).status_code == 403


def test_r45_the_restrictions_form_names_staff_and_links_each_error(
    contact, person_for, client, admin, worker
):
    worker.first_name, worker.last_name = "Wendy", "Worker"
    worker.save()
    client.force_login(admin)
    page = client.get(reverse("privacy:restrictions")).content.decode()
    # Staff are chosen by name, role and team, not typed in as user numbers.
    team = f", {worker.team}" if worker.team else ""
    assert f"Wendy Worker ({worker.username}): {worker.role_label}{team}" in page
    assert 'type="checkbox"' in page and "Person 123" in page
    assert form_problems(page) == []
    page = client.post(
        reverse("privacy:restrictions"),
        {"person": "abc", "allowed_users": ["manager"], "ask": "", "reason": ""},
    ).content.decode()
    assert "Enter the record number in figures" in page
    assert "Choose the staff from the list" in page
    assert "[&#x27;manager&#x27;]" not in page
    assert form_problems(page) == []
