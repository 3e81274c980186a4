"""Clocks read the way DOMAIN.md "How clocks are read" says, on real dates and as properties.

Every time here is a London wall-clock time (`at("2026-10-15 16:00")`); the clocks return UTC, so
expected times are compared as instants. An October wall-clock time between 01:00 and 02:00 happens
twice: `fold=1` is the second one, in GMT. No test sleeps: every instant is passed in.

Plain pytest, no database: the policies come from policies/ through tests/policy/conftest.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from frontdoor.policy.clocks import (
    LONDON,
    UTC,
    Deadline,
    WorkingCalendar,
    core_time_between,
    deadline_in_words,
    due_at,
    months_before,
    start_clock,
)
from frontdoor.policy.schema import Policy, TimescaleKey, Unit


def at(text: str, *, fold: int = 0) -> dt.datetime:
    """'2026-10-15 16:00' as a Europe/London wall-clock time (aware)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON, fold=fold)


def instant(moment: dt.datetime) -> dt.datetime:
    # Aware datetimes in different zones compare unequal whenever one falls in October's repeated
    # hour (PEP 495), so expected London times are turned into the UTC instant before comparing.
    return moment.astimezone(UTC)


def policy_named(request: pytest.FixtureRequest, policy_id: str) -> Policy:
    return request.getfixturevalue(policy_id.replace("-", "_"))


# Real dates used below (weekdays checked against a calendar):
# Thu 15, Fri 16, Sat 17, Mon 19 October 2026: an ordinary week.
# Fri 23 October 2026, then BST ends on Sun 25 October at 02:00 BST (01:00 GMT).
# Thu 24 December 2026; 25 (Fri) and 28 (Mon, Boxing Day substitute) are bank holidays.
# Fri 27 March 2026, then BST starts on Sun 29 March 2026 at 01:00 GMT (02:00 BST).
# Thu 25 March 2027; 26 (Good Friday) and 29 (Easter Monday) are bank holidays, and BST starts on
# Sun 28 March 2027: the Friday before the March 2027 change is a bank holiday, so a clock across
# that change runs from Thursday to Tuesday.
POLICY_CASES = [
    # DOMAIN.md's examples.
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_AMBER,
        at("2026-10-15 16:00"),
        at("2026-10-16 13:30"),
        id="r36-amber-6-core-hours-from-thu-16:00-due-fri-13:30",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_AMBER,
        at("2026-10-16 15:00"),
        at("2026-10-19 14:00"),
        id="r36-amber-6-core-hours-from-fri-15:00-due-mon-14:00",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.CONTACT_PROGRESSED,
        at("2026-10-15 10:00"),
        at("2026-10-16 16:00"),
        id="r25-1-working-day-from-thu-10:00-due-fri-16:00",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.CONTACT_PROGRESSED,
        at("2026-10-16 15:00"),
        at("2026-10-19 17:30"),
        id="r25-1-working-day-from-fri-15:00-due-mon-17:30",
    ),
    # A contact taken by the Emergency Duty Team in the night.
    pytest.param(
        "sefton",
        TimescaleKey.CONTACT_PROGRESSED,
        at("2026-10-17 02:00"),
        at("2026-10-19 17:30"),
        id="r25-edt-contact-sat-02:00-due-mon-17:30",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_RED,
        at("2026-10-17 02:00"),
        at("2026-10-17 04:00"),
        id="r36-red-2-clock-hours-from-sat-02:00-due-sat-04:00",
    ),
    # Easter 2027: Good Friday and Easter Monday are not working days.
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_GREEN,
        at("2027-03-25 10:00"),
        at("2027-03-30 17:30"),
        id="r36-green-1-working-day-from-thu-before-easter-due-tue-17:30",
    ),
    pytest.param(
        "sefton-2022",
        TimescaleKey.MASH_ENQUIRY_GREEN,
        at("2027-03-25 16:00"),
        at("2027-03-30 11:30"),
        id="r36-2022-green-4-core-hours-from-thu-16:00-before-easter-due-tue-11:30",
    ),
    # Christmas 2026: 30 minutes on the 24th, then closed 25 to 28 December (28: Boxing Day
    # substitute), so the other 5.5 hours run on Tuesday 29th.
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_AMBER,
        at("2026-12-24 17:00"),
        at("2026-12-29 14:30"),
        id="r36-amber-from-christmas-eve-17:00-due-tue-29-dec-14:30",
    ),
    # The end of BST, Sunday 25 October 2026: 01:00-02:00 happens twice.
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_RED,
        at("2026-10-25 00:30"),
        at("2026-10-25 01:30", fold=1),
        id="r36-red-2-clock-hours-from-00:30-bst-due-01:30-gmt-when-bst-ends",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.STRATEGY_MEETING,
        at("2026-10-24 12:00"),
        at("2026-10-25 11:00"),
        id="r40-strategy-meeting-24-hours-from-sat-12:00-bst-due-sun-11:00-gmt",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_AMBER,
        at("2026-10-23 15:00"),
        at("2026-10-26 14:00"),
        id="r36-amber-from-fri-15:00-bst-due-mon-14:00-gmt",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.CONTACT_PROGRESSED,
        at("2026-10-23 10:00"),
        at("2026-10-26 17:30"),
        id="r25-1-working-day-from-fri-bst-due-mon-17:30-gmt",
    ),
    # The start of BST, Sunday 28 March 2027: 01:00-02:00 never happens.
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_RED,
        at("2027-03-28 00:30"),
        at("2027-03-28 03:30"),
        id="r36-red-2-clock-hours-from-00:30-gmt-due-03:30-bst-when-bst-starts",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.STRATEGY_MEETING,
        at("2027-03-27 12:00"),
        at("2027-03-28 13:00"),
        id="r40-strategy-meeting-24-hours-from-sat-12:00-gmt-due-sun-13:00-bst",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_AMBER,
        at("2027-03-25 16:00"),
        at("2027-03-30 13:30"),
        id="r36-amber-from-thu-16:00-gmt-over-easter-due-tue-13:30-bst",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.MASH_ENQUIRY_AMBER,
        at("2026-03-27 15:00"),
        at("2026-03-30 14:00"),
        id="r36-amber-from-fri-15:00-gmt-due-mon-14:00-bst-2026",
    ),
    pytest.param(
        "sefton",
        TimescaleKey.CONTACT_PROGRESSED,
        at("2026-03-27 10:00"),
        at("2026-03-30 17:30"),
        id="r25-1-working-day-from-fri-gmt-due-mon-17:30-bst-2026",
    ),
    # Lewisham's working-day timescales (its core hours close at 17:00).
    pytest.param(
        "lewisham",
        TimescaleKey.REFERRER_FEEDBACK,
        at("2026-10-12 11:00"),
        at("2026-10-15 17:00"),
        id="r30-lewisham-referrer-told-in-3-working-days-mon-due-thu-17:00",
    ),
    pytest.param(
        "lewisham",
        TimescaleKey.CHILD_SEEN,
        at("2026-12-23 15:00"),
        at("2027-01-04 17:00"),
        id="r31-lewisham-child-seen-in-5-working-days-over-christmas-due-mon-4-jan",
    ),
    pytest.param(
        "lewisham",
        TimescaleKey.CONTACT_PROGRESSED,
        at("2026-10-23 16:30"),
        at("2026-10-26 17:00"),
        id="r25-lewisham-1-working-day-from-fri-bst-due-mon-17:00-gmt",
    ),
]


@pytest.mark.parametrize(("policy_id", "key", "start", "due"), POLICY_CASES)
def test_policy_timescale_is_due_when_domain_says(
    request: pytest.FixtureRequest,
    policy_id: str,
    key: TimescaleKey,
    start: dt.datetime,
    due: dt.datetime,
) -> None:
    policy = policy_named(request, policy_id)
    deadline = start_clock(
        timescale=policy.timescale(key), start=start, calendar=WorkingCalendar(policy.calendar)
    )
    assert deadline is not None
    assert deadline.due == instant(due)
    assert deadline.started_at == instant(start)
    assert deadline.unit == policy.timescale(key).unit


LENGTH_CASES = [
    pytest.param(
        Decimal(2),
        Unit.WORKING_DAYS,
        at("2026-12-24 10:00"),
        at("2026-12-30 17:30"),
        id="2-working-days-from-christmas-eve-due-wed-30-dec-17:30",
    ),
    # R32: Sefton closes at 16:00 on Fridays, so half of the hour is left for Monday.
    pytest.param(
        Decimal(1),
        Unit.CORE_HOURS,
        at("2026-10-16 15:30"),
        at("2026-10-19 09:30"),
        id="r32-1-core-hour-from-fri-15:30-due-mon-09:30",
    ),
    pytest.param(
        Decimal(2),
        Unit.WORKING_DAYS,
        at("2027-03-24 12:00"),
        at("2027-03-30 17:30"),
        id="2-working-days-from-wed-before-easter-due-tue-17:30-bst",
    ),
    pytest.param(
        Decimal("1.5"),
        Unit.CLOCK_HOURS,
        at("2026-10-25 01:45"),
        at("2026-10-25 02:15"),
        id="1.5-clock-hours-from-first-01:45-bst-due-02:15-gmt",
    ),
    pytest.param(
        Decimal(45),
        Unit.WORKING_DAYS,
        at("2026-12-01 12:00"),
        at("2027-02-05 16:00"),
        id="45-working-days-from-tue-1-dec-over-christmas-due-fri-5-feb-16:00",
    ),
]


@pytest.mark.parametrize(("length", "unit", "start", "due"), LENGTH_CASES)
def test_sefton_length_is_due_when_domain_says(
    sefton_calendar: WorkingCalendar,
    length: Decimal,
    unit: Unit,
    start: dt.datetime,
    due: dt.datetime,
) -> None:
    assert due_at(start=start, length=length, unit=unit, calendar=sefton_calendar) == instant(due)


def length_of(unit: Unit) -> int | None:
    """A length a clock in `unit` accepts: a same-day clock has none."""
    return None if unit == Unit.SAME_DAY else 1


def test_clocks_return_utc(sefton_calendar: WorkingCalendar) -> None:
    for unit in Unit:
        start = at("2026-10-15 10:00")
        moment = due_at(start=start, length=length_of(unit), unit=unit, calendar=sefton_calendar)
        assert moment.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Any time of a day, a working day or not, is due at the midnight that ends it.
        pytest.param(at("2026-10-15 10:00"), at("2026-10-16 00:00"), id="thu-10:00-due-midnight"),
        pytest.param(at("2026-10-17 23:30"), at("2026-10-18 00:00"), id="sat-23:30-due-midnight"),
        pytest.param(at("2026-12-25 09:00"), at("2026-12-26 00:00"), id="christmas-day"),
        # 25 October 2026 has 25 hours (BST ends): its midnight is still the next day's first.
        pytest.param(at("2026-10-25 01:30", fold=1), at("2026-10-26 00:00"), id="the-day-bst-ends"),
        pytest.param(at("2027-03-28 00:00"), at("2027-03-29 00:00"), id="the-day-bst-starts"),
    ],
)
def test_a_same_day_clock_is_due_at_the_end_of_the_london_day(
    sefton_calendar: WorkingCalendar, start: dt.datetime, due: dt.datetime
) -> None:
    assert due_at(
        start=start, length=None, unit=Unit.SAME_DAY, calendar=sefton_calendar
    ) == instant(due)


def test_r40_a_same_day_deadline_reads_as_the_end_of_its_own_day(
    lewisham: Policy, lewisham_calendar: WorkingCalendar
) -> None:
    # Due at Saturday's midnight is due by the end of Friday: no page says "Saturday 00:00".
    timescale = lewisham.timescale(TimescaleKey.STRATEGY_MEETING)
    deadline = start_clock(
        timescale=timescale, start=at("2026-12-04 15:00"), calendar=lewisham_calendar
    )
    assert deadline_in_words(deadline.due) == "the end of Friday 4 December 2026"
    assert deadline_in_words(deadline.due, short=True) == "End of 4 Dec 2026"


@pytest.mark.parametrize(
    ("due", "long", "short"),
    [
        (at("2026-12-04 17:00"), "Friday 4 December 2026 17:00", "4 Dec 2026 17:00"),
        (at("2026-07-01 00:01"), "Wednesday 1 July 2026 00:01", "1 Jul 2026 00:01"),
        # London midnight in summer is 23:00 UTC the day before: still the end of 30 June.
        (at("2026-07-01 00:00"), "the end of Tuesday 30 June 2026", "End of 30 Jun 2026"),
    ],
)
def test_a_deadline_is_written_in_london_time(due: dt.datetime, long: str, short: str) -> None:
    assert deadline_in_words(instant(due)) == long
    assert deadline_in_words(instant(due), short=True) == short


def test_a_same_day_clock_has_no_length(sefton_calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="no length"):
        due_at(start=at("2026-10-15 10:00"), length=1, unit=Unit.SAME_DAY, calendar=sefton_calendar)
    with pytest.raises(ValueError, match="needs a length"):
        due_at(start=at("2026-10-15"), length=None, unit=Unit.CLOCK_HOURS, calendar=sefton_calendar)


def test_r40_lewisham_holds_the_strategy_discussion_on_the_same_day(
    lewisham: Policy, lewisham_calendar: WorkingCalendar
) -> None:
    # Lewisham's procedure: the MASH progresses it "on the same day" for a strategy meeting.
    timescale = lewisham.timescale(TimescaleKey.STRATEGY_MEETING)
    assert timescale.unit == Unit.SAME_DAY
    deadline = start_clock(
        timescale=timescale, start=at("2026-10-15 16:45"), calendar=lewisham_calendar
    )
    assert deadline.due == instant(at("2026-10-16 00:00"))
    assert timescale.due_in_words() == "on the same day child protection concerns are identified"


@pytest.mark.parametrize(
    "key",
    [
        TimescaleKey.MASH_ENQUIRY_RED,
        TimescaleKey.MASH_ENQUIRY_AMBER,
        TimescaleKey.MASH_ENQUIRY_GREEN,
    ],
)
def test_r36_lewisham_sets_no_mash_enquiry_clock(
    lewisham: Policy, lewisham_calendar: WorkingCalendar, key: TimescaleKey
) -> None:
    # Lewisham's documents give no RAG timescales: no clock, so nothing can be overdue.
    assert lewisham.timescale(key) is None
    assert (
        start_clock(
            timescale=lewisham.timescale(key),
            start=at("2026-10-15 10:00"),
            calendar=lewisham_calendar,
        )
        is None
    )


def test_r36_amber_counts_only_core_hours_on_both_sides_of_bst_ending(
    sefton_calendar: WorkingCalendar,
) -> None:
    # Friday 15:00-16:00 BST and Monday 09:00-14:00 GMT: six hours, though 71 hours elapse.
    start, due = at("2026-10-23 15:00"), at("2026-10-26 14:00")
    assert core_time_between(start, due, sefton_calendar) == dt.timedelta(hours=6)
    assert instant(due) - instant(start) == dt.timedelta(hours=72)


def test_r40_24_clock_hours_elapse_across_each_change(sefton_calendar: WorkingCalendar) -> None:
    # Elapsed time, so the wall clock reads an hour earlier (October) or later (March).
    for start, wall_clock in [
        (at("2026-10-24 12:00"), dt.time(11, 0)),
        (at("2027-03-27 12:00"), dt.time(13, 0)),
    ]:
        due = due_at(start=start, length=24, unit=Unit.CLOCK_HOURS, calendar=sefton_calendar)
        assert due - instant(start) == dt.timedelta(hours=24)
        assert due.astimezone(LONDON).time() == wall_clock


def _with_closure(policy: Policy, *days: dt.date) -> WorkingCalendar:
    calendar = policy.calendar.model_copy(update={"closure_days": list(days)})
    return WorkingCalendar(calendar)


def test_council_closure_day_is_not_a_working_day(sefton: Policy) -> None:
    closed = _with_closure(sefton, dt.date(2026, 11, 2))  # a Monday, not a bank holiday
    plain = WorkingCalendar(sefton.calendar)
    assert plain.is_working_day(dt.date(2026, 11, 2))
    assert not closed.is_working_day(dt.date(2026, 11, 2))

    friday = at("2026-10-30 15:00")
    assert due_at(start=friday, length=1, unit=Unit.WORKING_DAYS, calendar=plain) == instant(
        at("2026-11-02 17:30")
    )
    assert due_at(start=friday, length=1, unit=Unit.WORKING_DAYS, calendar=closed) == instant(
        at("2026-11-03 17:30")
    )
    # Amber: one core hour on Friday, the other five on Tuesday.
    assert due_at(start=friday, length=6, unit=Unit.CORE_HOURS, calendar=closed) == instant(
        at("2026-11-03 14:00")
    )
    # A clock started on the closure day starts at the next opening.
    assert due_at(
        start=at("2026-11-02 10:00"), length=1, unit=Unit.CORE_HOURS, calendar=closed
    ) == instant(at("2026-11-03 10:00"))


# Deadlines.


@pytest.fixture
def amber(sefton: Policy, sefton_calendar: WorkingCalendar) -> Deadline:
    """Sefton Amber started Thursday 15 October 2026 16:00: due Friday 13:30."""
    deadline = start_clock(
        timescale=sefton.timescale(TimescaleKey.MASH_ENQUIRY_AMBER),
        start=at("2026-10-15 16:00"),
        calendar=sefton_calendar,
    )
    assert deadline is not None
    return deadline


def test_deadline_not_overdue_before_or_at_due(amber: Deadline) -> None:
    assert amber.time_left(at("2026-10-16 12:30")) == dt.timedelta(hours=1)
    assert not amber.is_overdue(at("2026-10-16 12:30"))
    assert amber.time_left(at("2026-10-16 13:30")) == dt.timedelta(0)
    assert not amber.is_overdue(at("2026-10-16 13:30"))


def test_deadline_time_left_is_negative_once_overdue(amber: Deadline) -> None:
    after = at("2026-10-16 14:00")
    assert amber.time_left(after) == dt.timedelta(minutes=-30)
    assert amber.is_overdue(after)


def test_r36_red_deadline_counts_the_repeated_hour_when_bst_ends(
    sefton: Policy, sefton_calendar: WorkingCalendar
) -> None:
    # Red from 00:30 BST on 25 October 2026 is due at the second 01:30 (GMT): at the first 01:30
    # (BST) an hour is still left.
    red = start_clock(
        timescale=sefton.timescale(TimescaleKey.MASH_ENQUIRY_RED),
        start=at("2026-10-25 00:30"),
        calendar=sefton_calendar,
    )
    assert red is not None
    assert red.time_left(at("2026-10-25 01:30", fold=0)) == dt.timedelta(hours=1)
    assert not red.is_overdue(at("2026-10-25 01:59", fold=0))
    assert red.time_left(at("2026-10-25 01:30", fold=1)) == dt.timedelta(0)
    assert red.is_overdue(at("2026-10-25 01:31", fold=1))


def test_deadline_core_time_left_skips_the_night(
    amber: Deadline, sefton_calendar: WorkingCalendar
) -> None:
    # Thursday 17:00: half an hour of Thursday and 4.5 hours of Friday morning are left.
    assert amber.core_time_left(at("2026-10-15 17:00"), sefton_calendar) == dt.timedelta(hours=5)
    assert amber.core_time_left(at("2026-10-16 14:30"), sefton_calendar) == dt.timedelta(hours=-1)


NAIVE = dt.datetime(2026, 10, 15, 10, 0)  # naive: the point of the tests below


@pytest.mark.parametrize("unit", list(Unit))
def test_clock_refuses_naive_start(sefton_calendar: WorkingCalendar, unit: Unit) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(start=NAIVE, length=length_of(unit), unit=unit, calendar=sefton_calendar)


def test_deadline_refuses_naive_now(amber: Deadline, sefton_calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        amber.time_left(NAIVE)
    with pytest.raises(ValueError, match="timezone-aware"):
        amber.is_overdue(NAIVE)
    with pytest.raises(ValueError, match="timezone-aware"):
        amber.core_time_left(NAIVE, sefton_calendar)


def test_deadline_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Deadline(started_at=NAIVE, due=at("2026-10-16 13:30"), unit=Unit.CORE_HOURS)
    with pytest.raises(ValueError, match="timezone-aware"):
        Deadline(started_at=at("2026-10-15 16:00"), due=NAIVE, unit=Unit.CORE_HOURS)


def test_start_clock_refuses_naive_start(sefton: Policy, sefton_calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        start_clock(
            timescale=sefton.timescale(TimescaleKey.MASH_ENQUIRY_RED),
            start=NAIVE,
            calendar=sefton_calendar,
        )


def test_clock_refuses_negative_or_fractional_lengths(sefton_calendar: WorkingCalendar) -> None:
    start = at("2026-10-15 10:00")
    with pytest.raises(ValueError, match="negative"):
        due_at(start=start, length=-1, unit=Unit.CLOCK_HOURS, calendar=sefton_calendar)
    with pytest.raises(ValueError, match="whole number"):
        due_at(start=start, length=Decimal("1.5"), unit=Unit.WORKING_DAYS, calendar=sefton_calendar)


@pytest.mark.parametrize("start", [at("2026-10-15 10:00"), at("2026-10-17 02:00")])
def test_zero_working_days_is_refused(sefton_calendar: WorkingCalendar, start: dt.datetime) -> None:
    # The start date never counts, so a clock of no working days has no day to fall due on.
    with pytest.raises(ValueError, match="at least one working day"):
        due_at(start=start, length=0, unit=Unit.WORKING_DAYS, calendar=sefton_calendar)


# Properties, for Sefton (early Friday close) and Lewisham (09:00-17:00) alike.

PROPERTY = settings(max_examples=200, deadline=None)


def _london_instants(first: dt.datetime, last: dt.datetime) -> st.SearchStrategy[dt.datetime]:
    # Hypothesis takes naive bounds; it draws both sides of October's repeated hour (fold 0 and 1)
    # and, with allow_imaginary=False, never a time that March skips.
    return st.datetimes(
        min_value=first, max_value=last, timezones=st.just(LONDON), allow_imaginary=False
    )


# The weeks most likely to break a clock: the changes to and from BST, Christmas and Easter.
AWKWARD_WEEKS = [
    dt.datetime(2025, 10, 22),
    dt.datetime(2026, 3, 25),
    dt.datetime(2026, 10, 21),
    dt.datetime(2026, 12, 21),
    dt.datetime(2027, 3, 23),
    dt.datetime(2027, 12, 22),
    dt.datetime(2028, 3, 23),
]
INSTANTS = st.one_of(
    _london_instants(dt.datetime(2025, 1, 1), dt.datetime(2028, 12, 31, 23, 59)),
    st.sampled_from(AWKWARD_WEEKS).flatmap(
        lambda first: _london_instants(first, first + dt.timedelta(days=7))
    ),
)
HOURS = st.integers(min_value=1, max_value=200).map(lambda halves: Decimal(halves) / 2)
DAYS = st.integers(min_value=1, max_value=30)


def _core(start: dt.datetime, hours: Decimal, calendar: WorkingCalendar) -> dt.datetime:
    return due_at(start=start, length=hours, unit=Unit.CORE_HOURS, calendar=calendar)


def _working(start: dt.datetime, days: int, calendar: WorkingCalendar) -> dt.datetime:
    return due_at(start=start, length=days, unit=Unit.WORKING_DAYS, calendar=calendar)


@PROPERTY
@given(start=INSTANTS, hours=HOURS)
def test_r32_core_hours_due_time_lies_inside_core_hours(
    calendar: WorkingCalendar, start: dt.datetime, hours: Decimal
) -> None:
    due = _core(start, hours, calendar).astimezone(LONDON)
    opening_hours = calendar.core_hours_on(due.date())
    assert opening_hours is not None, f"due on {due.date()}, not a working day"
    opens, closes = opening_hours
    assert opens < due <= closes


@PROPERTY
@given(start=INSTANTS, first=HOURS, second=HOURS)
def test_core_hours_added_in_two_steps_equal_their_sum(
    calendar: WorkingCalendar, start: dt.datetime, first: Decimal, second: Decimal
) -> None:
    assert _core(_core(start, first, calendar), second, calendar) == _core(
        start, first + second, calendar
    )


@PROPERTY
@given(start=INSTANTS, first=HOURS, second=HOURS)
def test_clock_hours_added_in_two_steps_equal_their_sum(
    calendar: WorkingCalendar, start: dt.datetime, first: Decimal, second: Decimal
) -> None:
    def clock(moment: dt.datetime, hours: Decimal) -> dt.datetime:
        return due_at(start=moment, length=hours, unit=Unit.CLOCK_HOURS, calendar=calendar)

    assert clock(clock(start, first), second) == clock(start, first + second)
    assert clock(start, first) - instant(start) == dt.timedelta(hours=float(first))


@PROPERTY
@given(start=INSTANTS, first=DAYS, second=DAYS)
def test_working_days_added_in_two_steps_equal_their_sum(
    calendar: WorkingCalendar, start: dt.datetime, first: int, second: int
) -> None:
    assert _working(_working(start, first, calendar), second, calendar) == _working(
        start, first + second, calendar
    )


@PROPERTY
@given(start=INSTANTS, hours=HOURS)
def test_r32_core_hours_clock_started_while_closed_starts_at_next_opening(
    calendar: WorkingCalendar, start: dt.datetime, hours: Decimal
) -> None:
    assume(not calendar.is_open(start))
    opening = calendar.next_opening(start)
    assert opening > start
    assert calendar.is_open(opening)
    assert _core(start, hours, calendar) == _core(opening, hours, calendar)


LENGTHS = {Unit.CLOCK_HOURS: HOURS, Unit.CORE_HOURS: HOURS, Unit.WORKING_DAYS: DAYS}


@pytest.mark.parametrize("unit", list(LENGTHS))
@PROPERTY
@given(start=INSTANTS, data=st.data())
def test_due_is_never_before_start_and_longer_is_never_earlier(
    calendar: WorkingCalendar, unit: Unit, start: dt.datetime, data: st.DataObject
) -> None:
    shorter, longer = sorted(data.draw(st.lists(LENGTHS[unit], min_size=2, max_size=2)))
    due_shorter = due_at(start=start, length=shorter, unit=unit, calendar=calendar)
    due_longer = due_at(start=start, length=longer, unit=unit, calendar=calendar)
    assert start < due_shorter <= due_longer


@PROPERTY
@given(start=INSTANTS, hours=HOURS)
def test_core_time_between_start_and_due_is_the_length(
    calendar: WorkingCalendar, start: dt.datetime, hours: Decimal
) -> None:
    due = _core(start, hours, calendar)
    assert core_time_between(start, due, calendar) == dt.timedelta(hours=float(hours))
    assert core_time_between(due, start, calendar) == -dt.timedelta(hours=float(hours))


@PROPERTY
@given(start=INSTANTS, days=DAYS)
def test_working_days_due_at_closing_of_the_nth_working_day_after_start_date(
    calendar: WorkingCalendar, start: dt.datetime, days: int
) -> None:
    due = _working(start, days, calendar).astimezone(LONDON)
    start_date = start.astimezone(LONDON).date()
    assert due.date() > start_date
    opening_hours = calendar.core_hours_on(due.date())
    assert opening_hours is not None, f"due on {due.date()}, not a working day"
    assert due == opening_hours[1]
    between = [
        start_date + dt.timedelta(days=offset)
        for offset in range(1, (due.date() - start_date).days + 1)
    ]
    assert sum(calendar.is_working_day(day) for day in between) == days


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 5, 31), 3, dt.date(2026, 2, 28)),
        (dt.date(2024, 5, 31), 3, dt.date(2024, 2, 29)),
        (dt.date(2026, 1, 15), 12, dt.date(2025, 1, 15)),
        (dt.date(2026, 3, 1), 1, dt.date(2026, 2, 1)),
    ],
)
def test_months_before_counts_calendar_months(day, months, expected):
    assert months_before(day, months) == expected


def test_dates_in_messages_read_as_the_pages_say_them():
    from frontdoor.policy.clocks import day_in_words, time_in_words

    assert day_in_words(dt.date(2026, 12, 8)) == "8 December 2026"
    # In London: 23:30 UTC on 30 June is 00:30 on 1 July.
    assert time_in_words(dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)) == "00:30 on 1 July 2026"
