"""Template filters for contacts' clocks: time left and overdue, in words (R3, R25)."""

from __future__ import annotations

import datetime as dt

from django import template

from frontdoor.policy.clocks import deadline_in_words

register = template.Library()


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def duration_in_words(length: dt.timedelta) -> str:
    """'1 day 2 hours', '3 hours 20 minutes', '45 minutes': the two largest units, rounded down."""
    minutes = int(abs(length).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    while parts and parts[0][0] == 0:
        parts.pop(0)
    if not parts:
        return "less than a minute"
    return " ".join(_plural(count, unit) for count, unit in parts[:2] if count)


@register.filter
def time_left(due: dt.datetime | None, now: dt.datetime) -> str:
    """'3 hours 20 minutes left' before `due`, 'Overdue by 1 day 2 hours' after it."""
    if due is None:
        return "No timescale set"
    left = due - now
    if left < dt.timedelta(0):
        return f"Overdue by {duration_in_words(left)}"
    return f"{duration_in_words(left)} left"


@register.filter
def duration(length: dt.timedelta | None) -> str:
    return "" if length is None else duration_in_words(length)


@register.filter
def deadline(due: dt.datetime, form: str = "long") -> str:
    """A deadline in words (`policy.clocks.deadline_in_words`); `form` "short" for tables."""
    return deadline_in_words(due, short=form == "short")


@register.filter
def overdue_at(thing: object, now: dt.datetime) -> bool:
    """Whether `thing` (a follow-up, a contact...) is overdue at `now`, by its own
    `is_overdue`: for a template, which cannot pass `now` to a method."""
    return bool(thing.is_overdue(now))  # type: ignore[attr-defined]  # each caller's has one
