"""The managers' and leaders' dashboards: figures, filters, downloads and who may see them (R46).

A small known set of contacts, built through the domain functions, in the week of Monday
16 November 2026 (London), and one the month before:

| contact | channel, referrer       | team  | received     | progressed            | outcome     |
| ------- | ----------------------- | ----- | ------------ | --------------------- | ----------- |
| before  | telephone, professional | MASH  | 6 Oct 10:00  | 6 Oct 12:00           | assessment  |
| on_time | telephone, professional | MASH  | 17 Nov 10:00 | 17 Nov 13:00, on time | re-referral |
| late    | online form, public     | North | 17 Nov 11:00 | 19 Nov 12:00, late    | advice, L1  |
| open    | e-mail, professional    | -     | 18 Nov 09:30 | not yet: overdue      |             |
| red     | police, professional    | MASH  | 19 Nov 10:00 | 19 Nov 11:00, on time | strategy    |

The child of `before` and of `on_time` is the same person, so `on_time`'s referral is a
re-referral (R29).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.people.models import Person
from frontdoor.policy.clocks import LONDON
from frontdoor.returns.dashboards import Period, dashboard
from frontdoor.screening.decisions import complete_follow_up, record_decision
from frontdoor.screening.models import FollowUp
from frontdoor.screening.transitions import close_contact, start_screening
from tests.intake.factories import make_submission
from tests.screening.factories import decide_every_child

pytestmark = pytest.mark.django_db

WEEK = Period(first_day=dt.date(2026, 11, 16), last_day=dt.date(2026, 11, 22))
OCTOBER = Period(first_day=dt.date(2026, 10, 1), last_day=dt.date(2026, 10, 31))
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
WEEK_QUERY = {
    "start-day": "16",
    "start-month": "11",
    "start-year": "2026",
    "end-day": "22",
    "end-month": "11",
    "end-year": "2026",
}
PUBLIC = {"type": "public", "name": "A Neighbour", "phone": "07700 900123"}


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def one_child(first_name: str) -> list[dict]:
    return [
        {
            "first_name": first_name,
            "last_name": "Dashboardson",
            "date_of_birth": "2016-04-05",
            "postcode": "L21 7PQ",
        }
    ]


@pytest.fixture
def people(make_user):
    return {
        "officer": make_user(Role.CONTACT_OFFICER),
        "mash": make_user(Role.MASH_SOCIAL_WORKER, team="MASH"),
        "north": make_user(Role.MASH_SOCIAL_WORKER, team="North"),
        "manager": make_user(Role.MASH_MANAGER, team="MASH"),
    }


@pytest.fixture
def known_set(people):
    officer, manager = people["officer"], people["manager"]

    def contact(channel, received, name, *, worker=None, referrer=None, by=officer):
        overrides = {"children": one_child(name)}
        if referrer:
            overrides["referrer"] = referrer
        made = record_contact(
            submission=make_submission(**overrides), channel=channel, received_at=received, by=by
        ).contact
        if worker:
            start_screening(contact=made, by=worker, now=received + dt.timedelta(minutes=20))
        return made, made.children.get()

    def decide(contact, child, when, **values):
        values.setdefault("rationale", "The rationale for the dashboard's test.")
        return record_decision(contact=contact, child=child, by=manager, now=when, **values)

    assessment = {"level": 3, "outcome": "child_and_family_assessment", "primary_need": "N1"}
    person = Person.objects.create(first_name="Ellis", last_name="Dashboardson")

    before, before_child = contact(
        Channel.TELEPHONE, at(6, 10, month=10), "Ellis", worker=people["mash"]
    )
    before_child.person = person
    before_child.save(update_fields=["person"])
    decide(before, before_child, at(6, 12, month=10), **assessment)
    for follow_up in FollowUp.objects.filter(decision__contact=before, done_at__isnull=True):
        complete_follow_up(follow_up=follow_up, by=manager, note="Done.", now=at(7, 9, month=10))
    close_contact(contact=before, by=manager, now=at(7, 10, month=10))

    on_time, on_time_child = contact(Channel.TELEPHONE, at(17, 10), "Ellis", worker=people["mash"])
    on_time_child.person = person
    on_time_child.save(update_fields=["person"])
    decide(on_time, on_time_child, at(17, 13), **assessment)

    late, late_child = contact(
        Channel.ONLINE_FORM, at(17, 11), "Robin", worker=people["north"], referrer=PUBLIC, by=None
    )
    decide(late, late_child, at(19, 12), level=1, outcome="information_and_advice")

    contact(Channel.EMAIL, at(18, 9, 30), "Sam")

    red, red_child = contact(Channel.POLICE_NOTIFICATION, at(19, 10), "Kai", worker=people["mash"])
    decide(
        red,
        red_child,
        at(19, 11),
        level=4,
        outcome="strategy_discussion",
        rag="red",
        primary_need="N1",
    )


def bars(bar_list) -> dict[str, int]:
    return {bar.label: bar.count for bar in bar_list if bar.count}


def test_contacts_in_the_period_by_channel_and_source(known_set):
    figures = dashboard(period=WEEK, now=NOW)
    assert figures.contacts == 4
    assert bars(figures.by_channel) == {
        "Telephone": 1,
        "Online referral form": 1,
        "E-mail": 1,
        "Police notification": 1,
    }
    assert bars(figures.by_source) == {"Professional": 3, "Member of the public": 1}
    volume = bars(figures.volume)
    assert volume == {"Tue 17 Nov 2026": 2, "Wed 18 Nov 2026": 1, "Thu 19 Nov 2026": 1}
    assert len(figures.volume) == 7  # every day of the period, the quiet ones too


def test_open_work_by_stage_rag_and_due_time(known_set):
    figures = dashboard(period=WEEK, now=NOW)
    # The closed October contact is not open work; the decided ones are until they close.
    assert bars(figures.open_by_stage) == {"Received": 1, "Decided": 3}
    assert bars(figures.open_by_rag) == {"Red": 1, "Not going to MASH": 2, "Not yet decided": 1}
    assert (figures.due.overdue, figures.due.due_soon, figures.due.later) == (1, 0, 0)


def test_r25_share_progressed_in_time_counts_late_and_still_open_past_due(known_set):
    timeliness = dashboard(period=WEEK, now=NOW).timeliness
    assert timeliness.on_time == 2
    assert timeliness.late_progressed == 1  # decided two days after it arrived
    assert timeliness.late_open == 1  # still open, past its due time
    assert timeliness.within_time == 0
    assert timeliness.share.percent == 50.0


def test_a_contact_still_within_its_time_is_left_out_of_the_share(known_set):
    # On the Wednesday morning the e-mailed contact of 9:30 is not yet due (Thursday 9:30).
    timeliness = dashboard(period=WEEK, now=at(18, 10)).timeliness
    assert (timeliness.late_open, timeliness.within_time) == (0, 1)


def test_r29_outcomes_conversion_and_re_referral_rate(known_set):
    figures = dashboard(period=WEEK, now=NOW)
    outcomes = {row.label: row.by_level for row in figures.outcomes}
    assert outcomes == {
        "Child in need (section 17): Child and Family assessment": (0, 0, 1, 0),
        "Information, advice or signposting: no further action": (1, 0, 0, 0),
        "Child protection (section 47): strategy discussion": (0, 0, 0, 1),
    }
    assert (figures.conversion.part, figures.conversion.whole) == (2, 4)
    assert (figures.re_referrals.part, figures.re_referrals.whole) == (1, 2)
    assert figures.re_referrals.percent == 50.0


def test_date_range_filter_counts_only_the_period(known_set):
    figures = dashboard(period=OCTOBER, now=NOW)
    assert figures.contacts == 1
    assert (figures.re_referrals.part, figures.re_referrals.whole) == (0, 1)
    assert figures.timeliness.on_time == 1
    # Open work is now, whatever the period.
    assert bars(figures.open_by_stage) == {"Received": 1, "Decided": 3}


def test_team_filter_counts_only_that_teams_contacts(known_set):
    mash = dashboard(period=WEEK, team="MASH", now=NOW)
    assert bars(mash.by_channel) == {"Telephone": 1, "Police notification": 1}
    assert mash.timeliness.share.percent == 100.0
    assert (mash.conversion.part, mash.conversion.whole) == (2, 2)
    assert bars(mash.open_by_stage) == {"Decided": 2}
    north = dashboard(period=WEEK, team="North", now=NOW)
    assert north.contacts == 1
    assert (north.timeliness.on_time, north.timeliness.late) == (0, 1)
    assert north.re_referrals.whole == 0


# The page


def test_the_page_draws_each_chart_as_an_accessible_svg_beside_its_table(
    client, make_user, known_set
):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    response = client.get("/dashboards/", WEEK_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("channels", "sources", "volume", "stages", "rag"):
        assert f'aria-labelledby="chart-{key}-title chart-{key}-desc"' in html
        assert f'id="table-{key}"' in html
    assert 'role="img"' in html
    assert '<title id="chart-channels-title">Contacts by channel</title>' in html
    assert "Telephone: 1" in html  # the chart's description carries the numbers too
    assert "MASH enquiries answered on time, by agency" in html
    assert response.context["figures"].contacts == 4


def test_the_page_defaults_to_the_last_four_weeks(client, make_user):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    response = client.get("/dashboards/")
    period = response.context["figures"].period
    assert period.days == 28
    assert period.last_day == dt.datetime.now(LONDON).date()


def test_the_page_leads_to_the_statutory_returns_within_the_dashboards_section(client, make_user):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    dashboards = client.get("/dashboards/").content.decode()
    assert 'href="/returns/">statutory returns</a>' in dashboards
    returns = client.get("/returns/").content.decode()
    # The service navigation shows the returns page inside the dashboards' section.
    assert 'href="/dashboards/" aria-current="true">Dashboards</a>' in returns


def test_the_page_filters_by_team_from_the_query_string(client, make_user, known_set):
    client.force_login(make_user(Role.MASH_MANAGER))
    response = client.get("/dashboards/", {**WEEK_QUERY, "team": "North"})
    assert response.context["figures"].team == "North"
    assert response.context["figures"].contacts == 1


def test_an_end_before_the_start_is_refused_with_a_message(client, make_user):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    response = client.get("/dashboards/", {**WEEK_QUERY, "end-day": "1"})
    assert response.status_code == 200
    assert "The end date must be the same as or after the start date" in response.content.decode()


def test_an_end_date_alone_is_checked_against_the_default_start(client, make_user):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    response = client.get("/dashboards/", {"end-day": "28", "end-month": "2", "end-year": "2020"})
    assert "The end date must be the same as or after the start date" in response.content.decode()
    assert response.context["figures"] is None  # not the default period's, as if the answer


def test_a_bad_date_shows_the_error_and_no_figures(client, make_user, known_set):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    query = {**WEEK_QUERY, "start-month": "13"}
    response = client.get("/dashboards/", query)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_start-day">The start date must be a real date</a>' in page
    assert response.context["figures"] is None
    assert "At a glance" not in page and "Contacts received from" not in page
    assert 'name="start-month" type="text" inputmode="numeric" value="13"' in page  # kept
    download = client.get("/dashboards/", {**query, "download": "channels", "format": "csv"})
    assert download.status_code == 400


def test_csv_download_parses_back_to_the_same_numbers(client, make_user, known_set):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    response = client.get("/dashboards/", {**WEEK_QUERY, "download": "channels", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "channels-2026-11-16-to-2026-11-22.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Channel", "Contacts"]
    counts = {label: int(n) for label, n in rows[1:]}
    assert counts["Telephone"] == 1 and counts["Police notification"] == 1
    assert sum(counts.values()) == 4


def test_xlsx_download_parses_back_to_the_same_numbers(client, make_user, known_set):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    response = client.get(
        "/dashboards/", {**WEEK_QUERY, "download": "timeliness", "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Progressed on time"] == 2
    assert rows["Progressed late"] == 1
    assert rows["Still open past the due time"] == 1
    assert rows["Share progressed on time (%)"] == 50.0


def test_every_table_downloads_in_both_formats_with_the_pages_rows(client, make_user, known_set):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    tables = client.get("/dashboards/", WEEK_QUERY).context["tables"]
    for key, table in tables.items():
        as_csv = client.get("/dashboards/", {**WEEK_QUERY, "download": key, "format": "csv"})
        rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
        assert tuple(rows[0]) == table.columns
        assert len(rows) == len(table.rows) + 1, key
        as_xlsx = client.get("/dashboards/", {**WEEK_QUERY, "download": key, "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
        assert [
            [value.date() if isinstance(value, dt.datetime) else value for value in row]
            for row in sheet.iter_rows(min_row=2, values_only=True)
        ] == [list(row) for row in table.rows], key


def test_contacts_over_time_download_with_real_dates(client, make_user, known_set):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    query = {**WEEK_QUERY, "download": "volume"}
    as_csv = client.get("/dashboards/", {**query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert rows[0] == ["Day", "Contacts"]
    assert rows[1:3] == [["2026-11-16", "0"], ["2026-11-17", "2"]]  # ISO dates
    as_xlsx = client.get("/dashboards/", {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    day = sheet["A3"]
    assert day.is_date and day.value.date() == dt.date(2026, 11, 17)
    assert sheet["B3"].value == 2
    page = client.get("/dashboards/", WEEK_QUERY).content.decode()
    assert '<th scope="row" class="govuk-table__header">Tue 17 Nov 2026</th>' in page


def test_an_unknown_table_or_format_is_not_found(client, make_user):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    assert client.get("/dashboards/", {"download": "nothing"}).status_code == 404
    assert client.get("/dashboards/", {"download": "channels", "format": "pdf"}).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.PARTNER_AGENCY, Role.CONTACT_OFFICER, Role.MASH_SOCIAL_WORKER]
)
def test_roles_without_returns_view_are_refused(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get("/dashboards/")
    assert response.status_code == 403
    assert "You cannot use this page" in response.content.decode()
    download = client.get("/dashboards/", {"download": "channels", "format": "csv"})
    assert download.status_code == 403


@pytest.mark.parametrize(
    "role", [Role.PERFORMANCE_ANALYST, Role.SERVICE_MANAGER, Role.MASH_MANAGER]
)
def test_leaders_and_managers_may_see_the_dashboards(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get("/dashboards/").status_code == 200


def test_the_page_needs_a_fixed_number_of_queries(
    client, make_user, known_set, people, django_assert_max_num_queries
):
    client.force_login(make_user(Role.PERFORMANCE_ANALYST))
    with django_assert_max_num_queries(16):
        client.get("/dashboards/", WEEK_QUERY)
    # Ten more contacts with decisions change nothing in the count.
    for n in range(10):
        made = record_contact(
            submission=make_submission(),
            channel=Channel.EMAIL,
            received_at=at(20, 9, n),
            by=people["officer"],
        ).contact
        decide_every_child(made, by=people["manager"], now=at(20, 10, n))
    with django_assert_max_num_queries(16):
        response = client.get("/dashboards/", WEEK_QUERY)
    assert response.context["figures"].contacts == 14


def test_r36_mash_enquiries_answered_on_time_by_agency(make_user, manager):
    from frontdoor.mash import enquiries
    from tests.mash.test_enquiries import SENT, everyone, send
    from tests.screening.conftest import RECEIVED

    officer = make_user(Role.CONTACT_OFFICER)
    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    contact = record_contact(
        submission=make_submission(),
        channel=Channel.TELEPHONE,
        received_at=RECEIVED,
        by=officer,
    ).contact
    enquiry = send(contact, manager, rag="red", agencies=["police", "health"])  # due 13:00
    enquiries.answer_request(
        request=enquiry.requests.get(agency_key="police"),
        by=police,
        answers=everyone(contact),
        opinion="None.",
        submission_key="k",
        now=SENT + dt.timedelta(hours=1),
    )
    figures = dashboard(
        period=Period(first_day=SENT.date(), last_day=SENT.date()),
        now=SENT + dt.timedelta(hours=3),
    )
    rows = {row[0]: row[1:] for row in figures.tables()["enquiries"].rows}
    assert rows["Merseyside Police"] == (1, 1, 0, 0, 0, 0, 0, 100.0)
    assert rows["Health"] == (1, 0, 0, 1, 0, 0, 0, 0.0)


def test_r36_a_request_closed_before_an_answer_is_its_own_state(make_user, manager):
    from frontdoor.mash import enquiries
    from frontdoor.mash.models import AgencyRequest
    from tests.mash.test_enquiries import SENT, send
    from tests.screening.conftest import RECEIVED

    officer = make_user(Role.CONTACT_OFFICER)
    contact = record_contact(
        submission=make_submission(),
        channel=Channel.TELEPHONE,
        received_at=RECEIVED,
        by=officer,
    ).contact
    enquiry = send(contact, manager, rag="green", agencies=["police"])
    enquiries.review_rag(
        enquiry=enquiry,
        by=manager,
        rag="green",
        reason="Enough known.",
        now=SENT + dt.timedelta(hours=1),
    )
    later = SENT + dt.timedelta(hours=2)
    request = AgencyRequest.objects.get()
    assert request.state(later) == AgencyRequest.State.CLOSED
    assert AgencyRequest.objects.closed_before_an_answer().count() == 1
    assert not AgencyRequest.objects.waiting(later).exists()
    figures = dashboard(period=Period(first_day=SENT.date(), last_day=SENT.date()), now=later)
    rows = {row[0]: row[1:] for row in figures.tables()["enquiries"].rows}
    assert rows["Merseyside Police"] == (1, 0, 0, 0, 0, 1, 0, None)
