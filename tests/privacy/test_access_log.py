"""The access log: everything one member of staff has opened, for those who audit (R45)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.audit.services import record_view
from frontdoor.policy.clocks import LONDON
from frontdoor.privacy import restrictions

pytestmark = pytest.mark.django_db
URL = "/privacy/access/"


def _at(day: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, 10, tzinfo=LONDON)


@pytest.fixture
def auditor(make_user):
    return make_user(Role.SERVICE_MANAGER)


@pytest.fixture
def seen(contact, person_for, worker):
    """The worker opened the contact on the 2nd, the child's record on the 3rd (through the
    page) and another contact on the 9th."""
    child = person_for(contact.children.first())
    record_view(viewer=worker, target=contact, through="contact page", at=_at(2))
    record_view(viewer=worker, target=child, through="person page", at=_at(3))
    return child


def _query(viewer, **extra) -> dict:
    return {"viewer": viewer.pk, **extra}


def test_r45_an_auditor_sees_each_record_a_worker_opened_by_number_never_by_name(
    client, auditor, worker, contact, seen
):
    client.force_login(auditor)
    page = client.get(URL, _query(worker)).content.decode()
    rows = page[page.index('id="access-rows"') :]
    assert "What " in rows and "(2 views)" in rows
    assert f'href="/contacts/{contact.reference}/">Contact {contact.reference}</a>' in rows
    assert f'href="/people/{seen.pk}/">Person {seen.pk}</a>' in rows
    assert rows.index(f"Person {seen.pk}") < rows.index(f"Contact {contact.reference}")
    assert seen.first_name not in rows and seen.last_name not in rows
    read = AuditEvent.objects.get(action="access_log.read")
    assert read.actor == auditor and read.target_id == str(worker.pk)


def test_r45_a_restricted_persons_name_stays_out_of_the_log(client, admin, worker, seen, auditor):
    restrictions.restrict(
        person=seen,
        allowed_users=[worker],
        ask="The MASH manager",
        reason="Staff relative.",
        by=admin,
    )
    client.force_login(auditor)
    page = client.get(URL, _query(worker)).content.decode()
    assert f"Person {seen.pk}" in page and seen.last_name not in page


def test_the_dates_bound_the_views_and_a_backwards_period_is_refused(
    client, auditor, worker, contact, seen
):
    client.force_login(auditor)
    third = {"start-day": 3, "start-month": 11, "start-year": 2026}
    page = client.get(URL, _query(worker, **third)).content.decode()
    assert "(1 view)" in page and f"Person {seen.pk}" in page
    backwards = {**third, "end-day": 1, "end-month": 11, "end-year": 2026}
    page = client.get(URL, _query(worker, **backwards)).content.decode()
    assert "govuk-error-summary" in page
    assert "The end date must be the same as or after the start date" in page
    assert AuditEvent.objects.filter(action="access_log.read").count() == 1  # the first only


def test_the_csv_holds_every_view(client, auditor, worker, contact, seen):
    client.force_login(auditor)
    response = client.get(URL, _query(worker, format="csv"))
    assert response["Content-Disposition"] == f'attachment; filename="access-{worker.username}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["record"] for row in rows] == [f"Person {seen.pk}", f"Contact {contact.reference}"]
    assert rows[0]["through"] == "person page"


def test_choosing_no_one_is_explained(client, auditor):
    client.force_login(auditor)
    page = client.get(URL, {"viewer": ""}).content.decode()
    assert "Choose the member of staff whose views to list" in page


@pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.PERFORMANCE_ANALYST])
def test_only_auditors_read_the_access_log(client, make_user, worker, role):
    client.force_login(make_user(role))
    assert client.get(URL, _query(worker)).status_code == 403


def test_the_log_reads_in_a_fixed_number_of_queries(
    client, auditor, worker, make_contact, django_assert_max_num_queries
):
    for _ in range(20):
        record_view(viewer=worker, target=make_contact(), through="contact page", at=_at(4))
    client.force_login(auditor)
    with django_assert_max_num_queries(12):
        page = client.get(URL, _query(worker)).content.decode()
    assert "(20 views)" in page


def test_home_leads_auditors_to_the_access_log_through_the_disclosure_log(client, auditor):
    client.force_login(auditor)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/privacy/disclosures/">Read the disclosure log, the access log' in home
    disclosures = client.get(reverse("privacy:disclosures")).content.decode()
    assert f'href="{URL}">access log</a>' in disclosures
