"""Changing an id in a URL or a body reaches nothing that is not yours (R45).

Another agency's MASH request, another referrer's submission, another contact's document: each is
"not found", so an id that exists elsewhere cannot be told from one that does not. Pages outside a
role's work are refused (403).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.intake.attachments import add_attachment
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.people.models import Person
from tests.intake.factories import make_submission
from tests.mash.test_enquiries import send
from tests.screening.conftest import contact, make_contact, officer  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _full_buckets():
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def bearer(user) -> dict[str, str]:
    _, token = issue_token(user=user, name="Tamper test", by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_another_agencys_mash_request_is_not_found_by_page_or_api(contact, manager, make_user):  # noqa: F811
    request = send(contact, manager, agencies=["police"]).requests.get()
    health = make_user(Role.PARTNER_AGENCY, agency_key="health")
    page = signed_in(health).get(reverse("mash:answer", args=[request.pk]))
    assert page.status_code == 404
    client = Client(raise_request_exception=False)
    api = client.get(f"/api/v1/mash/requests/{request.pk}", **bearer(health))
    assert api.status_code == 404
    answer = client.post(
        f"/api/v1/mash/requests/{request.pk}/answer",
        {"answers": [], "opinion": "Tampered"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="tamper-1",
        **bearer(health),
    )
    assert answer.status_code == 404
    # The message is the same as for an id that exists nowhere.
    missing = client.get("/api/v1/mash/requests/999999", **bearer(health))
    assert api.json() == missing.json()


def test_the_reference_of_one_submission_with_the_secret_of_another_is_not_found():
    first = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM)
    second = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM)
    client = Client(raise_request_exception=False)
    mixed = {"reference": first.contact.reference, "secret": second.status_secret}
    response = client.post("/api/v1/status", mixed, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"message": "No submission matches that reference and secret."}
    page = client.post(
        reverse("refer:status"),
        {"reference": first.contact.reference, "status_code": second.status_secret},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "We could not find a referral with that reference and status code" in text
    assert "Ellis" not in text and "Received" not in text
    own = {"reference": first.contact.reference, "secret": first.status_secret}
    assert client.post("/api/v1/status", own, content_type="application/json").status_code == 200


def test_a_contact_officer_cannot_reach_the_screening_page(contact, officer):  # noqa: F811
    response = signed_in(officer).get(reverse("screening:contact", args=[contact.reference]))
    assert response.status_code == 403


def test_a_partner_agency_user_cannot_reach_the_inbox_or_a_persons_record(make_user):
    person = Person.objects.create(first_name="Ellis", last_name="Examplechild")
    partner = signed_in(make_user(Role.PARTNER_AGENCY, agency_key="police"))
    assert partner.get(reverse("intake:inbox")).status_code == 403
    assert partner.get(reverse("people:person", args=[person.pk])).status_code == 403


def test_a_document_of_another_contact_is_not_found(make_contact, officer, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    mine, theirs = make_contact(), make_contact()
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    attachment = add_attachment(report=theirs.reports.get(), uploaded_file=upload)
    client = signed_in(officer)
    own_url = reverse("intake:document", args=[theirs.reference, attachment.pk])
    assert client.get(own_url).status_code == 200
    tampered = reverse("intake:document", args=[mine.reference, attachment.pk])
    assert client.get(tampered).status_code == 404
