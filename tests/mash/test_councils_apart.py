"""On a service of several councils, MASH enquiries and escalations stay with their council."""

from __future__ import annotations

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.escalations.selectors import escalations_visible_to
from frontdoor.intake.models import Contact, Report, ReportedAdult, ReportedChild
from frontdoor.mash.selectors import enquiries_visible_to, requests_visible_to
from frontdoor.policy.councils import serving
from frontdoor.policy.row_security import every_council
from tests.mash.test_enquiries import send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_councils")]


def _give_to_lewisham(contact) -> None:
    # Moving a record between councils is no request's to do: on PostgreSQL the row-level
    # security lets only maintenance across councils write another council's row.
    # Its report and the people it names go with it, as they were recorded with it.
    with every_council():
        Contact.objects.filter(pk=contact.pk).update(council_id="lewisham")
        for model in (Report, ReportedChild, ReportedAdult):
            model.objects.filter(contact=contact).update(council_id="lewisham")


@pytest.fixture
def police(make_user):
    return make_user(Role.PARTNER_AGENCY, agency_key="police", email="desk@police.example")


def test_another_councils_enquiries_are_seen_by_neither_its_partners_nor_its_staff(
    contact, manager, police, make_user
):
    enquiry = send(contact, manager)
    assert list(requests_visible_to(police)) != []
    assert list(enquiries_visible_to(manager)) == [enquiry]
    # The contact is Lewisham's: Sefton's MASH and Sefton's police users see none of it.
    _give_to_lewisham(contact)
    assert not requests_visible_to(police).exists()
    assert not enquiries_visible_to(manager).exists()
    with serving("lewisham"):
        # Nor on Lewisham's own addresses, where they do not work.
        assert not requests_visible_to(police).exists()
        assert not enquiries_visible_to(manager).exists()
        lewisham_police = make_user(Role.PARTNER_AGENCY, agency_key="police", council_id="lewisham")
        assert [r.enquiry_id for r in requests_visible_to(lewisham_police)] != []


def test_another_councils_escalations_are_not_seen(contact, manager, make_user):
    from django.utils import timezone

    from frontdoor.escalations.services import open_escalation

    reader = make_user(Role.SERVICE_MANAGER)
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=timezone.now())
    assert list(escalations_visible_to(reader)) == [escalation]
    _give_to_lewisham(contact)
    assert not escalations_visible_to(reader).exists()
    assert not escalations_visible_to(reader, restricted_rows=True).exists()


def test_r36_a_chase_is_queued_as_the_council_that_asked(contact, manager, make_user):
    import datetime as dt

    from frontdoor.mash import enquiries
    from frontdoor.outbox.models import Message

    enquiry = send(contact, manager, agencies=["police"])
    overdue = enquiry.requests.get().due_at + dt.timedelta(hours=1)
    _give_to_lewisham(contact)
    with serving("lewisham"):
        make_user(
            Role.PARTNER_AGENCY,
            agency_key="police",
            council_id="lewisham",
            email="desk@met.example",
        )
    # The regular job chases for every council at once (`schedule.run_due`).
    with every_council():
        assert enquiries.chase(now=overdue) == 1
        chased = Message.objects.get(kind="enquiry_overdue")
    # Lewisham's message: its administrators, not Sefton's, see it and send it again.
    assert chased.council_id == "lewisham"
    assert chased.to == "desk@met.example"
