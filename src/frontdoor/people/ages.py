"""How old a person is, and when they are a child in law (R4, R5, R13)."""

from __future__ import annotations

import datetime as dt

# The Children Act 1989: anyone under 18 is a child, whatever else the referral says they are.
CHILD_UNDER_AGE = 18


def age_on(date_of_birth: dt.date | None, day: dt.date) -> int | None:
    """Whole years old on `day`; None when the date of birth is not known."""
    if date_of_birth is None:
        return None
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def is_child_on(date_of_birth: dt.date | None, day: dt.date) -> bool:
    """True when someone born on `date_of_birth` is a child on `day`."""
    age = age_on(date_of_birth, day)
    return age is not None and age < CHILD_UNDER_AGE
