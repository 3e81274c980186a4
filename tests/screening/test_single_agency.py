"""R34: contacts meeting no MASH criterion get single-agency enquiries, recorded as such."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.returns.dashboards import Period, dashboard
from frontdoor.screening.models import SingleAgencyEnquiry
from frontdoor.screening.single_agency import record_single_agency_enquiry
from tests.screening.conftest import RECEIVED

pytestmark = pytest.mark.django_db
NO_CRITERION = {"worry": "Ellis is often late to school and tired.", "domestic_abuse": "no"}
ENQUIRIES = {
    "parents_conversation": "Mum says Ellis stays up gaming; agreed a bedtime.",
    "referrer_conversation": "The school will keep a late book.",
    "chronology": "2024-05: early help closed, outcomes met.",
    "risks": "Tiredness affecting learning.",
    "protective_factors": "Mum engages; attendance 94%.",
}


@pytest.fixture(params=["sefton", "sefton-2022", "lewisham"])
def council(request, settings):
    settings.FRONTDOOR_COUNCIL = request.param
    return request.param


def test_r34_single_agency_enquiries_are_recorded_for_a_contact_meeting_no_criterion(
    council, make_contact, worker
):
    contact = make_contact(concern=NO_CRITERION)
    enquiry = record_single_agency_enquiry(contact=contact, by=worker, **ENQUIRIES)
    assert enquiry.risks == "Tiredness affecting learning."
    assert enquiry.policy_version.policy_id == council
    assert AuditEvent.objects.filter(action="single_agency_enquiry.recorded").exists()
    week = Period(first_day=RECEIVED.date(), last_day=RECEIVED.date() + dt.timedelta(days=6))
    assert dashboard(period=week).single_agency_enquiries == 1


def test_r34_every_part_is_needed(make_contact, worker):
    contact = make_contact(concern=NO_CRITERION)
    with pytest.raises(DomainError, match="chronology, the risks"):
        record_single_agency_enquiry(
            contact=contact, by=worker, **{**ENQUIRIES, "chronology": "", "risks": " "}
        )


def test_r34_a_contact_meeting_a_criterion_goes_to_mash_instead(make_contact, worker):
    contact = make_contact()  # the referral reports domestic abuse: a Sefton criterion
    with pytest.raises(DomainError, match="meet a MASH criterion"):
        record_single_agency_enquiry(contact=contact, by=worker, **ENQUIRIES)
    assert not SingleAgencyEnquiry.objects.exists()


def test_r34_the_page_records_them_and_the_contact_shows_them(client, make_contact, worker):
    contact = make_contact(concern=NO_CRITERION)
    client.force_login(worker)
    screening = reverse("screening:contact", args=[contact.reference])
    page = client.get(screening).content.decode()
    assert "Single-agency enquiries" in page
    url = reverse("screening:single_agency", args=[contact.reference])
    page = client.post(url, {**ENQUIRIES, "risks": ""}).content.decode()
    assert "Enter the risks" in page
    assert client.post(url, ENQUIRIES).status_code == 302
    page = client.get(screening).content.decode()
    assert "Mum engages; attendance 94%." in page
