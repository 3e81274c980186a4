"""Clocks: when something is due, from a start time, a timescale and a council's calendar.

Four ways of counting (DOMAIN.md, "How clocks are read"):

- clock hours: elapsed time, day and night;
- core hours: only time inside the council's core hours on working days counts; a clock started
  while closed starts at the next opening;
- working days: due at the close of core hours on the Nth working day after the start date (the
  start date itself never counts);
- the same day: due at the end of the London calendar day on which the clock starts (midnight),
  whether or not it is a working day, for a procedure that says "on the same day".

A working day is a weekday with core hours that is neither an England and Wales bank holiday nor
one of the council's closure days. Core hours are London wall-clock times; all arithmetic on
elapsed time is done in UTC, so the changes to and from British Summer Time are counted right.
Every function takes and returns timezone-aware datetimes; results are in UTC.
"""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

from frontdoor.policy import schema
from frontdoor.policy.schema import Unit

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

# Far enough to cross any run of closures; a calendar with no working day in a year is refused.
_MAX_DAYS_SEARCHED = 366


class CalendarError(ValueError):
    """A calendar that cannot answer: for example one with no working day in a year."""


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("clock times must be timezone-aware (read local times as Europe/London)")
    return moment


class WorkingCalendar:
    """A council's working days and core hours."""

    def __init__(self, calendar: schema.Calendar):
        self._hours: list[tuple[dt.time, dt.time] | None] = []
        for day in schema.WEEKDAYS:
            opening = calendar.core_hours[day]
            self._hours.append((opening.opens, opening.closes) if opening else None)
        self._closures = frozenset(calendar.closure_days)

    @cached_property
    def _bank_holidays(self) -> holidays.HolidayBase:
        # England and Wales share their bank holidays; the library computes any year offline.
        return holidays.country_holidays("GB", subdiv="ENG")

    def is_working_day(self, day: dt.date) -> bool:
        return (
            self._hours[day.weekday()] is not None
            and day not in self._closures
            and day not in self._bank_holidays
        )

    def core_hours_on(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """Opening and closing on `day` (aware, London), or None when it is not a working day."""
        if not self.is_working_day(day):
            return None
        opens, closes = self._hours[day.weekday()]  # type: ignore[misc]  # a working day has hours
        return (
            dt.datetime.combine(day, opens, tzinfo=LONDON),
            dt.datetime.combine(day, closes, tzinfo=LONDON),
        )

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        for offset in range(1, _MAX_DAYS_SEARCHED + 1):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise CalendarError(f"no working day in the year after {day.isoformat()}")

    def is_open(self, moment: dt.datetime) -> bool:
        """True inside core hours (from opening up to, not including, closing)."""
        local = _aware(moment).astimezone(LONDON)
        hours = self.core_hours_on(local.date())
        return hours is not None and hours[0] <= local < hours[1]

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself when open, otherwise the next time core hours begin (aware, London)."""
        local = _aware(moment).astimezone(LONDON)
        hours = self.core_hours_on(local.date())
        if hours is not None:
            if local < hours[0]:
                return hours[0]
            if local < hours[1]:
                return local
        opens, _ = self.core_hours_on(self.next_working_day(local.date()))  # type: ignore[misc]  # a working day has hours
        return opens


def _as_timedelta(hours: Decimal) -> dt.timedelta:
    return dt.timedelta(seconds=int((Decimal(hours) * 3600).to_integral_value()))


def add_clock_hours(start: dt.datetime, hours: Decimal) -> dt.datetime:
    return _aware(start).astimezone(UTC) + _as_timedelta(hours)


def add_core_hours(start: dt.datetime, hours: Decimal, calendar: WorkingCalendar) -> dt.datetime:
    remaining = _as_timedelta(hours)
    current = calendar.next_opening(start).astimezone(UTC)
    while True:
        _, closes = calendar.core_hours_on(current.astimezone(LONDON).date())  # type: ignore[misc]  # a working day has hours
        available = closes.astimezone(UTC) - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = calendar.next_opening(closes).astimezone(UTC)


def add_working_days(start: dt.datetime, days: int, calendar: WorkingCalendar) -> dt.datetime:
    day = _aware(start).astimezone(LONDON).date()
    if days < 1:
        # The start date itself never counts, so no working days has no day to fall due on.
        raise ValueError("a clock in working days must run at least one working day")
    for _ in range(int(days)):
        day = calendar.next_working_day(day)
    _, closes = calendar.core_hours_on(day)  # type: ignore[misc]  # a working day has hours
    return closes.astimezone(UTC)


def end_of_day(start: dt.datetime) -> dt.datetime:
    """The end of the London calendar day `start` falls on: the next midnight (UTC)."""
    day = _aware(start).astimezone(LONDON).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(UTC)


def due_at(
    *,
    start: dt.datetime,
    length: Decimal | int | None,
    unit: Unit,
    calendar: WorkingCalendar,
) -> dt.datetime:
    """When a clock of `length` `unit`s started at `start` runs out (UTC); a `same_day` clock
    has no length."""
    unit = Unit(unit)
    if unit == Unit.SAME_DAY:
        if length is not None:
            raise ValueError("a same-day clock has no length")
        return end_of_day(start)
    if length is None:
        raise ValueError(f"a clock in {unit.value} needs a length")
    length = Decimal(length)
    if length < 0:
        raise ValueError("a clock's length cannot be negative")
    if unit == Unit.CLOCK_HOURS:
        return add_clock_hours(start, length)
    if unit == Unit.CORE_HOURS:
        return add_core_hours(start, length, calendar)
    if length != length.to_integral_value():
        raise ValueError("working days must be a whole number")
    return add_working_days(start, int(length), calendar)


def core_time_between(
    start: dt.datetime, end: dt.datetime, calendar: WorkingCalendar
) -> dt.timedelta:
    """How much core time lies between two moments (negative when `end` is before `start`)."""
    # Checked before comparing, so that a naive moment gets the clear error, not a TypeError.
    start, end = _aware(start), _aware(end)
    if end < start:
        return -core_time_between(end, start, calendar)
    total = dt.timedelta(0)
    current = calendar.next_opening(start).astimezone(UTC)
    end = end.astimezone(UTC)
    while current < end:
        _, closes = calendar.core_hours_on(current.astimezone(LONDON).date())  # type: ignore[misc]  # a working day has hours
        total += min(closes.astimezone(UTC), end) - current
        current = calendar.next_opening(closes).astimezone(UTC)
    return total


@dataclass(frozen=True)
class Deadline:
    """A clock that has started: when it is due, and how it stands at a given moment."""

    started_at: dt.datetime
    due: dt.datetime
    unit: Unit

    def __post_init__(self) -> None:
        """Refuse naive times: a deadline compares instants, stored in UTC (DOMAIN.md, clocks)."""
        _aware(self.started_at)
        _aware(self.due)

    def time_left(self, now: dt.datetime) -> dt.timedelta:
        """Elapsed time until due; negative once overdue."""
        return self.due - _aware(now)

    def is_overdue(self, now: dt.datetime) -> bool:
        return _aware(now) > self.due

    def core_time_left(self, now: dt.datetime, calendar: WorkingCalendar) -> dt.timedelta:
        """For core-hour and working-day clocks: how much working time is left."""
        return core_time_between(now, self.due, calendar)


def start_clock(
    *, timescale: schema.Timescale | None, start: dt.datetime, calendar: WorkingCalendar
) -> Deadline | None:
    """The deadline for `timescale` from `start`, or None when the policy sets no timescale."""
    if timescale is None:
        return None
    due = due_at(start=start, length=timescale.length, unit=timescale.unit, calendar=calendar)
    return Deadline(started_at=_aware(start).astimezone(UTC), due=due, unit=timescale.unit)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (31 May less 3 months is 28 or 29 February)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar_module.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last_day))


def to_the_minute(moment: dt.datetime) -> dt.datetime:
    """`moment` without its seconds: how forms give times, so how a time typed in is compared
    with one the front door noted itself."""
    return moment.replace(second=0, microsecond=0)


def london_datetime(day: dt.date, at: dt.time) -> dt.datetime:
    """A date and a wall-clock time typed in London, as an aware datetime."""
    return dt.datetime.combine(day, at, tzinfo=LONDON)


def day_in_words(day: dt.date) -> str:
    """A date as messages say it: "8 December 2026", as the pages' `j F Y`."""
    return f"{day.day} {day:%B %Y}"


def deadline_in_words(moment: dt.datetime, *, short: bool = False) -> str:
    """A deadline as the pages write it, in London: "Friday 4 December 2026 17:00", or "4 Dec
    2026 17:00" `short` (in a table). A deadline at midnight is the end of the day before (a
    same-day clock ends there, R40): "the end of Friday 4 December 2026" ("End of 4 Dec 2026"),
    not "Saturday 5 December 2026 00:00"."""
    local = moment.astimezone(LONDON)
    if local.time() == dt.time():
        day = local.date() - dt.timedelta(days=1)
        return (
            f"End of {day.day} {day:%b %Y}" if short else f"the end of {day:%A} {day_in_words(day)}"
        )
    return (
        f"{local.day} {local:%b %Y %H:%M}"
        if short
        else f"{local:%A} {day_in_words(local)} {local:%H:%M}"
    )


def time_in_words(moment: dt.datetime) -> str:
    """A moment as messages say it, in London: "06:12 on 8 December 2026"."""
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M} on {day_in_words(local)}"
