"""Finding a contact or a person from what staff type (R18, R45).

One search reads four kinds of row, each through an index: contacts by reference; the children
and adults reported in contacts, and the people on record, by NHS number, date of birth (or that
date with day and month swapped), postcode and name. Names are looked up by the phonetic keys
matching uses (`people.matching.name_keys`: Smyth finds Smith, Bill finds William, either half of a
double-barrelled surname), and each row found is scored by matching's own scorer, so the page can
say what matched in the words matching uses ("surname sounds like 'Smyth'"). A name given alone
("Kayden") is looked up as a first name and as a surname, and scored as the better of the two.

Every part of the search narrows it: "Smith 3/4/2015" finds the Smiths born on that day. At most
`ROWS` rows of each kind are read (the newest first); when there are more, the page says so and
asks for a date of birth or postcode to narrow it.

Need-to-know is applied as everywhere else (R45): contacts through `contacts_visible_to`, people
through `people_visible_to`. A search by a person's details (name, date of birth, postcode, NHS
number) does not find a person restricted from the searcher, nor a contact hidden from them: a
row saying "restricted" would confirm that such a person exists. Only a contact's exact
reference lists a hidden contact, with whom to ask and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import F, Prefetch, Q

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.intake.models import Contact, ReportedAdult, ReportedChild
from frontdoor.intake.selectors import children_listed_for, contacts_visible_to
from frontdoor.people.matching import (
    MIN_SCORE,
    describe,
    name_keys,
    name_readings,
    readings_filter,
    score,
)
from frontdoor.people.models import Person, swapped_day_and_month
from frontdoor.people.restrictions import person_hidden_from
from frontdoor.people.selectors import people_visible_to
from frontdoor.policy.councils import of_served_council
from frontdoor.search.terms import Terms

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

# Rows of each kind read and scored at most (the newest first): enough for a name with a date of
# birth, a postcode or an NHS number; a common surname or a date of birth alone finds more, and
# the page asks for the search to be narrowed (a large council has about 90 children born on
# each day). Fewer rows keep each search's page well under 100 ms (bench/bench_search.py).
ROWS = 60
# Results of each kind listed.
SHOWN = 30

_SCORED = (
    "id",
    "first_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "postcode",
    "search_first_name",
    "search_last_name",
    "first_name_key",
    "surname_key",
    "surname_last_key",
)


@dataclass
class Found:
    """One result: a contact or a person, with what matched; a restricted one only with `ask`."""

    score: int
    reasons: list[str] = field(default_factory=list)
    person: Person | None = None
    contact: Contact | None = None
    # On a contact: the child or adult reported in it who matched ("child Jo Smith").
    matched: str = ""
    # Whom to ask about a record a restriction hides from the searcher (None: not hidden).
    ask: str | None = None


@dataclass
class Results:
    terms: Terms
    contacts: list[Found]
    people: list[Found]
    # Some records that match are not listed: the search should be narrowed.
    more: bool = False

    @property
    def count(self) -> int:
        return len(self.contacts) + len(self.people)


def search(*, user: User, terms: Terms) -> Results:
    """Contacts and people matching `terms` that `user` may know of, best first; the search
    and what it listed are written to the audit trail (R45)."""
    require(user, "records.search")
    contacts, more_contacts = _contacts(user, terms)
    people, more_people = _people(user, terms) if terms.people_terms else ([], False)
    results = Results(
        terms=terms, contacts=contacts, people=people, more=more_contacts or more_people
    )
    audit.record(
        actor=user,
        action="records.searched",
        changes={
            "searched_for": terms.text,
            "read_as": terms.described(),
            "contacts": [found.contact.reference for found in contacts],  # type: ignore[union-attr]  # contacts' results have a contact
            "people": [found.person.pk for found in people],  # type: ignore[union-attr]  # people's, a person
        },
    )
    return results


def _where(terms: Terms, *, children: bool) -> Q | None:
    """The filter every part of `terms` adds (None: no row of this kind can match)."""
    where = Q()
    if terms.nhs_number:
        if not children:
            return None  # reports give adults no NHS number
        where &= Q(nhs_number=terms.nhs_number)
    if terms.date_of_birth:
        dates = [terms.date_of_birth]
        swapped = swapped_day_and_month(terms.date_of_birth)
        if swapped:
            dates.append(swapped)
        born = Q(date_of_birth__in=dates)
        if children:  # an unborn child is searched by the expected date
            born |= Q(expected_date_of_birth__in=dates, date_of_birth__isnull=True)
        where &= born
    if terms.postcode:
        where &= Q(postcode=terms.postcode)
    if terms.name:  # one name alone: a first name or a surname
        branches = _one_name(terms)
        if not branches:
            return None
        either = Q()
        for branch in branches:
            either |= branch
        where &= either
    elif terms.names:
        named = readings_filter(_readings(terms))
        if named is None:
            return None
        where &= named
    return where


def _one_name(terms: Terms) -> list[Q]:
    """A name given alone, as the ways it can match: each first-name key, and each surname key
    as the surname or its last half. Each is looked up by an index of its own (`_read`)."""
    surname_keys, first_keys = name_keys(describe(first_name=terms.name, last_name=terms.name))
    return [
        *(Q(first_name_key=key) for key in first_keys),
        *(Q(surname_key=key) for key in surname_keys),
        *(Q(surname_last_key=key) for key in surname_keys),
    ]


def _readings(terms: Terms) -> list[dict[str, Any]]:
    """The ways the names given can be read (`name_readings`); a row is scored by the better
    reading, and looked up by either in one query."""
    if terms.name:
        return name_readings([terms.name], either_order=False)
    words = [terms.first_name, *terms.other_names.split(), terms.last_name]
    return name_readings(words, either_order=terms.either_order)


def _described(terms: Terms):
    return [
        describe(
            **names,
            date_of_birth=terms.date_of_birth,
            postcode=terms.postcode,
            nhs_number=terms.nhs_number,
        )
        for names in _readings(terms)
    ]


def _named(terms: Terms):
    return [describe(**names) for names in _readings(terms)]


def _scored(terms: Terms, rows) -> list[tuple[Any, int, list[str]]]:
    """Each row with its score and reasons; a row whose name only sounds like the one given but
    is spelled nothing like it (the phonetic key's noise) is left out."""
    queries = _described(terms)
    # With other terms, the name is scored on its own too, so a date of birth that matches
    # cannot carry a name spelled nothing like the one given.
    others = terms.date_of_birth or terms.postcode or terms.nhs_number
    names = _named(terms) if terms.names and others else None
    kept = []
    for row in rows:
        if names is not None and max(score(n, row).score for n in names) < MIN_SCORE:
            continue
        candidate = max((score(query, row) for query in queries), key=lambda c: c.score)
        if terms.names and names is None and candidate.score < MIN_SCORE:
            continue
        kept.append((row, candidate.score, candidate.reasons))
    return kept


def _read(queryset, terms: Terms, *, children: bool) -> tuple[list, bool]:
    """At most ROWS rows matching `terms`, the newest first, and whether there are more."""
    where = _where(terms, children=children)
    if where is None:
        return [], False
    alone = not (terms.date_of_birth or terms.postcode or terms.nhs_number or terms.reference)
    compound = connections[queryset.db].features.supports_slicing_ordering_in_compound
    if terms.name and alone and compound:
        # A name alone ("Smith") is a first name or a surname: a common one matches thousands of
        # rows, and reading them all to keep the newest took most of a search's time. Each way
        # it can match is read newest first down an index of that key and the id (a few rows
        # each), and the union of those keeps the newest. SQLite cannot order the parts of a
        # union; a council's SQLite holds few enough rows to sort them all. With a date of
        # birth, a postcode or a reference the rows are few, and the filter below finds them.
        parts = [queryset.filter(branch).order_by("-id")[: ROWS + 1] for branch in _one_name(terms)]
        rows = list(parts[0].union(*parts[1:]).order_by("-id")[: ROWS + 1])
        return rows[:ROWS], len(rows) > ROWS
    # Newest first, by an expression of the id rather than the column: ordered by the column,
    # PostgreSQL may walk the primary key backwards, testing every row, in the hope of meeting
    # ROWS matches early, and for a rare name ("Kayden") it reads the whole table. By the
    # expression it finds the rows through the search indexes, then sorts the few found.
    newest = (F("id") + 0).desc()
    rows = list(queryset.filter(where).order_by(newest)[: ROWS + 1])
    return rows[:ROWS], len(rows) > ROWS


def _contacts(user: User, terms: Terms) -> tuple[list[Found], bool]:
    best: dict[int, Found] = {}
    more = False
    if terms.reference and not terms.people_terms:
        for pk in Contact.objects.filter(
            of_served_council(), reference=terms.reference
        ).values_list("pk", flat=True):
            best[pk] = Found(score=100, reasons=["reference matches"])
    elif terms.people_terms:
        for model, kind in ((ReportedChild, "child"), (ReportedAdult, "adult")):
            fields = [*_SCORED, "contact_id"]
            if model is ReportedChild:
                fields += ["nhs_number", "expected_date_of_birth"]
            # R45: a person restricted from the searcher is not found by their details: the
            # result would say that such a person exists. Another council's are not read at
            # all, so they neither show nor crowd out the council's own.
            queryset = (
                model.objects.filter(of_served_council("contact__council"))
                .only(*fields)
                .exclude(person_hidden_from(user))
            )
            if terms.reference:  # "FD-BCDF-GHJK Smith": the Smith in that contact
                queryset = queryset.filter(contact__reference=terms.reference)
            rows, over = _read(queryset, terms, children=model is ReportedChild)
            more |= over
            for row, points, reasons in _scored(terms, rows):
                if terms.reference:
                    reasons = ["reference matches", *reasons]
                known = best.get(row.contact_id)
                if known is None or points > known.score:
                    best[row.contact_id] = Found(
                        score=points, reasons=reasons, matched=f"{kind} {row.name}"
                    )
    if not best:
        return [], more
    # Only the best are read whole (the newest first among equals: ids grow with time).
    ranked = sorted(best, key=lambda pk: (-best[pk].score, -pk))
    more |= len(ranked) > SHOWN
    contacts = (
        contacts_visible_to(user, restricted_rows=True)
        .filter(pk__in=ranked[:SHOWN])
        .only("id", "reference", "kind", "state", "received_at")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=children_listed_for(user)
                .only("id", "contact_id", "first_name", "last_name", "unborn")
                .order_by("id"),
            )
        )
    )
    found: list[Found] = []
    for contact in contacts:
        result = best[contact.pk]
        result.contact = contact
        if contact.restricted_ask:  # type: ignore[attr-defined]  # annotated by contacts_visible_to
            if terms.people_terms:
                # R45: found by someone else's details in it (a parent's name): listing it would
                # say a restricted child is in that person's contact.
                continue
            # R45: its exact reference was given: whom to ask, and nothing about the child.
            result.ask, result.reasons, result.matched = contact.restricted_ask, [], ""  # type: ignore[attr-defined]  # as above
        found.append(result)
    found.sort(key=lambda f: (-f.score, -f.contact.received_at.timestamp(), f.contact.pk))  # type: ignore[union-attr]  # each has its contact, above
    return found, more


def _people(user: User, terms: Terms) -> tuple[list[Found], bool]:
    fields = [*_SCORED, "nhs_number", "expected_date_of_birth"]
    # R45: a person restricted from the searcher is not found by their details (people are
    # found only by details, never by a reference): the result would say they exist.
    queryset = people_visible_to(user).filter(merged_into__isnull=True).only(*fields)
    rows, more = _read(queryset, terms, children=True)
    found = [
        Found(score=points, reasons=reasons, person=person)
        for person, points, reasons in _scored(terms, rows)
    ]
    found.sort(key=lambda f: (-f.score, f.person.last_name, f.person.first_name, f.person.pk))  # type: ignore[union-attr]  # a person's result has its person
    more |= len(found) > SHOWN
    found = found[:SHOWN]
    return found, more
