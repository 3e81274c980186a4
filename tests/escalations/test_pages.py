"""Escalation pages: opening, the escalation page, the list, the log and the step report (R42)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from frontdoor.accounts.permissions import can
from frontdoor.accounts.roles import Role
from frontdoor.escalations.models import Discussion, Escalation
from frontdoor.escalations.services import open_escalation
from frontdoor.policy.clocks import LONDON
from tests.attacks.html_checks import form_problems
from tests.escalations.test_services import discuss
from tests.mash.test_enquiries import send
from tests.screening.test_decisions import decide

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> dt.datetime:
    """The pages compare with the real clock, so these escalations are opened in the past."""
    return (dt.datetime.now(LONDON) - dt.timedelta(days=days)).replace(second=0, microsecond=0)


def test_partner_opens_an_escalation_on_their_agencys_contact(client, contact, manager, police):
    send(contact, manager, agencies=["police"])
    client.force_login(police)
    url = reverse("escalations:open", args=[contact.reference])
    assert client.get(url).status_code == 200
    response = client.post(url, {"about": "This meets s47.", "submission_key": "x" * 24})
    escalation = Escalation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("escalations:detail", args=[escalation.pk])
    assert escalation.raised_by_agency == "police"
    page = client.get(response["Location"]).content.decode()
    assert "Practitioner to practitioner" in page
    assert "Record the discussion that ends step 1" in page


def test_another_agencys_contact_is_not_found(client, contact, manager, health):
    send(contact, manager, agencies=["police"])
    client.force_login(health)
    assert client.get(reverse("escalations:open", args=[contact.reference])).status_code == 404


def test_an_empty_escalation_shows_the_error_summary(client, contact, manager):
    client.force_login(manager)
    response = client.post(reverse("escalations:open", args=[contact.reference]), {"about": ""})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter what you disagree with, and why" in page
    assert not Escalation.objects.exists()


def test_the_decision_summary_links_to_escalate_it(client, contact, manager):
    decision = decide(contact, contact.children.first(), manager)
    client.force_login(manager)
    page = client.get(reverse("screening:contact", args=[contact.reference])).content.decode()
    assert reverse("escalations:open", args=[contact.reference, decision.pk]) in page


def test_recording_a_discussion_from_the_page(client, contact, manager):
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=days_ago(2))
    client.force_login(manager)
    before = days_ago(3)
    data = {
        "held_on-day": before.day,
        "held_on-month": before.month,
        "held_on-year": before.year,
        "held_time": "09:00",
        "method": "telephone",
        "participants": "Both practitioners",
        "discussion": "The threshold.",
        "agreed_plan": "Managers meet within 2 working days.",
        "outcome": "escalate",
        "expected_step": 1,
    }
    url = reverse("escalations:detail", args=[escalation.pk])
    # Held before the escalation was opened: refused, with the error summary.
    page = client.post(url, data).content.decode()
    assert "There is a problem" in page and "cannot be earlier" in page
    assert form_problems(page) == []  # the summary links to the date, not the page
    today = dt.datetime.now(LONDON)
    data.update(
        {"held_on-day": today.day, "held_on-month": today.month, "held_on-year": today.year}
    )
    data["held_time"] = "00:00"
    assert client.post(url, data).status_code == 302
    escalation.refresh_from_db()
    assert escalation.step == 2
    # The same page sent again is a stale step: refused, naming who moved it.
    page = client.post(url, data).content.decode()
    assert "was already ended by" in page
    assert Discussion.objects.count() == 1


def test_a_discussion_posted_without_its_step_says_what_to_do_not_a_field_name(
    client, contact, manager
):
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager)
    client.force_login(manager)
    url = reverse("escalations:detail", args=[escalation.pk])
    page = client.post(url, {"method": "telephone"}).content.decode()
    assert "Open the escalation again and record the discussion from its page" in page
    assert "expected step" not in page.lower()


def test_sefton_offers_no_email_method_and_refuses_it(client, contact, manager):
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager)
    client.force_login(manager)
    url = reverse("escalations:detail", args=[escalation.pk])
    page = client.get(url).content.decode()
    assert 'value="telephone"' in page and 'value="email"' not in page
    page = client.post(url, {"method": "email", "expected_step": 1}).content.decode()
    assert "Select one of the ways listed" in page


def test_the_list_is_read_by_mash_staff_the_log_and_report_by_managers_only(
    client, contact, manager, make_user, service_manager
):
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=days_ago(30))
    worker = make_user(Role.MASH_SOCIAL_WORKER)
    for user in (service_manager, manager, worker):
        client.force_login(user)
        page = client.get(reverse("escalations:list")).content.decode()
        assert escalation.reference in page
        assert reverse("escalations:detail", args=[escalation.pk]) in page
        assert "Overdue" in page  # step 1 was due within 2 working days
        # The log and the report are linked for those who may open them, and only them.
        overseer = user is not worker
        assert (reverse("escalations:log") in page) is overseer
        assert (reverse("escalations:report") in page) is overseer
    # The worker reaches the list from their home page, and back to it from an escalation.
    client.force_login(worker)
    assert reverse("escalations:list") in client.get(reverse("home")).content.decode()
    detail = client.get(reverse("escalations:detail", args=[escalation.pk])).content.decode()
    assert reverse("escalations:list") in detail
    for name in ("escalations:log", "escalations:report"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "You cannot see the escalation summary log" in response.content.decode()
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    for name in ("escalations:list", "escalations:log", "escalations:report"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "You cannot" in response.content.decode()


def test_a_partner_cannot_see_another_agencys_escalation(client, contact, manager, police, health):
    send(contact, manager)
    escalation = open_escalation(contact=contact, about="Disagree.", by=police)
    client.force_login(health)
    assert client.get(reverse("escalations:detail", args=[escalation.pk])).status_code == 404
    client.force_login(police)
    assert client.get(reverse("escalations:detail", args=[escalation.pk])).status_code == 200


def test_r39_a_partner_finds_the_escalations_its_agency_raised(
    client, contact, manager, police, health
):
    send(contact, manager)
    escalation = open_escalation(contact=contact, about="Disagree.", by=police)
    mine = open_escalation(contact=contact, about="Disagree too.", by=manager)
    detail = reverse("escalations:detail", args=[escalation.pk])
    client.force_login(police)
    # From the partner's own page, to the list, to the escalation.
    requests_page = client.get(reverse("mash:requests")).content.decode()
    assert reverse("escalations:raised") in requests_page
    listed = client.get(reverse("escalations:raised")).content.decode()
    assert detail in listed
    assert reverse("escalations:detail", args=[mine.pk]) not in listed
    client.force_login(health)
    assert detail not in client.get(reverse("escalations:raised")).content.decode()
    client.force_login(manager)
    listed = client.get(reverse("escalations:raised")).content.decode()
    assert reverse("escalations:detail", args=[mine.pk]) in listed and detail not in listed


def test_each_escalation_leads_back_to_its_list_and_on_to_its_contact(
    client, contact, manager, police
):
    send(contact, manager)
    escalation = open_escalation(contact=contact, about="Disagree.", by=police)
    detail = reverse("escalations:detail", args=[escalation.pk])
    contact_page = reverse("intake:contact", args=[contact.reference])
    # The police follow it from the list of those they raised, and back; the contact is
    # children's services' record, not linked for them.
    client.force_login(police)
    page = client.get(detail).content.decode()
    assert f'href="{reverse("escalations:raised")}"' in page
    assert f'href="{reverse("escalations:list")}"' not in page
    assert contact_page not in page
    assert contact_page not in client.get(reverse("escalations:raised")).content.decode()
    # The manager goes back to every escalation, and on to the contact from the page and list.
    client.force_login(manager)
    page = client.get(detail).content.decode()
    assert f'href="{reverse("escalations:list")}"' in page and contact_page in page
    assert contact_page in client.get(reverse("escalations:list")).content.decode()


def test_r39_r45_each_escalation_page_answers_every_role_as_the_matrix_says(
    client, contact, manager, make_user
):
    """The matrix is the one answer: the list is `escalation.read_any`, the log and report
    `escalation.oversee`, and an escalation is read by anyone who may open one, every one by
    those with `read_any`."""
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=days_ago(1))
    detail = reverse("escalations:detail", args=[escalation.pk])
    for role in Role:
        user = make_user(role)
        client.force_login(user)
        for name, action in (
            ("escalations:list", "escalation.read_any"),
            ("escalations:log", "escalation.oversee"),
            ("escalations:report", "escalation.oversee"),
        ):
            expected = 200 if can(user, action) else 403
            assert client.get(reverse(name)).status_code == expected, (role, name)
        if not can(user, "escalation.open"):
            expected = 403
        elif can(user, "escalation.read_any"):
            expected = 200
        else:
            expected = 404  # raised by someone else: need-to-know
        assert client.get(detail).status_code == expected, role


def test_r42_a_resolved_escalation_takes_no_more_discussions_and_says_why(client, contact, manager):
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=days_ago(2))
    discuss(escalation, manager, days_ago(1), outcome="resolved")
    client.force_login(manager)
    url = reverse("escalations:detail", args=[escalation.pk])
    response = client.post(url, {"method": "telephone", "expected_step": 1}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "is resolved: no further discussion is recorded" in response.content.decode()
    assert Discussion.objects.count() == 1


@pytest.fixture
def two_escalations(contact, make_contact, manager, police):
    """One resolved late at step 2; one open at step 1, overdue."""
    send(contact, manager)
    opened = days_ago(40)
    first = open_escalation(contact=contact, about="=HYPERLINK(bad)", by=police, now=opened)
    discuss(first, police, opened + dt.timedelta(hours=1))  # in time
    first.refresh_from_db()
    discuss(first, manager, days_ago(20), outcome="resolved")  # 2 working days were due
    second = open_escalation(contact=make_contact(), about="Disagree.", by=manager, now=opened)
    return first, second


def test_the_escalation_log_as_csv_and_xlsx(client, manager, two_escalations):
    first, second = two_escalations
    client.force_login(manager)
    response = client.get(reverse("escalations:log"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Reference", "Contact", "Decision", "What is disagreed with"]
    assert [row[0] for row in rows[1:]] == [first.reference, second.reference]
    assert rows[1][3] == "'=HYPERLINK(bad)"  # never run as a formula
    assert rows[1][5] == "Merseyside Police"
    assert rows[1][7:10] == ["2", "Manager to manager", "Resolved"]
    assert rows[1][11] == "1"  # one late step
    assert rows[2][5] == "Children's services"
    due = second.steps.get().due_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")
    assert rows[2][9:12] == ["Open", due, "1"]  # open past its due time

    response = client.get(reverse("escalations:log"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == first.reference
    assert values[1][7] == 2
    # Times are date-and-time cells a spreadsheet sorts and filters, in London's time.
    raised_at = values[0].index("Raised at")
    local = first.raised_at.astimezone(LONDON).replace(tzinfo=None, second=0, microsecond=0)
    assert values[1][raised_at] == local
    assert values[2][values[0].index("Current step due")] == due_local(second)

    # The page writes them as the CSV does.
    page = client.get(reverse("escalations:log")).content.decode()
    assert local.strftime("%Y-%m-%d %H:%M") in page


def due_local(escalation) -> dt.datetime:
    due = escalation.steps.get().due_at.astimezone(LONDON)
    return due.replace(tzinfo=None, second=0, microsecond=0)


def test_the_step_report_counts_reached_resolved_and_late(client, service_manager, two_escalations):
    client.force_login(service_manager)
    response = client.get(reverse("escalations:report"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Step",
        "Name",
        "Reached",
        "Resolved at this step",
        "Escalated",
        "Open",
        "Late",
    ]
    # A MASH case discussion's disagreement goes to the service manager before step 1 (R39).
    assert rows[1] == ["Before step 1", "Service manager", "0", "0", "0", "0", "0"]
    assert rows[2] == ["1", "Practitioner to practitioner", "2", "0", "1", "1", "1"]
    assert rows[3] == ["2", "Manager to manager", "1", "1", "0", "0", "1"]
    assert rows[4][2:] == ["0", "0", "0", "0", "0"]
    assert len(rows) == 6  # Sefton's steps, each listed even when none reached it

    response = client.get(reverse("escalations:report"), {"format": "xlsx"})
    values = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert values[2] == (1, "Practitioner to practitioner", 2, 0, 1, 1, 1)

    page = client.get(reverse("escalations:report")).content.decode()
    assert "escalations/print.css" in page and 'media="print"' in page
    assert client.get(reverse("escalations:report"), {"format": "pdf"}).status_code == 404


def test_the_mash_review_and_the_home_page_lead_to_escalations(
    client, contact, manager, service_manager
):
    enquiry = send(contact, manager)
    client.force_login(manager)
    page = client.get(reverse("mash:review", args=[enquiry.pk])).content.decode()
    assert reverse("escalations:open", args=[contact.reference]) in page
    client.force_login(service_manager)
    assert reverse("escalations:list") in client.get(reverse("home")).content.decode()


def test_r39_a_partner_escalates_a_meeting_outcome_from_the_meetings_it_attended(
    client, contact, manager, police
):
    from tests.escalations.test_services import _meeting_with_police_dissenting

    meeting = _meeting_with_police_dissenting(contact, manager)
    client.force_login(police)
    requests_page = client.get(reverse("mash:requests")).content.decode()
    assert reverse("escalations:meetings") in requests_page
    listed = client.get(reverse("escalations:meetings")).content.decode()
    url = reverse("escalations:open_meeting", args=[meeting.pk])
    assert url in listed and contact.reference in listed
    page = client.get(url).content.decode()
    # Need-to-know: the meeting's outcome, not its analysis, plan or the children's names.
    assert meeting.outcome_label in page
    assert "no consensus" in page
    assert meeting.plan_of_action not in page and meeting.analysis not in page
    assert contact.children.first().first_name not in page
    response = client.post(url, {"about": "Police see a crime.", "submission_key": "m" * 24})
    escalation = Escalation.objects.get()
    assert response["Location"] == reverse("escalations:detail", args=[escalation.pk])
    assert escalation.meeting == meeting
    detail = client.get(response["Location"]).content.decode()
    assert meeting.outcome_label in detail


def test_r39_a_meeting_the_agency_did_not_attend_is_not_found(client, contact, manager, health):
    from tests.escalations.test_services import _meeting_with_police_dissenting

    meeting = _meeting_with_police_dissenting(contact, manager, health_attended=False)
    client.force_login(health)
    assert client.get(reverse("escalations:open_meeting", args=[meeting.pk])).status_code == 404
    assert contact.reference not in client.get(reverse("escalations:meetings")).content.decode()


def test_r39_a_meeting_stays_open_to_its_attendees_after_a_sibling_is_restricted(
    client, make_contact, person_for, manager, police, admin, worker
):
    from frontdoor.privacy.restrictions import restrict
    from tests.escalations.test_services import _meeting_with_police_dissenting
    from tests.privacy.test_restricted_sibling_pages import CASPIAN, OTTOLINE

    contact = make_contact(children=[CASPIAN, OTTOLINE])
    caspian, ottoline = contact.children.order_by("id")
    meeting = _meeting_with_police_dissenting(contact, manager)
    restrict(person=person_for(ottoline), allowed_users=[worker], ask="Ask", reason="Kin", by=admin)
    client.force_login(police)
    url = reverse("escalations:open_meeting", args=[meeting.pk])
    # The meeting is about Caspian too, whom the restriction does not hide (R45's per-person rule).
    assert url in client.get(reverse("escalations:meetings")).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "Ottoline" not in page.content.decode()
    client.post(url, {"about": "Police see a crime.", "submission_key": "r" * 24})
    assert Escalation.objects.get().meeting == meeting
    # Once every child is restricted, the meeting is closed to the police as the contact is.
    restrict(person=person_for(caspian), allowed_users=[worker], ask="Ask", reason="Kin", by=admin)
    assert client.get(url).status_code == 404


def test_r39_the_meeting_page_leads_to_escalating_its_outcome(client, contact, manager):
    from tests.escalations.test_services import _meeting_with_police_dissenting

    meeting = _meeting_with_police_dissenting(contact, manager)
    client.force_login(manager)
    page = client.get(reverse("mash:meeting", args=[meeting.pk])).content.decode()
    assert reverse("escalations:open_meeting", args=[meeting.pk]) in page


def test_the_list_and_the_raised_page_show_escalations_in_one_table(client, contact, manager):
    def table(name):
        response = client.get(reverse(name))
        assert "escalations/_table.html" in {t.name for t in response.templates}
        text = response.content.decode()
        return text[text.index('<table class="govuk-table">') : text.index("</table>")]

    client.force_login(manager)
    assert "There are no escalations." in table("escalations:list")
    assert "You have raised no escalations." in table("escalations:raised")
    send(contact, manager)
    escalation = open_escalation(contact=contact, about="Disagree.", by=manager, now=days_ago(1))
    listed, raised = table("escalations:list"), table("escalations:raised")
    assert reverse("escalations:detail", args=[escalation.pk]) in listed
    assert listed == raised


def restrict_every_child(contact, *, person_for, allowed, admin) -> None:
    """Restrict each child of `contact` to `allowed`: the contact is then closed to others."""
    from frontdoor.privacy.restrictions import restrict

    for child in contact.children.all():
        restrict(
            person=person_for(child),
            allowed_users=[allowed],
            ask="The head of service",
            reason="A family member works for the police.",
            by=admin,
        )


def test_r45_an_escalation_about_a_restricted_record_says_whom_to_ask(
    client, contact, manager, worker, police, service_manager, person_for, admin
):
    send(contact, manager, agencies=["police"])
    child = contact.children.first()
    raised = open_escalation(
        contact=contact, about=f"Physical assault on {child.first_name}.", by=police
    )
    restrict_every_child(contact, person_for=person_for, allowed=manager, admin=admin)
    # The police raised it: they follow it, without the child (test_raiser_follows).
    client.force_login(police)
    page = client.get(reverse("escalations:detail", args=[raised.pk])).content.decode()
    assert "Physical assault on [restricted: ask The head of service]." in page
    assert child.first_name not in page
    for user in (worker, service_manager):
        client.force_login(user)
        response = client.get(reverse("escalations:detail", args=[raised.pk]))
        assert response.status_code == 403
        page = response.content.decode()
        assert "The head of service" in page
        assert contact.reference not in page and "Physical assault" not in page
        for name in ("escalations:list", "escalations:raised", "escalations:log"):
            if client.get(reverse(name)).status_code == 200:
                listed = client.get(reverse(name)).content.decode()
                assert "Physical assault" not in listed and contact.reference not in listed
    client.force_login(service_manager)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("escalations:log"), {"format": "csv"}).content.decode())
        )
    )
    assert rows[1][:3] == [raised.reference, "Restricted: ask The head of service", ""]
    client.force_login(manager)
    assert "Physical assault" in client.get(reverse("escalations:detail", args=[raised.pk])).text


def test_r45_the_lists_show_a_restricted_escalation_as_whom_to_ask(
    client, contact, make_contact, manager, police, service_manager, person_for, admin
):
    send(contact, manager, agencies=["police"])
    child = contact.children.first()
    hidden = open_escalation(
        contact=contact, about=f"Physical assault on {child.first_name}.", by=police
    )
    other = make_contact()
    send(other, manager, agencies=["police"])
    shown = open_escalation(contact=other, about="The threshold was too high.", by=police)
    restrict_every_child(contact, person_for=person_for, allowed=manager, admin=admin)
    client.force_login(service_manager)
    page = client.get(reverse("escalations:list")).content.decode()
    # Counted, with its reference and whom to ask, and nothing of the record.
    assert hidden.reference in page and "Restricted: ask The head of service" in page
    assert contact.reference not in page and "Physical assault" not in page
    assert shown.reference in page and other.reference in page
    assert page.index(shown.reference) < page.index(hidden.reference)
    # The police raised it, and follow it: where it stands, and whom to ask about the rest.
    client.force_login(police)
    page = client.get(reverse("escalations:raised")).content.decode()
    assert hidden.reference in page and "Details withheld: ask The head of service" in page
    assert "Restricted: ask" not in page and child.first_name not in page
    assert shown.reference in page and other.reference in page


def test_r42_the_contacts_audit_trail_shows_the_meeting_and_the_escalation_about_it(
    client, contact, manager, police
):
    from tests.mash.test_meetings import REQUIRED, schedule

    send(contact, manager, agencies=["police"])
    schedule(contact, manager, invitees=REQUIRED[:3], override_reason="Health on strike")
    escalation = open_escalation(
        contact=contact, about="The police think this meets s47.", by=police, now=days_ago(1)
    )
    client.force_login(manager)
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    trail = page[
        page.index('id="audit-events"') : page.index("</table>", page.index("audit-events"))
    ]
    # What happened, then the reason as the reason: not the reason in place of what happened.
    assert "Strategy meeting scheduled for " in trail
    assert "without every agency that must attend" in trail
    assert "Reason: Health on strike" in trail
    assert "Meeting scheduled: Health on strike" not in trail
    # The escalation about the contact is on the contact's trail, with what is disagreed with.
    assert f"Escalation opened: {escalation.reference}" in trail
    assert "What is disagreed with: The police think this meets s47." in trail


def test_r39_r45_a_partner_agency_manager_sees_its_agencys_escalations_only(
    client, contact, make_contact, manager, police, make_user
):
    """The manager follows what their agency raised, as its users do, and raises one as the
    agency; no other escalation, nor any contact their agency was not asked about."""
    sergeant = make_user(Role.PARTNER_AGENCY_MANAGER, agency_key="police")
    other = make_contact()
    send(contact, manager, agencies=["police"])
    theirs = open_escalation(contact=contact, about="Disagree.", by=police)
    councils = open_escalation(contact=contact, about="Disagree too.", by=manager)
    client.force_login(sergeant)
    listed = client.get(reverse("escalations:raised")).content.decode()
    assert reverse("escalations:detail", args=[theirs.pk]) in listed
    assert reverse("escalations:detail", args=[councils.pk]) not in listed
    assert client.get(reverse("escalations:detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("escalations:detail", args=[councils.pk])).status_code == 404
    assert client.get(reverse("escalations:list")).status_code == 403
    assert client.get(reverse("escalations:open", args=[other.reference])).status_code == 404
    own = open_escalation(contact=contact, about="The police disagree.", by=sergeant)
    assert own.raised_by_agency == "police"
