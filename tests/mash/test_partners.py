"""A partner agency that serves several councils on the service: one list, each council's clock,
answered from any council's address, and nothing of any other agency (issue 23, R36, R37)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.mash import enquiries
from frontdoor.mash.enquiries import PersonAnswer
from frontdoor.mash.models import AgencyRequest
from frontdoor.mash.selectors import (
    agency_councils_open,
    agency_reach,
    answering_times,
    requests_visible_to,
)
from frontdoor.outbox.models import Message
from frontdoor.policy import registry
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.councils import serving
from frontdoor.policy.row_security import every_council
from frontdoor.policy.schema import Agency
from tests.intake.factories import make_submission
from tests.screening.conftest import RECEIVED

pytestmark = pytest.mark.django_db

# Thursday 19 November 2026, 16:00; Lewisham closes on the Friday after it.
THURSDAY_4PM = dt.datetime(2026, 11, 19, 16, 0, tzinfo=LONDON)
LEWISHAM_CLOSED = dt.date(2026, 11, 20)
SHARED = "regional_police"


@pytest.fixture
def shared_police():
    """Sefton's police and Lewisham's "force" are one partner agency of the service; Lewisham's
    own "police" is not. Lewisham reads as Sefton's policy with its own name, core hours
    (09:00-17:00 every weekday) and a closure day, so its enquiries go to MASH as Sefton's do
    and its clock is its own."""
    before = registry._loaded
    loaded = registry.loaded_policies()
    sefton, lewisham = loaded["sefton"].policy, loaded["lewisham"].policy

    def shared(agency: Agency) -> Agency:
        return agency.model_copy(update={"partner": SHARED}) if agency.key == "police" else agency

    lewisham_agencies = [
        agency.model_copy(update={"name": "Metropolitan Police"})
        if agency.key == "police"
        else agency
        for agency in sefton.agencies
    ]
    lewisham_agencies.append(
        Agency(key="force", name="Regional Police", kind="police", partner=SHARED)
    )
    registry._loaded = {
        **loaded,
        "sefton": dataclasses.replace(
            loaded["sefton"],
            policy=sefton.model_copy(
                update={"version": "shared", "agencies": [shared(a) for a in sefton.agencies]}
            ),
            sha256="sefton-shared",
        ),
        "lewisham": dataclasses.replace(
            loaded["lewisham"],
            policy=sefton.model_copy(
                update={
                    "id": "lewisham",
                    "version": "shared",
                    "council": lewisham.council,
                    "calendar": lewisham.calendar.model_copy(
                        update={"closure_days": [LEWISHAM_CLOSED]}
                    ),
                    "agencies": lewisham_agencies,
                }
            ),
            sha256="lewisham-shared",
        ),
    }
    registry._calendar.cache_clear()
    yield
    registry._loaded = before
    registry._calendar.cache_clear()


@pytest.fixture
def police(make_user):
    """A user of the shared agency, whose account Sefton holds."""
    return make_user(Role.PARTNER_AGENCY, agency_key="police", email="desk@police.example")


@pytest.fixture
def lewisham_contact(make_user):
    officer = make_user(Role.CONTACT_OFFICER, council_id="lewisham")
    with serving("lewisham"):
        return record_contact(
            submission=make_submission(),
            channel=Channel.TELEPHONE,
            received_at=RECEIVED,
            by=officer,
        ).contact


def send(contact, by, agencies, council="sefton"):
    with serving(council):
        return enquiries.send_enquiry(
            contact=contact,
            child=contact.children.first(),
            by=by,
            rag="amber",
            agencies=agencies,
            reason="Domestic abuse reported in the household.",
            now=THURSDAY_4PM,
        )


@pytest.fixture
def sent(contact, lewisham_contact, manager, make_user, police, shared_police, two_councils):
    """Sefton asks its police; Lewisham asks the same force, and its own police (after the
    shared agency's user has an account, to be alerted)."""
    lewisham_manager = make_user(Role.MASH_MANAGER, council_id="lewisham")
    return {
        "sefton": send(contact, manager, ["police", "health"]).requests.get(agency_key="police"),
        "lewisham": send(lewisham_contact, lewisham_manager, ["force", "police"], "lewisham"),
    }


def lewishams(sent, agency_key: str) -> AgencyRequest:
    """Lewisham's request to `agency_key`, read as Lewisham (the test's own look, not the
    partner's)."""
    with serving("lewisham"):
        return (
            sent["lewisham"].requests.select_related("enquiry__contact").get(agency_key=agency_key)
        )


def visible(user) -> set[int]:
    """The requests `user` may open, read as their pages read them (`agency_councils_open`)."""
    with agency_councils_open(user):
        return {r.pk for r in requests_visible_to(user)}


def test_a_partner_sees_every_councils_enquiries_to_its_agency_in_one_list(
    sent, police, make_user, client
):
    force = lewishams(sent, "force")
    expected = {sent["sefton"].pk, force.pk}
    assert visible(police) == expected
    # A user of the same agency whose account Lewisham holds, under Lewisham's key, sees the same.
    lewisham_user = make_user(Role.PARTNER_AGENCY, agency_key="force", council_id="lewisham")
    assert visible(lewisham_user) == expected
    client.force_login(police)
    page = client.get("/mash/requests/").content.decode()
    assert "MASH enquiries for Merseyside Police" in page
    assert page.count('<td class="govuk-table__cell">Sefton Council</td>') == 1
    assert page.count('<td class="govuk-table__cell">London Borough of Lewisham</td>') == 1
    assert "Metropolitan Police" not in page


def test_each_enquiry_runs_on_the_clock_of_the_council_that_sent_it(sent, police, client):
    # Amber, 6 core hours from Thursday 16:00. Sefton: 1.5 hours on Thursday, the rest by
    # Friday 13:30. Lewisham: 1 hour on Thursday, closed on Friday, the rest by Monday 14:00.
    sefton_due = dt.datetime(2026, 11, 20, 13, 30, tzinfo=LONDON)
    lewisham_due = dt.datetime(2026, 11, 23, 14, 0, tzinfo=LONDON)
    assert sent["sefton"].due_at == sefton_due
    with serving("lewisham"):
        assert {r.due_at for r in sent["lewisham"].requests.all()} == {lewisham_due}
    client.force_login(police)
    page = client.get("/lewisham/mash/requests/").content.decode()
    assert "20 Nov 2026 13:30" in page
    assert "23 Nov 2026 14:00" in page
    assert page.index("20 Nov 2026 13:30") < page.index("23 Nov 2026 14:00")  # soonest first


def test_the_partner_is_alerted_to_every_councils_enquiries(sent, police):
    alerts = Message.objects.filter(kind="enquiry_alert", to="desk@police.example")
    # Each council's alert is its own message (row_security): the sender sends them all.
    with every_council():
        assert alerts.count() == 2
    with serving("lewisham"):
        assert alerts.filter(body__startswith="London Borough of Lewisham MASH").count() == 1


def _answer_form(contact, key):
    form = {"opinion": "Known to police.", "submission_key": key}
    for child in contact.children.all():
        form[f"child-{child.pk}-held"] = "nothing"
    for adult in contact.adults.all():
        form[f"adult-{adult.pk}-held"] = "nothing"
    return form


@pytest.mark.parametrize("prefix", ["", "/lewisham", "/sefton"])
def test_a_partner_answers_another_councils_enquiry_wherever_they_sign_in(
    sent, police, client, prefix
):
    force = lewishams(sent, "force")
    client.force_login(police)
    page = client.get(f"{prefix}/mash/requests/{force.pk}/").content.decode()
    assert "MASH enquiry from London Borough of Lewisham" in page
    with serving("lewisham"):  # the test's own look at the people asked about
        form = _answer_form(force.enquiry.contact, "b")
    response = client.post(f"{prefix}/mash/requests/{force.pk}/", form)
    assert response.status_code == 302
    assert response["Location"] == f"{prefix}/mash/requests/"
    with serving("lewisham"):
        force.refresh_from_db()
        assert force.answered_at is not None
        assert force.opinion.answered_by == police


def test_a_partner_of_another_agency_sees_nothing_of_it(sent, make_user, client):
    force = lewishams(sent, "force")
    met = make_user(Role.PARTNER_AGENCY, agency_key="police", council_id="lewisham")
    health = make_user(Role.PARTNER_AGENCY, agency_key="health")
    assert visible(met) == {lewishams(sent, "police").pk}
    assert visible(health) == {sent["sefton"].enquiry.requests.get(agency_key="health").pk}
    for user in (met, health):
        client.force_login(user)
        for prefix in ("", "/lewisham"):
            assert client.get(f"{prefix}/mash/requests/{force.pk}/").status_code == 404
            assert client.get(f"{prefix}/mash/requests/{sent['sefton'].pk}/").status_code == 404
        with (
            pytest.raises(Exception, match="not sent to your agency"),
            agency_councils_open(user),
        ):
            enquiries.answer_request(
                request=force,
                by=user,
                answers=[],
                opinion="Nothing.",
                submission_key="x",
            )
    # A partner user is never let into the council's own pages or records.
    client.force_login(make_user(Role.PARTNER_AGENCY, agency_key="police"))
    for prefix in ("", "/lewisham"):
        assert client.get(f"{prefix}/mash/").status_code == 403
        assert client.get(f"{prefix}/contacts/").status_code in (403, 404)


def test_the_agencys_answering_times_per_council_and_together(sent, police, client):
    force = lewishams(sent, "force")
    late = THURSDAY_4PM + dt.timedelta(days=5)  # after Lewisham's Monday 14:00
    contact = force.enquiry.contact
    with agency_councils_open(police):  # as the answer page answers it
        enquiries.answer_request(
            request=force,
            by=police,
            answers=[PersonAnswer(child, None, True, "") for child in contact.children.all()]
            + [PersonAnswer(None, adult, True, "") for adult in contact.adults.all()],
            opinion="Nothing known.",
            submission_key="times",
            now=late,
        )
        now = THURSDAY_4PM + dt.timedelta(days=6)
        rows = answering_times(police, since=THURSDAY_4PM - dt.timedelta(days=1), now=now)
    by_council = {row.council: row for row in rows}
    assert list(by_council) == ["London Borough of Lewisham", "Sefton Council", ""]
    assert (by_council["Sefton Council"].asked, by_council["Sefton Council"].overdue) == (1, 1)
    lewisham = by_council["London Borough of Lewisham"]
    assert (lewisham.asked, lewisham.late, lewisham.on_time) == (1, 1, 0)
    assert lewisham.average == dt.timedelta(days=5)
    together = by_council[""]
    assert (together.asked, together.late, together.overdue) == (2, 1, 1)
    client.force_login(police)
    page = client.get("/mash/requests/times/?days=365").content.decode()
    assert "All councils" in page and "London Borough of Lewisham" in page
    page = client.get("/mash/requests/times/?days=7").content.decode()
    assert "Choose one of the periods listed: the last 3 months are shown." in page


def test_the_answering_times_are_the_agencys_own(sent, make_user):
    met = make_user(Role.PARTNER_AGENCY, agency_key="police", council_id="lewisham")
    since = THURSDAY_4PM - dt.timedelta(days=1)
    with agency_councils_open(met):
        rows = answering_times(met, since=since, now=THURSDAY_4PM)
    assert [(row.council, row.asked) for row in rows] == [
        ("London Borough of Lewisham", 1),
        ("", 1),
    ]
    staff = make_user(Role.MASH_MANAGER)
    assert answering_times(staff, since=since, now=THURSDAY_4PM) == []


def test_the_send_page_counts_the_users_of_a_shared_agency_wherever_their_accounts_are(
    sent, police, make_user
):
    with serving("lewisham"):
        reach = agency_reach(registry.current_policy())
    assert reach["force"].startswith("Answered in Front Door by 1 person")
    assert reach["police"].startswith("Warning: no one can answer")


def test_on_a_service_of_one_council_a_partner_sees_what_it_did(
    contact, manager, police, make_user, shared_police, client
):
    """No councils apart: the partner's list is its agency's requests, by its key, as before."""
    request = send(contact, manager, ["police", "health"]).requests.get(agency_key="police")
    assert [r.pk for r in requests_visible_to(police)] == [request.pk]
    other = make_user(Role.PARTNER_AGENCY, agency_key="health")
    assert [r.agency_key for r in requests_visible_to(other)] == ["health"]
    client.force_login(police)
    page = client.get("/mash/requests/").content.decode()
    assert "London Borough of Lewisham" not in page
    assert '<td class="govuk-table__cell">Sefton Council' not in page  # no council column
    assert "Every enquiry any council" not in page
