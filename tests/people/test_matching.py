"""Is the child known? Ranked candidates with the reasons behind them (R18, ARCHITECTURE 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoor.people.matching import candidates
from frontdoor.people.names import fold, is_nickname_of, nickname_forms, phonetic_key
from tests.people.factories import NHS_NUMBER, OTHER_NHS_NUMBER, PersonFactory

pytestmark = pytest.mark.django_db
BORN = dt.date(2015, 3, 2)


@pytest.fixture
def known():
    """The child on record, and a crowd of others who share one thing or another with him."""
    ellis = PersonFactory(
        first_name="William",
        last_name="Smith-Jones",
        date_of_birth=BORN,
        postcode="L21 7PQ",
        nhs_number=NHS_NUMBER,
    )
    PersonFactory(first_name="William", last_name="Smith", date_of_birth=dt.date(2011, 7, 9))
    PersonFactory(first_name="Wilma", last_name="Jones", date_of_birth=BORN, postcode="L20 3NJ")
    PersonFactory(first_name="Ava", last_name="Brown", date_of_birth=BORN, postcode="L21 7PQ")
    PersonFactory(first_name="Oliver", last_name="Smith-Jones", date_of_birth=dt.date(2019, 1, 1))
    return ellis


def _first(**query):
    found = candidates(**query)
    assert found, f"nothing found for {query}"
    return found[0]


def test_r18_an_exact_nhs_number_is_decisive(known):
    best = _first(first_name="Bill", last_name="Nobody", nhs_number="943 476 5919")
    assert best.person == known
    assert best.score == 100
    assert best.reasons[0] == "NHS number matches"


def test_r18_a_different_nhs_number_caps_the_score_and_says_why(known):
    found = candidates(
        first_name="William",
        last_name="Smith-Jones",
        date_of_birth=BORN,
        nhs_number=OTHER_NHS_NUMBER,
    )
    ellis = next(c for c in found if c.person == known)
    assert ellis.score <= 40
    assert ellis.differences[0].startswith("NHS number differs")
    assert found[0].person != known  # a child with no conflicting number ranks above


def test_r18_every_field_matching_scores_100_with_each_reason(known):
    best = _first(
        first_name="William", last_name="Smith-Jones", date_of_birth=BORN, postcode="l217pq"
    )
    assert best.person == known
    assert best.score == 100
    assert best.reasons == [
        "surname matches",
        "first name matches",
        "date of birth matches",
        "postcode matches",
    ]


def test_r18_a_nickname_and_a_swapped_day_and_month_still_find_the_child(known):
    best = _first(first_name="Bill", last_name="Smith-Jones", date_of_birth=dt.date(2015, 2, 3))
    assert best.person == known
    assert "first name is a known short form of 'William'" in best.reasons
    assert "date of birth matches with day and month swapped" in best.reasons


def test_r18_a_surname_heard_on_the_telephone_sounds_like_the_one_on_record():
    smith = PersonFactory(first_name="Ellis", last_name="Smith", date_of_birth=BORN)
    best = _first(first_name="Ellis", last_name="Smyth", date_of_birth=BORN)
    assert best.person == smith
    assert "surname sounds like 'Smith'" in best.reasons


def test_r18_one_half_of_a_double_barrelled_surname_finds_the_child(known):
    best = _first(first_name="William", last_name="Jones", date_of_birth=BORN)
    assert best.person == known
    assert any("double-barrelled" in reason for reason in best.reasons)


def test_r18_a_corrupted_query_still_finds_the_person(known):
    # A typo in each name, the day and month swapped, no postcode: all at once.
    best = _first(first_name="Wiliam", last_name="Smiht-Jones", date_of_birth=dt.date(2015, 2, 3))
    assert best.person == known
    assert best.score >= 60


def test_r18_a_missing_postcode_does_not_mark_the_child_down(known):
    best = _first(first_name="William", last_name="Smith-Jones", date_of_birth=BORN)
    assert best.score == 100


def test_r18_a_name_the_person_is_also_known_by_is_searched():
    kai = PersonFactory(
        first_name="Kieran", last_name="Doyle", other_names="Kai, KJ", date_of_birth=BORN
    )
    best = _first(first_name="Kai", last_name="Doyle", date_of_birth=BORN)
    assert best.person == kai
    assert "first name 'Kai' is a name the person is known by" in best.reasons


def test_r18_candidates_are_ranked_best_first_and_limited(known):
    found = candidates(first_name="William", last_name="Smith", date_of_birth=BORN, limit=2)
    assert len(found) == 2
    assert found[0].score >= found[1].score


def test_r18_a_merged_duplicate_is_never_suggested(known):
    duplicate = PersonFactory(first_name="William", last_name="Smith-Jones", date_of_birth=BORN)
    duplicate.merged_into = known
    duplicate.save()
    found = candidates(first_name="William", last_name="Smith-Jones", date_of_birth=BORN)
    assert duplicate not in [c.person for c in found]


def test_nothing_to_search_by_finds_no_one(known):
    assert candidates(first_name="", last_name="") == []


def test_matching_reads_the_database_in_two_queries(known):
    with CaptureQueriesContext(connection) as queries:
        candidates(first_name="William", last_name="Smith", date_of_birth=BORN, postcode="L21 7PQ")
    assert len(queries) == 2


def test_nicknames_link_both_ways_but_not_through_a_shared_formal_name():
    assert is_nickname_of("Bill", "William")
    assert is_nickname_of("William", "Bill")
    assert "edward" in nickname_forms("Ted") and "theodore" in nickname_forms("Ted")
    assert not is_nickname_of("Ned", "Theo")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZé-' ", max_size=20))
def test_phonetic_key_ignores_case_accents_and_punctuation(name):
    assert phonetic_key(name) == phonetic_key(name.upper()) == phonetic_key(fold(name))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    typo_at=st.integers(min_value=1, max_value=6),
    swap=st.booleans(),
)
def test_r18_one_typo_in_the_surname_and_a_swapped_date_keep_the_child_first(known, typo_at, swap):
    surname = "Smith-Jones"
    corrupted = surname[:typo_at] + surname[typo_at + 1 :]  # one letter dropped
    born = dt.date(2015, 2, 3) if swap else BORN
    best = _first(first_name="William", last_name=corrupted, date_of_birth=born)
    assert best.person == known
