"""R44: the manager's queue says where each child's hand-off stands; administrators see the ones
that fail and send them again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdoor.audit.models import AuditEvent
from frontdoor.handoffs import services
from frontdoor.handoffs.models import DeliveryAttempt, HandOff
from tests.screening.test_decisions import DECIDED, decide

pytestmark = pytest.mark.django_db


def _row(page: str, reference: str) -> str:
    row = page[page.index(reference) :]
    return row[: row.index("</tr>")]


def test_r44_the_managers_queue_shows_each_childs_hand_off_state(
    client, make_contact, manager, record_system
):
    waiting, accepted = make_contact(), make_contact()
    decide(waiting, waiting.children.first(), manager)
    decide(accepted, accepted.children.first(), manager)
    services.accept(
        user=record_system,
        handoff=HandOff.objects.get(contact=accepted),
        external_id="123456",
    )
    client.force_login(manager)
    page = client.get(reverse("screening:queue")).content.decode()
    assert "Hand-off waiting to be delivered to LCS" in _row(page, waiting.reference)
    assert "accepted by LCS (Liquidlogic Children&#x27;s Social Care) as 123456" in _row(
        page, accepted.reference
    )


def _stopped(contact, manager) -> HandOff:
    decide(contact, contact.children.first(), manager)
    handoff = HandOff.objects.get()
    DeliveryAttempt.objects.create(
        handoff=handoff,
        number=1,
        at=DECIDED,
        url="https://lcs.example/handoffs",
        message_id="msg_handoff_1",
        status_code=None,
        succeeded=False,
        error="no answer: connection refused",
    )
    HandOff.objects.filter(pk=handoff.pk).update(
        state=HandOff.State.DEAD, attempts=10, last_error="no answer: connection refused"
    )
    return handoff


def test_r44_an_administrator_sees_a_stopped_hand_off_with_its_log_and_sends_it_again(
    client, contact, manager, admin
):
    handoff = _stopped(contact, manager)
    client.force_login(admin)
    page = client.get(reverse("handoffs:troubled")).content.decode()
    assert "connection refused" in page
    assert str(contact.children.first()) in page
    assert "Try 1" in page
    response = client.post(reverse("handoffs:replay", args=[handoff.pk]))
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.state == HandOff.State.WAITING
    assert AuditEvent.objects.filter(action="handoff.replayed").exists()


def test_r45_a_restricted_persons_stopped_hand_off_names_no_one(
    client, contact, manager, admin, person_for
):
    person = person_for(contact.children.first())
    person.restricted = True
    person.save(update_fields=["restricted"])
    _stopped(contact, manager)
    client.force_login(admin)
    page = client.get(reverse("handoffs:troubled")).content.decode()
    assert "A restricted record" in page
    assert str(contact.children.first()) not in page


def test_only_administrators_open_the_page(client, manager):
    client.force_login(manager)
    assert client.get(reverse("handoffs:troubled")).status_code == 403


def test_r44_the_contact_and_person_pages_show_the_case_records_id_and_the_hand_offs_state(
    client, contact, manager, record_system, person_for
):
    child = contact.children.first()
    person = person_for(child)
    decide(contact, child, manager)
    client.force_login(manager)
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert "Hand-off waiting to be delivered to LCS" in page
    assert "Open in LCS" not in page
    services.accept(user=record_system, handoff=HandOff.objects.get(), external_id="123456")
    opens = "Open in LCS (Liquidlogic Children&#x27;s Social Care) as 123456"
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert opens in page
    assert "Hand-off accepted by LCS" in page
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert opens in page
    assert f"Contact {contact.reference}: Hand-off accepted by LCS" in page


def test_r45_a_restricted_childs_case_record_id_is_shown_to_no_one_else(
    client, contact, manager, record_system, person_for, worker, admin, officer
):
    from frontdoor.privacy.restrictions import restrict

    child = contact.children.first()
    person = person_for(child)
    decide(contact, child, manager)
    services.accept(user=record_system, handoff=HandOff.objects.get(), external_id="123456")
    restrict(person=person, allowed_users=[worker], ask="Ask the lead", reason="Kin", by=admin)
    client.force_login(officer)
    for url in (
        reverse("intake:contact", args=[contact.reference]),
        reverse("people:person", args=[person.pk]),
    ):
        assert "123456" not in client.get(url).content.decode()
