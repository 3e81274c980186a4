"""The statutory returns page: who may use it, the data to fix first, the downloads (R45, R46)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from frontdoor.accounts.roles import Role
from tests.returns.conftest import ASSESS, BOXING_CLUB, SCHOOL, child, current_collection_year
from tests.returns.test_annex_a import days_ago

pytestmark = pytest.mark.django_db
URL = "/returns/"
YEAR = current_collection_year(timezone.localdate() - dt.timedelta(days=3))


@pytest.fixture
def analyst_client(client, make_user):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    return client


def annex_a_query(**extra) -> dict:
    start = timezone.localdate() - dt.timedelta(days=30)
    end = timezone.localdate()
    return {
        "return": "annex-a",
        "start-day": start.day,
        "start-month": start.month,
        "start-year": start.year,
        "end-day": end.day,
        "end-month": end.month,
        "end-year": end.year,
        **extra,
    }


@pytest.mark.parametrize("role", [Role.PARTNER_AGENCY, Role.CONTACT_OFFICER])
def test_partners_and_contact_officers_cannot_use_the_returns(client, make_user, role):
    client.force_login(make_user(role))
    for query in ({}, annex_a_query(download="1"), {"return": "cin-census", "year": YEAR}):
        response = client.get(URL, query)
        assert response.status_code == 403
        assert "Performance analyst" in response.content.decode()


def test_signed_out_visitors_are_refused(client):
    assert client.get(URL).status_code in (302, 403)


def test_the_page_offers_both_returns(analyst_client):
    page = analyst_client.get(URL).content.decode()
    assert "Ofsted Annex A" in page and "children in need census" in page


def test_an_analyst_sees_the_data_to_fix_before_downloading_annex_a(analyst_client, record):
    contact = record(
        at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]]
    )
    page = analyst_client.get(URL, annex_a_query()).content.decode()
    assert "1 referrer has no contact source code" in page
    assert page.index("Data to fix") < page.index("Download Annex A")
    # The analyst cannot open contacts: the reference, without a link to a refusal.
    assert contact.reference in page and f'href="/contacts/{contact.reference}/"' not in page
    assert "Front door staff can open these contacts by their references" in page


def test_a_manager_reaching_the_data_to_fix_follows_each_item_to_its_contact(
    client, manager, record
):
    contact = record(
        at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]]
    )
    client.force_login(manager)
    page = client.get(URL, annex_a_query()).content.decode()
    assert f'href="/contacts/{contact.reference}/"' in page
    assert "Front door staff can open these contacts" not in page


def test_an_analyst_downloads_annex_a_as_xlsx_and_zip(analyst_client, record):
    record(at=days_ago(3), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]])
    response = analyst_client.get(URL, annex_a_query(download="1"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook["List 3"].max_row == 2
    response = analyst_client.get(URL, annex_a_query(download="1", format="zip"))
    assert response["Content-Type"] == "application/zip"


def test_a_wrong_period_is_shown_as_an_error(analyst_client):
    query = annex_a_query()
    query["end-year"] = int(query["start-year"]) - 1
    page = analyst_client.get(URL, query).content.decode()
    assert "There is a problem" in page
    assert "The end date must be the same as or after the start date" in page


def test_an_analyst_downloads_the_census_xml(analyst_client, record):
    record(at=days_ago(3), referrer=SCHOOL, children=[child("Ellis")], decisions=[[ASSESS]])
    page = analyst_client.get(URL, {"return": "cin-census", "year": YEAR}).content.decode()
    assert "Referrals: 1" in page and "Download the census XML" in page
    response = analyst_client.get(URL, {"return": "cin-census", "year": YEAR, "download": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="cin-census-{YEAR}.xml"'
    assert b"<LAchildID>" in response.content


def test_a_blocked_census_is_not_downloaded(analyst_client, record):
    record(at=days_ago(3), referrer=BOXING_CLUB, children=[child("Ellis")], decisions=[[ASSESS]])
    page = analyst_client.get(URL, {"return": "cin-census", "year": YEAR}).content.decode()
    assert "Stops the file" in page and "Download the census XML" not in page
    response = analyst_client.get(URL, {"return": "cin-census", "year": YEAR, "download": "1"})
    assert response.status_code == 409
    assert "1 referrer has no referral source code" in response.content.decode()
