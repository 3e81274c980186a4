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


def test_r45_a_restricted_sibling_leaves_the_contact_open_but_not_the_person(
    restricted, contact, officer
):
    assert contacts_visible_to(officer).filter(pk=contact.pk).exists()
    assert not people_visible_to(officer).filter(pk=restricted.pk).exists()


def test_a_named_user_sees_both(restricted, contact, worker):
    assert contacts_visible_to(worker).filter(pk=contact.pk).exists()
    assert people_visible_to(worker).filter(pk=restricted.pk).exists()


def test_r45_the_inbox_shows_whom_to_ask_in_place_of_the_restricted_child(
    restricted, contact, client, officer
):
    client.force_login(officer)
    body = text_for(officer, client.get(reverse("intake:inbox")))
    assert contact.reference in body
    assert f"Restricted: ask {ASK}" in body
    assert "Robin" not in body and "Ellis" in body


def test_the_inbox_shows_the_children_to_a_named_user(restricted, contact, client, worker):
    client.force_login(worker)
    body = client.get(reverse("intake:inbox")).content.decode()
    assert "Robin" in body and "Restricted" not in body


@pytest.fixture
def only_child(make_contact, person_for, admin, worker):
    """A contact about one child alone, restricted to `worker`: the whole contact is hidden."""
    alone = make_contact(
        children=[
            {
                "first_name": "Sasha",
                "last_name": "Quietname",
                "date_of_birth": "2014-06-01",
                "gender": "female",
                "postcode": "L21 7PQ",
            }
        ],
    )
    person = person_for(alone.children.get())
    restrict(person=person, allowed_users=[worker], ask=ASK, reason="A colleague's child", by=admin)
    return alone


def test_the_contact_page_is_a_403_naming_whom_to_ask(only_child, client, officer):
    client.force_login(officer)
    response = client.get(reverse("intake:contact", args=[only_child.reference]))
    body = text_for(officer, response)
    assert response.status_code == 403
    assert f"Restricted record: ask {ASK}" in body
    assert "Sasha" not in body and "bruise" not in body
    assert AuditEvent.objects.filter(action="restriction.refused", actor=officer).exists()


def test_r45_the_screening_page_of_a_restricted_contact_names_whom_to_ask(
    only_child, client, make_user
):
    # Reached by its address (the lists name whom to ask and do not link it): not a bare 404.
    colleague = make_user(Role.MASH_SOCIAL_WORKER)  # not named on the restriction
    client.force_login(colleague)
    response = client.get(reverse("screening:contact", args=[only_child.reference]))
    body = text_for(colleague, response)
    assert response.status_code == 403
    assert f"Restricted record: ask {ASK}" in body
    assert "Sasha" not in body and "bruise" not in body


def test_r45_lists_name_whom_to_ask_for_a_restricted_contact_and_do_not_link_it(
    only_child, client, officer, make_user
):
    """The row says whom to ask; a link would only open a refusal (a dead end)."""
    manager = make_user(Role.MASH_MANAGER)  # not named on the restriction
    for user, listing, page in (
        (officer, "intake:inbox", "intake:contact"),
        (manager, "screening:queue", "screening:contact"),
    ):
        client.force_login(user)
        response = client.get(reverse(listing))
        body = text_for(user, response)
        assert only_child.reference in body, listing
        assert f"Restricted record: ask {ASK}" in body, listing
        assert reverse(page, args=[only_child.reference]) not in response.content.decode()
        assert "Sasha" not in body


def test_r45_the_contact_page_shows_a_restricted_sibling_only_as_whom_to_ask(
    restricted, contact, client, officer
):
    client.force_login(officer)
    response = client.get(reverse("intake:contact", args=[contact.reference]))
    body = text_for(officer, response)
    assert response.status_code == 200
    assert f"Restricted: ask {ASK}" in body
    assert "Ellis" in body
    assert "Robin" not in body and "14 September 2018" not in body


def test_the_contact_page_opens_for_a_named_user(restricted, contact, client, worker):
    client.force_login(worker)
    response = client.get(reverse("intake:contact", args=[contact.reference]))
    assert response.status_code == 200
    assert "Robin" in response.content.decode()


def test_r45_the_screening_page_works_on_the_siblings_a_user_may_see(
    restricted, contact, client, make_user
):
    other = make_user(Role.MASH_MANAGER)
    client.force_login(other)
    ellis, robin = contact.children.order_by("id")
    response = client.get(reverse("screening:contact", args=[contact.reference]))
    body = text_for(other, response)
    assert response.status_code == 200
    assert "Robin" not in body and f"Restricted: ask {ASK}" in body
    assert reverse("screening:decide", args=[contact.reference, ellis.pk]) in body
    assert reverse("screening:decide", args=[contact.reference, robin.pk]) not in body
    for name in ("decide", "findings"):
        refused = client.get(reverse(f"screening:{name}", args=[contact.reference, robin.pk]))
        assert refused.status_code == 403
        assert "Robin" not in text_for(other, refused)
        assert (
            client.get(reverse(f"screening:{name}", args=[contact.reference, ellis.pk])).status_code
            == 200
        )
    refused = client.get(reverse("mash:send", args=[contact.reference, robin.pk]))
    assert refused.status_code == 403


def test_r45_nothing_is_decided_or_screened_for_a_child_one_may_not_see(
    restricted, contact, make_user
):
    from frontdoor.screening.findings import save_findings
    from tests.screening.test_decisions import decide

    other = make_user(Role.MASH_MANAGER)
    robin = contact.children.order_by("id")[1]
    with pytest.raises(DomainError, match="restricted: ask Head of Service"):
        save_findings(
            contact=contact, child=robin, by=other, indicators=[], concerns=[], analysis="x"
        )
    with pytest.raises(DomainError, match="restricted: ask Head of Service"):
        decide(contact, robin, other, outcome="information_and_advice", level=1)


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
    assert people_visible_to(officer).filter(pk=restricted.pk).exists()
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
    assert not people_visible_to(officer).filter(pk=person.pk).exists()
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


def test_r45_a_partner_sent_an_enquiry_about_a_child_since_restricted_is_told_whom_to_ask(
    contact, person_for, admin, worker, manager, make_user, client
):
    from frontdoor.accounts.tokens import issue_token
    from tests.mash.test_enquiries import send

    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    ellis = contact.children.order_by("id")[0]
    about_ellis = send(contact, manager, agencies=["police"]).requests.get()
    restrict(person=person_for(ellis), allowed_users=[worker], ask=ASK, reason="x", by=admin)
    client.force_login(police)
    body = text_for(police, client.get(reverse("mash:requests")))
    assert f"Restricted: ask {ASK}" in body
    assert "Ellis" not in body
    assert reverse("mash:answer", args=[about_ellis.pk]) not in body
    assert client.get(reverse("mash:answer", args=[about_ellis.pk])).status_code == 404
    # The API lists it the same way, and nothing more.
    _, token = issue_token(user=police, name="Partner system", by=None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/v1/mash/requests", **headers).json()
    assert [(item["id"], item["restricted_ask"], item["reason"]) for item in listed] == [
        (about_ellis.pk, ASK, "")
    ]
    assert "Ellis" not in str(listed)
    assert client.get(f"/api/v1/mash/requests/{about_ellis.pk}", **headers).status_code == 404


def test_r45_the_api_reads_a_sibling_contact_without_the_restricted_child(
    restricted, contact, client, make_user
):
    from frontdoor.accounts.tokens import issue_token

    other = make_user(Role.MASH_SOCIAL_WORKER)
    _, token = issue_token(user=other, name="Staff system", by=None)
    response = client.get(
        f"/api/v1/contacts/{contact.reference}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200
    read = response.json()
    assert [child["first_name"] for child in read["children"]] == ["Ellis"]
    assert read["restricted_children"] == [ASK]
    assert "Robin" not in response.content.decode()


def test_r45_a_partner_answers_for_a_sibling_without_the_restricted_child(
    contact, person_for, admin, worker, manager, make_user, client
):
    from frontdoor.mash import enquiries
    from frontdoor.mash.enquiries import PersonAnswer
    from tests.mash.test_enquiries import SENT

    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    ellis, robin = contact.children.order_by("id")
    about_robin = enquiries.send_enquiry(
        contact=contact,
        child=robin,
        by=manager,
        rag="amber",
        agencies=["police"],
        reason="Domestic abuse reported in the household.",
        now=SENT,
    ).requests.get()
    restrict(person=person_for(ellis), allowed_users=[worker], ask=ASK, reason="x", by=admin)
    client.force_login(police)
    page = text_for(police, client.get(reverse("mash:answer", args=[about_robin.pk])))
    assert f"Restricted: ask {ASK}" in page
    assert "2 March 2015" not in page and f"child-{ellis.pk}" not in page
    from frontdoor.accounts.tokens import issue_token

    _, token = issue_token(user=police, name="Partner system", by=None)
    read = client.get(
        f"/api/v1/mash/requests/{about_robin.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert read["restricted_people"] == [ASK]
    assert f"child-{ellis.pk}" not in [person["id"] for person in read["people"]]
    answers = [PersonAnswer(robin, None, True, "")] + [
        PersonAnswer(None, adult, True, "") for adult in contact.adults.all()
    ]
    answered = enquiries.answer_request(
        request=about_robin, by=police, answers=answers, opinion="Nothing held.", submission_key="k"
    )
    assert answered.answered_at is not None
