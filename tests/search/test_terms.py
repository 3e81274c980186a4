"""Reading the search box: each kind of term in the forms staff type it, and clear refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.search.terms import TermsError, parse

APRIL_3 = dt.date(2015, 4, 3)


@pytest.mark.parametrize(
    "typed",
    [
        "3/4/2015",
        "03/04/2015",
        "3-4-2015",
        "3.4.2015",
        "2015-04-03",
        "3 April 2015",
        "3rd Apr 2015",
        "3 april, 2015",
        "3/4/15",
        "3rd of April 2015",
        "April 3, 2015",
    ],
)
def test_a_date_of_birth_is_read_in_the_forms_staff_type(typed):
    assert parse(typed).date_of_birth == APRIL_3


@pytest.mark.parametrize("typed", ["25/9/2010", "25-09-2010", "25 Sept 2010", "2010-09-25"])
def test_dates_are_read_day_first_in_the_forms_written_in_england(typed):
    assert parse(typed).date_of_birth == dt.date(2010, 9, 25)


def test_a_date_in_american_order_is_refused_with_the_order_to_use():
    with pytest.raises(TermsError) as refused:
        parse("Kayden 9/25/2010")
    assert refused.value.message == (
        "9/25/2010 is not a real date: enter the date as day/month/year, for example 25/9/2010"
    )


def test_a_two_digit_year_is_never_in_the_future():
    assert parse("3/4/40", today=dt.date(2026, 1, 1)).date_of_birth == dt.date(1940, 4, 3)


@pytest.mark.parametrize("typed", ["L21 7PQ", "l217pq", "L21  7pq", " l21 7PQ "])
def test_a_postcode_is_read_with_any_spacing_or_case(typed):
    assert parse(typed).postcode == "L21 7PQ"


@pytest.mark.parametrize("typed", ["943 476 5919", "9434765919", "943-476-5919"])
def test_an_nhs_number_is_read_with_or_without_spaces(typed):
    assert parse(typed).nhs_number == "9434765919"


@pytest.mark.parametrize("typed", ["FD-BCDF-2345", "fd-bcdf-2345", "FD BCDF 2345", "fdbcdf2345"])
def test_a_contact_reference_is_read_in_any_case_and_spacing(typed):
    assert parse(typed).reference == "FD-BCDF-2345"


def test_names_are_one_name_or_a_first_name_and_surname():
    # One name alone may be a first name or a surname: it is searched as either.
    kayden = parse("Kayden")
    assert (kayden.name, kayden.first_name, kayden.last_name) == ("Kayden", "", "")
    assert kayden.described() == ["name \u2018Kayden\u2019"]
    jo = parse("Jo Anne Smith")
    assert (jo.first_name, jo.other_names, jo.last_name) == ("Jo", "Anne", "Smith")
    comma = parse("Smith, Jo")
    assert (comma.first_name, comma.last_name) == ("Jo", "Smith")
    assert parse("O'Brien-Smith").name == "O'Brien-Smith"


def test_terms_combine_and_each_is_described():
    terms = parse("Jo Smith 3/4/2015 L21 7PQ")
    assert (terms.first_name, terms.last_name) == ("Jo", "Smith")
    assert terms.date_of_birth == APRIL_3
    assert terms.postcode == "L21 7PQ"
    assert terms.described() == [
        "name \u2018Jo Smith\u2019",
        "date of birth 3 April 2015",
        "postcode L21 7PQ",
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a name, date of birth, postcode, NHS number or contact reference"),
        ("31/2/2015", "31/2/2015 is not a real date"),
        ("943 476 5918", "943 476 5918 is not a real NHS number"),
        ("12345", "We could not read '12345'"),
        ("x" * 201, "Search for 200 characters or fewer"),
    ],
)
def test_bad_input_is_refused_with_what_to_type(typed, message):
    with pytest.raises(TermsError) as refused:
        parse(typed)
    assert refused.value.message.startswith(message)
