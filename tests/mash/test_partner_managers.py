"""A partner agency's manager: answers as its users do, and oversees the agency's answering for
every council that asks it (who answered, late answers, what is still owed), each by the clock of
the council that asked; and sees nothing of the councils' own records (issue 23, R36, R45)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import RecordView
from frontdoor.mash import enquiries
from frontdoor.mash.enquiries import PersonAnswer
from frontdoor.mash.selectors import agency_councils_open, agency_oversight
from frontdoor.outbox.models import Message
from frontdoor.policy.councils import serving
from frontdoor.policy.row_security import every_council
from frontdoor.privacy.restrictions import restrict
from tests.mash import test_partners as partners
from tests.mash.test_partners import THURSDAY_4PM, lewishams, visible

# The shared police force of Sefton and Lewisham, and what each council sent it.
shared_police = partners.shared_police
police = partners.police
lewisham_contact = partners.lewisham_contact
sent = partners.sent

pytestmark = pytest.mark.django_db

SINCE = THURSDAY_4PM - dt.timedelta(days=1)
# Lewisham's request was due on Monday 23 November at 14:00; Sefton's on Friday at 13:30.
LATE = THURSDAY_4PM + dt.timedelta(days=5)
NOW = THURSDAY_4PM + dt.timedelta(days=6)


@pytest.fixture
def sergeant(make_user):
    """The shared police force's manager, whose account Sefton holds."""
    return make_user(
        Role.PARTNER_AGENCY_MANAGER,
        agency_key="police",
        first_name="Morwenna",
        last_name="Trevithick",
        email="sergeant@police.example",
    )


@pytest.fixture
def answered_late(sent, police):
    """The force's user answers Lewisham's enquiry after its due time; Sefton's waits."""
    force = lewishams(sent, "force")
    contact = force.enquiry.contact
    with agency_councils_open(police):  # as the answer page answers it
        enquiries.answer_request(
            request=force,
            by=police,
            answers=[PersonAnswer(child, None, True, "") for child in contact.children.all()]
            + [PersonAnswer(None, adult, True, "") for adult in contact.adults.all()],
            opinion="Nothing known.",
            submission_key="late",
            now=LATE,
        )
    return force


def test_r36_the_manager_sees_who_answered_each_council_and_what_was_late(
    sent, answered_late, police, sergeant
):
    with agency_councils_open(sergeant):
        oversight = agency_oversight(sergeant, since=SINCE, now=NOW)
    assert oversight is not None
    assert [(r.council, r.name, r.answered, r.late) for r in oversight.answerers] == [
        ("London Borough of Lewisham", str(police), 1, 1)
    ]
    assert oversight.answerers[0].average == dt.timedelta(days=5)
    assert [(line.request.pk, line.council, line.state) for line in oversight.late] == [
        (answered_late.pk, "London Borough of Lewisham", "answered late")
    ]
    # Monday 14:00 by Lewisham's clock (closed on the Friday), answered Tuesday 16:00.
    assert oversight.late[0].late_by == dt.timedelta(hours=26)
    # Still owed, by Sefton's clock: due Friday 13:30, overdue by Wednesday 16:00.
    assert [(line.request.pk, line.council, line.state) for line in oversight.owed] == [
        (sent["sefton"].pk, "Sefton Council", "overdue")
    ]
    assert oversight.owed[0].late_by == dt.timedelta(days=5, hours=2, minutes=30)
    assert (oversight.owed_total, oversight.owed_restricted) == (1, 0)


def test_r36_the_managers_times_page_lists_the_people_the_late_and_the_owed(
    sent, answered_late, police, sergeant, client
):
    client.force_login(sergeant)
    page = client.get("/lewisham/mash/requests/times/?days=365").content.decode()
    assert "Answering times for Merseyside Police" in page
    assert "All councils" in page  # the figures every partner user sees
    owed = page[page.index("What your agency still owes") : page.index("Who answered")]
    assert escape(str(sent["sefton"].enquiry.child)) in owed
    assert "Sefton Council" in owed and "Overdue" in owed
    assert f'href="/lewisham/mash/requests/{sent["sefton"].pk}/"' in owed
    answerers = page[page.index("Who answered") : page.index("Answered late, in")]
    assert escape(str(police)) in answerers and "London Borough of Lewisham" in answerers
    late = page[page.index("Answered late, in") :]
    with serving("lewisham"):  # the test's own look at Lewisham's child
        assert escape(str(answered_late.enquiry.child)) in late
    assert "23 Nov 2026 14:00" in late  # due by Lewisham's clock


def test_r36_an_ordinary_partner_user_sees_only_the_agencys_figures(
    sent, answered_late, police, client
):
    client.force_login(police)
    page = client.get("/mash/requests/times/?days=365").content.decode()
    assert "All councils" in page
    assert "What your agency still owes" not in page
    assert "Who answered" not in page
    assert "Answered late, in" not in page


def test_the_manager_oversees_its_own_agency_only(sent, answered_late, make_user):
    # Lewisham's own police, a different agency from the shared force.
    met = make_user(Role.PARTNER_AGENCY_MANAGER, agency_key="police", council_id="lewisham")
    with agency_councils_open(met):
        oversight = agency_oversight(met, since=SINCE, now=NOW)
    assert oversight is not None
    assert oversight.answerers == [] and oversight.late == []
    assert [line.request.pk for line in oversight.owed] == [lewishams(sent, "police").pk]
    assert visible(met) == {lewishams(sent, "police").pk}
    # Only a manager oversees: a partner user and the council's staff are given nothing.
    for user in (make_user(Role.PARTNER_AGENCY), make_user(Role.MASH_MANAGER)):
        assert agency_oversight(user, since=SINCE, now=NOW) is None


def test_the_manager_answers_as_the_agency_and_each_view_is_audited(sent, sergeant, client):
    force = lewishams(sent, "force")
    assert visible(sergeant) == {sent["sefton"].pk, force.pk}
    client.force_login(sergeant)
    page = client.get(f"/mash/requests/{force.pk}/").content.decode()
    assert "MASH enquiry from London Borough of Lewisham" in page
    with serving("lewisham"):
        assert RecordView.objects.filter(
            viewer=sergeant, target_id=str(force.enquiry.contact_id)
        ).exists()
        form = {"opinion": "Known to police.", "submission_key": "m"}
        for child in force.enquiry.contact.children.all():
            form[f"child-{child.pk}-held"] = "nothing"
        for adult in force.enquiry.contact.adults.all():
            form[f"adult-{adult.pk}-held"] = "nothing"
    assert client.post(f"/mash/requests/{force.pk}/", form).status_code == 302
    with serving("lewisham"):
        force.refresh_from_db()
        assert force.opinion.answered_by == sergeant


def test_r45_the_manager_is_refused_the_councils_own_pages(sent, sergeant, client):
    client.force_login(sergeant)
    for prefix in ("", "/lewisham"):
        for path in ("/contacts/", "/mash/", "/mash/briefing/", "/dashboards/", "/returns/"):
            assert client.get(f"{prefix}{path}").status_code == 403, path
        person = sent["sefton"].enquiry.child.person_id
        if person:
            assert client.get(f"{prefix}/people/{person}/").status_code in (403, 404)
        reference = sent["sefton"].enquiry.contact.reference
        assert client.get(f"{prefix}/contacts/{reference}/").status_code in (403, 404)


def test_r36_the_managers_are_chased_for_what_is_overdue_not_alerted_to_each_enquiry(
    sergeant, police, sent
):
    with every_council():  # the test's own look at both councils' messages
        # Both enquiries were sent after the manager's account was made: the users are alerted.
        assert Message.objects.filter(to="desk@police.example", kind="enquiry_alert").count() == 2
        assert not Message.objects.filter(to="sergeant@police.example").exists()
    for council in ("sefton", "lewisham"):
        with serving(council):
            enquiries.chase(now=NOW)
    with every_council():
        # Sefton's and Lewisham's requests to the force are both overdue: what the agency owes.
        chased = Message.objects.filter(to="sergeant@police.example")
        assert sorted(message.kind for message in chased) == ["enquiry_overdue"] * 2
        overdue = Message.objects.filter(to="desk@police.example", kind="enquiry_overdue")
        assert overdue.count() == 2


def test_the_managers_times_page_reads_in_the_same_queries_however_many_are_owed(
    sent, answered_late, sergeant, manager, make_contact, client
):
    client.force_login(sergeant)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/mash/requests/times/?days=365").status_code == 200
        return len(captured)

    before = queries()
    for _ in range(3):
        partners.send(make_contact(), manager, ["police"])
    assert queries() == before


def test_r45_a_restricted_record_the_agency_owes_is_counted_never_named(
    sent, sergeant, person_for, admin, client
):
    child = sent["sefton"].enquiry.child
    restrict(
        person=person_for(child),
        allowed_users=[],
        ask="the MASH team manager",
        reason="A colleague's child",
        by=admin,
    )
    with agency_councils_open(sergeant):
        oversight = agency_oversight(sergeant, since=SINCE, now=NOW)
    assert oversight is not None
    assert [line.request.pk for line in oversight.owed] == [lewishams(sent, "force").pk]
    assert (oversight.owed_total, oversight.owed_restricted) == (2, 1)
    client.force_login(sergeant)
    page = client.get("/mash/requests/times/?days=365").content.decode()
    assert "1 more is about a record now restricted" in page
    assert f'href="/mash/requests/{sent["sefton"].pk}/"' not in page
