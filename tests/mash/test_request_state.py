"""R36: an agency's request is waiting, answered, answered late or overdue by one definition.

The request's `state(now)`, the queryset's counts, the MASH list, the review page, the partner's
CSV and the dashboards all read it from the same place, so they agree on each agency.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.mash import enquiries
from frontdoor.mash.models import AgencyRequest
from frontdoor.policy.clocks import LONDON
from frontdoor.returns.dashboards import Period, dashboard
from tests.mash.test_enquiries import SENT, _quiet_contact, everyone, send

pytestmark = pytest.mark.django_db
State = AgencyRequest.State
DUE = SENT + dt.timedelta(hours=2)  # Red: 2 clock hours


@pytest.fixture
def partners(make_user):
    return {
        key: make_user(Role.PARTNER_AGENCY, agency_key=key)
        for key in ("police", "health", "education", "housing")
    }


def answer(request, user, at):
    enquiries.answer_request(
        request=request,
        by=user,
        answers=everyone(request.enquiry.contact),
        opinion="Nothing further.",
        submission_key=f"answer-{request.pk}",
        now=at,
    )


def red_enquiry(contact, manager, partners, *, sent):
    """Police answer in time, health at the due time, education late; housing never."""
    enquiry = send(contact, manager, rag="red", agencies=list(partners), now=sent)
    requests = {request.agency_key: request for request in enquiry.requests.all()}
    due = requests["police"].due_at
    assert due == sent + dt.timedelta(hours=2)
    answer(requests["police"], partners["police"], sent + dt.timedelta(hours=1))
    answer(requests["health"], partners["health"], due)
    answer(requests["education"], partners["education"], due + dt.timedelta(minutes=30))
    return enquiry


def counted(now) -> dict[str, set[State | str]]:
    """Each request's state as the querysets count it."""
    found: dict[str, set[State | str]] = {}
    for state, requests in (
        (State.ANSWERED, AgencyRequest.objects.answered_in_time()),
        (State.LATE, AgencyRequest.objects.late()),
        (State.OVERDUE, AgencyRequest.objects.overdue(now)),
        (State.WAITING, AgencyRequest.objects.waiting(now)),
        ("untimed", AgencyRequest.objects.untimed()),
    ):
        for key in requests.values_list("agency_key", flat=True):
            found.setdefault(key, set()).add(state)
    return found


def test_r36_state_and_the_querysets_agree_before_at_and_after_the_due_time(
    contact, manager, partners
):
    enquiry = red_enquiry(contact, manager, partners, sent=SENT)
    expected = {
        DUE - dt.timedelta(minutes=1): State.WAITING,
        DUE: State.WAITING,  # the due time itself is still in time
        DUE + dt.timedelta(minutes=1): State.OVERDUE,
    }
    for now, housing in expected.items():
        states = {request.agency_key: request.state(now) for request in enquiry.requests.all()}
        assert states == {
            "police": State.ANSWERED,
            "health": State.ANSWERED,
            "education": State.LATE,
            "housing": housing,
        }
        assert counted(now) == {key: {state} for key, state in states.items()}


def test_r36_late_by_is_how_long_past_the_due_time(contact, manager, partners):
    enquiry = red_enquiry(contact, manager, partners, sent=SENT)
    requests = {request.agency_key: request for request in enquiry.requests.all()}
    now = DUE + dt.timedelta(hours=1)
    assert requests["education"].late_by(now) == dt.timedelta(minutes=30)
    assert requests["housing"].late_by(now) == dt.timedelta(hours=1)
    assert requests["police"].late_by(now) is None


def _tag_for(page: str, agency: str) -> str:
    """The clock tag shown after `agency`'s name on a page."""
    after = page.split(agency, 1)[1]
    return re.search(r'govuk-tag[^"]*">([^<]+)<', after).group(1)


def test_r36_the_mash_list_review_page_and_dashboard_agree(client, contact, manager, partners):
    # Sent three hours ago under Red: due an hour ago.
    sent = timezone.now() - dt.timedelta(hours=3)
    enquiry = red_enquiry(contact, manager, partners, sent=sent)
    now = timezone.now()
    names = {
        "police": "Merseyside Police",
        "health": "Health",
        "education": "Education",
        "housing": "Housing",
    }
    words = {
        State.ANSWERED: "Answered",
        State.LATE: "Answered late",
        State.OVERDUE: "Overdue",
        State.WAITING: "Waiting",
    }
    states = {request.agency_key: request.state(now) for request in enquiry.requests.all()}
    assert states["housing"] == State.OVERDUE
    client.force_login(manager)
    listed = client.get(reverse("mash:enquiries")).content.decode()
    reviewed = client.get(reverse("mash:review", args=[enquiry.pk])).content.decode()
    for key, state in states.items():
        assert _tag_for(listed, f">{names[key]}</th>") == words[state], key
        assert _tag_for(reviewed, f">{names[key]}</h3>") == words[state], key
    today = sent.astimezone(LONDON).date()
    figures = dashboard(period=Period(first_day=today, last_day=today), now=now)
    rows = {row.agency: row for row in figures.enquiries}
    for key, state in states.items():
        row = rows[names[key]]
        assert (row.on_time, row.late, row.overdue, row.waiting) == (
            int(state == State.ANSWERED),
            int(state == State.LATE),
            int(state == State.OVERDUE),
            int(state == State.WAITING),
        ), key


def test_r36_the_partners_list_and_csv_mark_late_by_the_same_definition(
    client, contact, manager, partners
):
    sent = timezone.now() - dt.timedelta(hours=3)
    red_enquiry(contact, manager, partners, sent=sent)
    client.force_login(partners["housing"])
    page = client.get(reverse("mash:requests")).content.decode()
    assert "app-overdue" in page and ">Overdue<" in page
    for key, late in (("housing", "Yes"), ("education", "Yes"), ("health", "No")):
        client.force_login(partners[key])
        response = client.get(reverse("mash:requests") + "?format=csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row["Late"] for row in rows] == [late], key
        assert rows[0]["RAG"] == "Red"
        # London's time to the minute, as the page shows it, not UTC's ISO format.
        alerted = dt.datetime.strptime(rows[0]["Alerted"], "%Y-%m-%d %H:%M")
        assert abs(alerted - sent.astimezone(LONDON).replace(tzinfo=None)) < dt.timedelta(minutes=2)


def test_r36_with_no_timescale_nothing_is_counted_on_time_or_in_time(
    client, make_contact, make_user, settings
):
    # Lewisham's policy sets no MASH enquiry clock: an answer is neither on time nor late.
    settings.FRONTDOOR_COUNCIL = "lewisham"
    manager = make_user(Role.MASH_MANAGER)
    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    health = make_user(Role.PARTNER_AGENCY, agency_key="health")
    sent = timezone.now() - dt.timedelta(hours=3)
    contact = _quiet_contact(make_contact, manager, manager_discretion=True)
    enquiry = send(contact, manager, rag="red", agencies=["police", "health"], now=sent)
    requests = {request.agency_key: request for request in enquiry.requests.all()}
    assert {request.due_at for request in requests.values()} == {None}
    answer(requests["police"], police, sent + dt.timedelta(hours=1))
    now = timezone.now()
    assert counted(now) == {"police": {"untimed"}, "health": {"untimed"}}
    today = sent.astimezone(LONDON).date()
    rows = {
        row.agency: row
        for row in dashboard(period=Period(first_day=today, last_day=today), now=now).enquiries
    }
    police_row, health_row = rows["Metropolitan Police"], rows["Health"]
    assert (police_row.on_time, police_row.waiting, police_row.untimed) == (0, 0, 1)
    assert (health_row.on_time, health_row.waiting, health_row.untimed) == (0, 0, 1)
    assert police_row.share.whole == 0  # no share of answers on time to give
    client.force_login(health)
    page = client.get(reverse("mash:request_times")).content.decode()
    cells = re.findall(r'numeric">(\d+)</td>', page[page.index("Every enquiry") :])
    # Asked, on time, late, overdue, waiting in time, closed, no timescale.
    assert cells[:7] == ["1", "0", "0", "0", "0", "0", "1"]
    response = client.get(reverse("mash:requests") + "?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Late"] for row in rows] == ["No timescale"]


def test_r36_an_answered_enquirys_page_says_when_it_was_answered_not_overdue(
    client, contact, manager, partners
):
    sent = timezone.now() - dt.timedelta(hours=3)
    enquiry = red_enquiry(contact, manager, partners, sent=sent)
    requests = {request.agency_key: request for request in enquiry.requests.all()}
    for key, words in (("police", ", on time: it was due by"), ("education", ", late: it was")):
        client.force_login(partners[key])
        page = client.get(reverse("mash:answer", args=[requests[key].pk])).content.decode()
        assert "Your agency answered on" in page
        assert words in page, key
        assert "Overdue by" not in page and "Answer by" not in page
    client.force_login(partners["housing"])
    page = client.get(reverse("mash:answer", args=[requests["housing"].pk])).content.decode()
    assert "Answer by" in page and "Overdue by" in page
