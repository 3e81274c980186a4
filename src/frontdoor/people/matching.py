"""Is this child already known? Ranked candidates, each with its reasons (R18, ARCHITECTURE 5).

Two steps, so that a million people answer in milliseconds:

1. **Blocking**: one indexed query fetches only the people who share at least one key with the
   query: the NHS number; the date of birth, or that date with day and month swapped; the
   phonetic keys of the surname (either part of a double-barrelled one) together with the
   phonetic key of the first name or of any of its known short or long forms; the postcode.
   Typos rarely change every key at once, so the true person is almost always in the block.
2. **Scoring**: each person in the block is compared field by field (rapidfuzz for spelling) and
   gets a score out of 100 with the reasons behind it, in words a worker can check: "date of
   birth matches with day and month swapped", "surname sounds like 'Smyth'". A matching NHS
   number is decisive; a different one caps the score, whatever else agrees.

The score is a suggestion: the worker decides who the child is (`screening.linking`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from rapidfuzz.distance import JaroWinkler

from frontdoor.people.models import Person, compact_nhs_number, swapped_day_and_month
from frontdoor.people.names import fold, is_nickname_of, nickname_forms, parts, phonetic_key
from frontdoor.people.postcodes import normalise_postcode
from frontdoor.policy.councils import of_served_council
from frontdoor.policy.row_security import open_to

# How much each field counts. The score is the share of what the query could have matched: a
# query without a postcode is not marked down for it (a missing postcode is common, R17).
SURNAME, FIRST_NAME, BIRTH, POSTCODE = 30, 20, 35, 15
# Below this a candidate is noise: two fields at best half-matching.
MIN_SCORE = 25
# A different NHS number means a different person unless one of the two was mistyped.
NHS_DIFFERS_CAP = 40
# From this score another council's person is "known elsewhere": a strong match, as the match
# page marks it, since the worker cannot see the details to judge a weaker one.
KNOWN_ELSEWHERE_SCORE = 80
# The block is capped so a query of only a very common name cannot fetch half the table.
MAX_BLOCK = 3000
# How far either side of the date of birth given the name block reaches, in years.
NAME_BLOCK_YEARS = 10
# Spelling similarity (Jaro-Winkler, 0-1) from which a name counts as a likely typo.
TYPO = 0.85

_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "expected_date_of_birth",
    "postcode",
    "nhs_number",
    "search_first_name",
    "search_last_name",
    "first_name_key",
    "surname_key",
    "surname_last_key",
    "council",
)


@dataclass
class Candidate:
    """A known person who may be the one reported, with the score and the evidence for it."""

    person: Person
    score: int
    reasons: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # what speaks against it

    @property
    def nhs_number_matches(self) -> bool:
        return "NHS number matches" in self.reasons


@dataclass(frozen=True)
class _Query:
    first: str
    last: str
    last_parts: tuple[str, ...]
    other_names: tuple[str, ...]
    date_of_birth: dt.date | None
    postcode: str
    nhs_number: str


def _normalised_postcode(value: str) -> str:
    try:
        return normalise_postcode(value) if value and value.strip() else ""
    except ValueError:
        return value.strip().upper()


def _query(*, first_name, last_name, date_of_birth, postcode, nhs_number, other_names) -> _Query:
    return _Query(
        first=fold(first_name).split(" ")[0] if fold(first_name) else "",
        last=fold(last_name),
        last_parts=tuple(parts(last_name)),
        other_names=tuple(fold(n) for n in (other_names or "").split(",") if fold(n)),
        date_of_birth=date_of_birth,
        postcode=_normalised_postcode(postcode),
        nhs_number=compact_nhs_number(nhs_number),
    )


def describe(
    *,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    other_names: str = "",
) -> _Query:
    """A description of someone, folded and normalised as matching compares it (for `score`)."""
    return _query(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        nhs_number=nhs_number,
        other_names=other_names,
    )


def name_keys(query: _Query) -> tuple[list[str], list[str]]:
    """The phonetic keys a name is looked up by: the surname's (each part of a double-barrelled
    one), and the first name's with those of its known short and long forms (Bill: William)."""
    surname_keys = sorted({phonetic_key(p) for p in query.last_parts} - {""})
    given = [query.first, *query.other_names] if query.first else list(query.other_names)
    first_keys = sorted(
        {phonetic_key(form) for name in given for form in nickname_forms(name)} - {""}
    )
    return surname_keys, first_keys


def names_filter(
    *, first_name: str = "", last_name: str = "", other_names: str = "", prefix: str = ""
) -> Q | None:
    """Who may bear the names typed, by the indexed keys (`name_keys`) of rows with names, their
    fields under `prefix` ("child__"): an initial alone ("J Smith") by the first name's first
    letter. None: no row can (a surname with no key). Rows found are then scored (`score`), as
    a key is shared by names spelled nothing alike."""
    where = Q()
    surname_keys, first_keys = name_keys(
        describe(first_name=first_name, last_name=last_name, other_names=other_names)
    )
    if last_name:
        if not surname_keys:
            return None
        where &= Q(**{f"{prefix}surname_key__in": surname_keys}) | Q(
            **{f"{prefix}surname_last_key__in": surname_keys}
        )
    initial = fold(first_name)
    if len(initial) == 1:
        where &= Q(**{f"{prefix}search_first_name__startswith": initial})
    elif first_name or other_names:
        where &= Q(**{f"{prefix}first_name_key__in": first_keys})
    return where


def name_readings(words: list[str], *, either_order: bool) -> list[dict[str, Any]]:
    """The ways names typed (`words`, first name first, other names between, surname last) can
    be read: a name alone as a first name or a surname; with `either_order` (no comma said which
    is the surname) also the other way round ("Smith Jo" is Jo Smith). A row is scored by the
    better reading."""
    if len(words) == 1:
        return [{"first_name": words[0]}, {"last_name": words[0]}]
    if not words:
        return []
    first, *others, last = words
    readings = [{"first_name": first, "last_name": last, "other_names": ",".join(others)}]
    if either_order:
        readings.append(
            {"first_name": last, "last_name": first, "other_names": ",".join(reversed(others))}
        )
    return readings


def readings_filter(readings: list[dict[str, Any]], *, prefix: str = "") -> Q | None:
    """Who may bear the names by any of their `readings` (`names_filter`); None: no one."""
    either = Q()
    for names in readings:
        where = names_filter(**names, prefix=prefix)
        if where is not None:
            either |= where
    return either or None


def blocking_filter(query: _Query) -> Q | None:
    """Who shares at least one indexed key with the query (None: nothing to look up by)."""
    blocks: list[Q] = []
    if query.nhs_number:
        blocks.append(Q(nhs_number=query.nhs_number))
    if query.date_of_birth:
        dates = [query.date_of_birth]
        swapped = swapped_day_and_month(query.date_of_birth)
        if swapped:
            dates.append(swapped)
        blocks.append(Q(date_of_birth__in=dates))
        # An unborn child on record may since have been born around the expected date.
        blocks.append(
            Q(
                expected_date_of_birth__range=(
                    query.date_of_birth - dt.timedelta(days=45),
                    query.date_of_birth + dt.timedelta(days=45),
                ),
                date_of_birth__isnull=True,
            )
        )
    surname_keys, first_keys = name_keys(query)
    if surname_keys and first_keys:
        near = Q()
        if query.date_of_birth:
            # The name block is for a date of birth mistyped beyond a day/month swap: ten
            # years either side covers any one mistyped digit of the day, the month or the
            # year's last two digits, or none on record. Bounding it by date keeps the block
            # small even for the commonest names (the index ends with the date of birth).
            born = query.date_of_birth
            near = Q(
                date_of_birth__range=(
                    born - dt.timedelta(days=NAME_BLOCK_YEARS * 366),
                    born + dt.timedelta(days=NAME_BLOCK_YEARS * 366),
                )
            ) | Q(date_of_birth__isnull=True)
        blocks.append(Q(surname_key__in=surname_keys, first_name_key__in=first_keys) & near)
        blocks.append(Q(surname_last_key__in=surname_keys, first_name_key__in=first_keys) & near)
    elif surname_keys:  # "Baby Smith": the surname alone
        blocks.append(Q(surname_key__in=surname_keys) | Q(surname_last_key__in=surname_keys))
    if query.postcode:
        blocks.append(Q(postcode=query.postcode))
    if not blocks:
        return None
    combined = blocks[0]
    for block in blocks[1:]:
        combined |= block
    return combined


def candidates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    other_names: str = "",
    limit: int = 10,
) -> list[Candidate]:
    """The council served's known people most like the one described, best first, each with its
    reasons (R18). Another council's are not its staff's to see."""
    query = _query(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        nhs_number=nhs_number,
        other_names=other_names,
    )
    scored = _scored(query, of_served_council())
    scored.sort(key=lambda c: (-c.score, c.person.last_name, c.person.first_name, c.person.pk))
    best = scored[:limit]
    # The block was read with only the columns scoring needs; the few shown are read whole, in
    # one query, so a page showing them does not go back to the database for each.
    whole = Person.objects.in_bulk([c.person.pk for c in best])
    for candidate in best:
        candidate.person = whole[candidate.person.pk]
    return best


def _scored(query: _Query, among: Q) -> list[Candidate]:
    """The people of `among` in the query's block scoring at least MIN_SCORE: one indexed query."""
    where = blocking_filter(query)
    if where is None:
        return []
    block = (
        Person.objects.filter(where, among, merged_into__isnull=True)
        .order_by()  # no sort: every row of the block is scored anyway
        .only(*_FIELDS)[:MAX_BLOCK]
    )
    return [c for c in (score(query, person) for person in block) if c.score >= MIN_SCORE]


def known_to(councils: Collection[str], **described: Any) -> dict[str, list[int]]:
    """Which of `councils` know a person who is strongly the one `described` (the details
    `candidates` takes), with those people's ids ("known elsewhere"): the rule `candidates` uses
    within a council, run against the other councils' records in one indexed query. Strongly:
    a score of KNOWN_ELSEWHERE_SCORE."""
    if not councils:
        return {}
    query = describe(**described)
    known: dict[str, list[int]] = {}
    # Crossing councils on purpose: the database's wall (`policy.row_security`) is open to the
    # councils asked, and to no other, for this one query.
    with open_to(councils):
        found = _scored(query, Q(council_id__in=list(councils)))
    for candidate in found:
        if candidate.score >= KNOWN_ELSEWHERE_SCORE:
            known.setdefault(str(candidate.person.council_id), []).append(candidate.person.pk)
    return known


def score(query: _Query, person: Person) -> Candidate:
    """Compare one known person with the query: a score out of 100 and its reasons."""
    reasons: list[str] = []
    differences: list[str] = []
    got = 0.0
    possible = 0

    if query.last:
        possible += SURNAME
        got += _surname(query, person, reasons, differences)
    if query.first or query.other_names:
        possible += FIRST_NAME
        got += _first_name(query, person, reasons, differences)
    if query.date_of_birth:
        possible += BIRTH
        got += _birth(query.date_of_birth, person, reasons, differences)
    if query.postcode:
        possible += POSTCODE
        got += _postcode(query.postcode, person, reasons, differences)

    result = round(100 * got / possible) if possible else 0
    if query.nhs_number and person.nhs_number:
        if query.nhs_number == person.nhs_number:
            # Decisive: an NHS number is one person's for life.
            return Candidate(person, 100, ["NHS number matches", *reasons], differences)
        differences.insert(0, f"NHS number differs ({person.nhs_number})")
        result = min(result, NHS_DIFFERS_CAP)
    return Candidate(person, result, reasons, differences)


def _similar(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b) if a and b else 0.0


def _surname(query: _Query, person: Person, reasons: list[str], differences: list[str]) -> float:
    known = person.search_last_name
    known_parts = known.split()
    if query.last == known:
        reasons.append("surname matches")
        return SURNAME
    # Smith-Jones and Smith Jones fold alike; Smith is a part of Smith-Jones.
    if query.last.replace(" ", "") == known.replace(" ", ""):
        reasons.append(f"surname matches '{person.last_name}' but for spacing or hyphens")
        return SURNAME * 0.95
    shared = set(query.last_parts) & set(known_parts)
    if shared and (len(query.last_parts) > 1 or len(known_parts) > 1):
        reasons.append(
            f"surname shares '{sorted(shared)[0].title()}' with the double-barrelled "
            f"'{person.last_name}'"
            if len(known_parts) > 1
            else f"'{person.last_name}' is part of the double-barrelled surname given"
        )
        return SURNAME * 0.85
    similarity = max(
        [_similar(query.last, known)]
        + [_similar(q, k) for q in query.last_parts for k in known_parts]
    )
    same_sound = {phonetic_key(p) for p in query.last_parts} & {
        person.surname_key,
        person.surname_last_key,
    }
    if same_sound and similarity >= 0.7:
        reasons.append(f"surname sounds like '{person.last_name}'")
        return SURNAME * similarity**2 * 0.95
    if similarity >= TYPO:
        reasons.append(f"surname is spelled like '{person.last_name}' (a likely typing slip)")
        return SURNAME * similarity * 0.85
    for alias in _aliases(person):
        if query.last in alias.split() or _similar(query.last, alias) >= 0.95:
            reasons.append(f"surname matches a known other name '{alias.title()}'")
            return SURNAME * 0.8
    if known:
        differences.append(f"surname differs ({person.last_name})")
    return 0.0


def _first_name(query: _Query, person: Person, reasons: list[str], differences: list[str]) -> float:
    known_all = person.search_first_name
    known = known_all.split(" ")[0] if known_all else ""
    given = query.first
    if given and given == known:
        reasons.append("first name matches")
        return FIRST_NAME
    if given and is_nickname_of(given, known):
        if len(given) <= len(known):
            reasons.append(f"first name is a known short form of '{person.first_name}'")
        else:
            reasons.append(f"'{person.first_name}' is a known short form of the first name")
        return FIRST_NAME * 0.9
    aliases = _aliases(person)
    for name in (given, *query.other_names):
        if name and (name in aliases or name in known_all.split()[1:]):
            reasons.append(f"first name '{name.title()}' is a name the person is known by")
            return FIRST_NAME * 0.85
    for name in query.other_names:
        if name == known or is_nickname_of(name, known):
            reasons.append(f"other name given '{name.title()}' matches '{person.first_name}'")
            return FIRST_NAME * 0.8
    if not given or not known:
        return 0.0
    similarity = _similar(given, known)
    if phonetic_key(given) == person.first_name_key and similarity >= 0.7:
        reasons.append(f"first name sounds like '{person.first_name}'")
        return FIRST_NAME * similarity**2 * 0.95
    if similarity >= TYPO:
        reasons.append(f"first name is spelled like '{person.first_name}' (a likely typing slip)")
        return FIRST_NAME * similarity * 0.85
    # A nickname with a typo (Bilyl for Billy, William on record).
    for form in nickname_forms(known) - {known}:
        if _similar(given, form) >= 0.9:
            reasons.append(
                f"first name is like '{form.title()}', a short form of '{person.first_name}'"
            )
            return FIRST_NAME * 0.7
    differences.append(f"first name differs ({person.first_name})")
    return 0.0


def _aliases(person: Person) -> list[str]:
    return [fold(n) for n in (person.other_names or "").split(",") if fold(n)]


def _birth(given: dt.date, person: Person, reasons: list[str], differences: list[str]) -> float:
    known = person.date_of_birth
    if known is None:
        expected = person.expected_date_of_birth
        if expected and abs((given - expected).days) <= 45:
            reasons.append(f"born close to the expected date of birth ({_day(expected)}) on record")
            return BIRTH * 0.7
        return 0.0
    if known == given:
        reasons.append("date of birth matches")
        return BIRTH
    if swapped_day_and_month(given) == known:
        reasons.append("date of birth matches with day and month swapped")
        return BIRTH * 0.85
    typed, recorded = f"{given:%Y%m%d}", f"{known:%Y%m%d}"
    if sum(a != b for a, b in zip(typed, recorded, strict=True)) == 1:
        reasons.append(f"date of birth differs by one digit ({_day(known)} on record)")
        return BIRTH * 0.6
    if (known.month, known.day) == (given.month, given.day) and abs(known.year - given.year) == 1:
        reasons.append(f"date of birth is a year out ({_day(known)} on record)")
        return BIRTH * 0.5
    if abs((known - given).days) <= 3:
        reasons.append(f"date of birth is within a few days ({_day(known)} on record)")
        return BIRTH * 0.5
    differences.append(f"date of birth differs ({_day(known)})")
    return 0.0


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _postcode(given: str, person: Person, reasons: list[str], differences: list[str]) -> float:
    known = person.postcode
    if not known:
        return 0.0
    if known == given:
        reasons.append("postcode matches")
        return POSTCODE
    if given.split(" ")[0] == known.split(" ")[0]:
        reasons.append(f"same postcode district ({known.split(' ')[0]})")
        return POSTCODE * 0.3
    differences.append(f"postcode differs ({known})")
    return 0.0
