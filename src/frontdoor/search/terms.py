"""Reading what staff type into the search box: a reference, an NHS number, a date of birth, a
postcode and names, in any order and in the forms people write them.

"smith 3/4/2015", "Kayden", "FD-BCDF-GHJK", "943 476 5919", "L20 3NJ" and "Jo Smith, 3 April 2015"
are each read into `Terms`. Dates are read day first, as written in England (25/9/2010,
25-09-2010, 25 Sept 2010, or 2010-09-25). Something that looks like a date but is not one
(31/2/2015, or 9/25/2010 in American order), an NHS number whose check digit is wrong, or text
that is none of these, is refused with a message saying what to type instead, rather than
searched for and silently finding nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from frontdoor.people.models import nhs_number_is_valid
from frontdoor.people.names import NAME_WORD as _NAME_WORD
from frontdoor.people.names import fold
from frontdoor.people.postcodes import POSTCODE, normalise_postcode

MAX_LENGTH = 200
HELP = "a name, date of birth, postcode, NHS number or contact reference"

# References are FD- and two groups of four from the phone-safe alphabet (intake.services).
_REFERENCE = re.compile(
    r"\bFD[-\s]?([2-9B-DF-HJ-NP-TV-Z]{4})[-\s]?([2-9B-DF-HJ-NP-TV-Z]{4})\b", re.I
)
_NHS_NUMBER = re.compile(r"(?<![\d/.-])(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?![\d/.-])")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
# 3/4/2015, 03-04-2015, 3.4.15 (day first, as in England).
_DAY_FIRST = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-])")
# 2015-04-03 (ISO).
_YEAR_FIRST = re.compile(r"(?<![\d/.-])(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?![\d/.-])")
# 3 April 2015, 3rd Apr 2015, 3 april, 2015, 3rd of April 2015.
_IN_WORDS = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})\.?,?\s+(\d{{4}})\b", re.I
)
# April 3, 2015: the month in words leaves no doubt which number is the day.
_MONTH_FIRST = re.compile(
    rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I
)
_POSTCODE = re.compile(rf"(?<![A-Za-z0-9]){POSTCODE}(?![A-Za-z0-9])")


class TermsError(ValueError):
    """What was typed cannot be searched for: `message` says what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Terms:
    """What one search asks for. Each part given narrows the search (they are all required)."""

    text: str
    reference: str = ""
    nhs_number: str = ""
    date_of_birth: dt.date | None = None
    postcode: str = ""
    first_name: str = ""
    last_name: str = ""
    other_names: str = ""
    # One name given alone ("Kayden", "Smith"): a first name or a surname, searched as either.
    name: str = ""
    # Names typed with no comma ("Jo Smith"): the surname may have been typed first
    # ("Smith Jo"), so they are searched in either order. "Smith, Jo" says which is which.
    either_order: bool = False

    @property
    def names(self) -> bool:
        return bool(self.first_name or self.last_name or self.name)

    @property
    def people_terms(self) -> bool:
        """Whether anything but a reference was asked for: only then are people searched."""
        return bool(self.nhs_number or self.date_of_birth or self.postcode or self.names)

    def described(self) -> list[str]:
        """What the search looked for, in words, for the results page and the audit trail."""
        parts = []
        if self.reference:
            parts.append(f"contact reference {self.reference}")
        if self.names:
            name = " ".join(
                p for p in (self.first_name, self.other_names, self.last_name, self.name) if p
            )
            parts.append(f"name \u2018{name}\u2019")  # typographic quotes: no escaping
        if self.date_of_birth:
            day = self.date_of_birth
            parts.append(f"date of birth {day.day} {day:%B %Y}")
        if self.postcode:
            parts.append(f"postcode {self.postcode}")
        if self.nhs_number:
            n = self.nhs_number
            parts.append(f"NHS number {n[:3]} {n[3:6]} {n[6:]}")
        return parts


def parse(text: str, *, today: dt.date | None = None) -> Terms:
    """Read the search box's text into `Terms`, or refuse it with a `TermsError`."""
    text = (text or "").strip()
    if not text:
        raise TermsError(f"Enter {HELP}")
    if len(text) > MAX_LENGTH:
        raise TermsError(f"Search for {MAX_LENGTH} characters or fewer")
    today = today or dt.date.today()
    rest = text
    found: dict[str, Any] = {}

    match = _REFERENCE.search(rest)
    if match:
        found["reference"] = f"FD-{match[1].upper()}-{match[2].upper()}"
        rest = _cut(rest, match)

    birth, rest = _date(rest, today)
    if birth:
        found["date_of_birth"] = birth

    match = _NHS_NUMBER.search(rest)
    if match:
        number = "".join(match.groups())
        if not nhs_number_is_valid(number):
            raise TermsError(
                f"{match[0].strip()} is not a real NHS number: check the 10 digits "
                "(the last is a check digit)"
            )
        found["nhs_number"] = number
        rest = _cut(rest, match)

    match = _POSTCODE.search(rest)
    if match:
        found["postcode"] = normalise_postcode(match[0])
        rest = _cut(rest, match)

    names, rest = _names(rest)
    leftover = re.sub(r"[\s,.;:/-]+", " ", rest).strip()
    if leftover:
        raise TermsError(
            f"We could not read '{leftover[:40]}': enter {HELP}, for example Jo Smith 3/4/2015"
        )
    return Terms(text=text, **found, **names)


def _cut(text: str, match: re.Match) -> str:
    return f"{text[: match.start()]} {text[match.end() :]}"


def _date(text: str, today: dt.date) -> tuple[dt.date | None, str]:
    for pattern, order in (
        (_YEAR_FIRST, "ymd"),
        (_IN_WORDS, "dmy"),
        (_MONTH_FIRST, "mdy"),
        (_DAY_FIRST, "dmy"),
    ):
        match = pattern.search(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = parts["m"]
        month = _MONTHS[month.lower()] if not month.isdigit() else int(month)
        year = int(parts["y"])
        if len(parts["y"]) == 2:  # 3/4/15: the most recent such year, not one in the future
            year += 2000 if 2000 + year <= today.year else 1900
        try:
            day = dt.date(year, month, int(parts["d"]))
        except ValueError:
            raise TermsError(_not_a_date(match[0].strip(), parts, year)) from None
        if day.year < 1900:
            raise TermsError(f"{match[0].strip()} is too long ago to be a date of birth")
        return day, _cut(text, match)
    return None, text


def _not_a_date(typed: str, parts: dict[str, str], year: int) -> str:
    """What to type instead of a date that is not one: 9/25/2010 (American order, month first)
    gets the same date written day first as its example."""
    example = "3/4/2015"
    day, month = parts["d"], parts["m"]
    if day.isdigit() and month.isdigit() and int(month) > 12:
        try:
            swapped = dt.date(year, int(day), int(month))
        except ValueError:
            pass
        else:
            example = f"{swapped.day}/{swapped.month}/{swapped.year}"
    return f"{typed} is not a real date: enter the date as day/month/year, for example {example}"


def _names(text: str) -> tuple[dict[str, Any], str]:
    """The name words in what is left: 'Kayden' or 'Smith' alone is either name; 'Jo Smith' and
    'Smith, Jo' are a first name and a surname; words between them are other names. Without a
    comma, 'Jo Smith' may be 'Smith Jo' too (`Terms.either_order`)."""
    surname_first = "," in text
    words = [match[0] for match in _NAME_WORD.finditer(text)]
    rest = _NAME_WORD.sub(" ", text)
    words = [w for w in words if fold(w)]
    if not words:
        return {}, rest
    if len(words) == 1:  # a first name or a surname: searched as either
        return {"name": words[0]}, rest
    if surname_first:
        last, first, *others = words
    else:
        first, *others, last = words
    names = {"first_name": first, "last_name": last, "other_names": " ".join(others)}
    return {**names, "either_order": not surname_first}, rest
