"""The database fails mid-submission: nothing is half-stored, and nobody is told "received".

The failure is raised inside the transaction, after the contact row is written and before its
report, so a partial write would be visible if the rollback did not cover it.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.intake.models import Contact, Report, ReportedAdult, ReportedChild
from tests.intake.factories import submission_data
from tests.intake.test_referral_form import professional_with_siblings_and_unborn, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _full_buckets():
    cache.clear()
    yield
    cache.clear()


def database_fails_mid_submission():
    """The database goes away as the audit entry is written: after the contact's other rows
    (on PostgreSQL, within the one statement that writes them all)."""

    def fail_at_the_audit_entry(execute, sql, params, many, context):
        if "audit_auditevent" in sql and sql.lstrip().startswith(("INSERT", "WITH")):
            raise OperationalError("server closed the connection")
        return execute(sql, params, many, context)

    return connection.execute_wrapper(fail_at_the_audit_entry)


def nothing_stored() -> bool:
    return not (
        Contact.objects.exists()
        or Report.objects.exists()
        or ReportedChild.objects.exists()
        or ReportedAdult.objects.exists()
    )


def test_an_api_contact_interrupted_by_the_database_is_a_503_and_a_retry_records_it_once(
    make_user,
):
    _, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="Police", by=None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": "police-77"}
    client = Client(raise_request_exception=False)

    def post():
        return client.post(
            "/api/v1/contacts", submission_data(), content_type="application/json", **headers
        )

    with database_fails_mid_submission():
        response = post()

    assert response.status_code == 503
    assert "nothing was recorded" in response.json()["message"]
    assert response["Retry-After"]
    assert nothing_stored()
    assert post().status_code == 201
    assert post().status_code == 200  # the retry of the retry finds the same contact
    assert Contact.objects.count() == 1


def test_an_online_referral_interrupted_by_the_database_says_not_sent_and_keeps_the_answers():
    client = Client(raise_request_exception=False)
    journey = professional_with_siblings_and_unborn(client, worry="Bruises on both arms")

    with database_fails_mid_submission():
        response = client.post(url("check", journey))

    assert response.status_code == 503
    page = response.content.decode()
    assert "Your referral has not been sent" in page
    assert "Referral sent" not in page
    assert "Bruises on both arms" in page  # the answers are still there to send again
    assert nothing_stored()
    again = client.post(url("check", journey))
    assert again["Location"] == url("confirmation", journey)
    assert Contact.objects.count() == 1


def test_a_referral_sent_while_the_database_is_away_is_a_503_page_saying_what_to_do():
    """The session is read (from the database) before any view: that failure gets the same
    plain answer, never Django's bare "Server Error (500)"."""
    client = Client(raise_request_exception=False)
    journey = professional_with_siblings_and_unborn(client)

    with mock.patch.object(
        SessionStore, "load", side_effect=OperationalError("the database system is shutting down")
    ):
        response = client.post(url("check", journey))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert "it will never be recorded twice" in page
    assert "0151 934 4013" in page  # the council's MASH number, from its policy
    assert "Server Error" not in page
    assert nothing_stored()
    again = client.post(url("check", journey))
    assert again["Location"] == url("confirmation", journey)
    assert Contact.objects.count() == 1


def test_a_referral_recorded_whose_session_cannot_be_saved_is_sent_once_when_pressed_again():
    """The database goes away after the referral's transaction committed and before the session
    is saved: the referrer is told to press again, and pressing again shows the one contact."""
    client = Client(raise_request_exception=False)
    journey = professional_with_siblings_and_unborn(client)

    with mock.patch.object(SessionStore, "save", side_effect=UpdateError):
        response = client.post(url("check", journey))

    assert response.status_code == 503
    assert "Submit referral\N{RIGHT SINGLE QUOTATION MARK} again" in response.content.decode()
    reference = Contact.objects.get().reference
    again = client.post(url("check", journey), follow=True)
    assert reference in again.content.decode()
    assert Contact.objects.count() == 1


def test_a_fault_on_a_staff_page_is_a_service_page_not_a_bare_500(client, make_user):
    client.raise_request_exception = False
    client.force_login(make_user(Role.CONTACT_OFFICER))
    with mock.patch(
        "frontdoor.intake.views.render", side_effect=RuntimeError("a fault in the page")
    ):
        response = client.get("/contacts/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "govuk-template" in page


def test_an_unknown_address_is_the_page_not_found_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
