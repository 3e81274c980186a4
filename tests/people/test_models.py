"""The person record: NHS numbers checked and unique, search keys kept in step with the names."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from frontdoor.people.models import (
    Person,
    nhs_number_is_valid,
    swapped_day_and_month,
    validate_nhs_number,
)
from tests.people.factories import NHS_NUMBER, OTHER_NHS_NUMBER, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [NHS_NUMBER, OTHER_NHS_NUMBER, "4000000004"])
def test_r18_a_real_nhs_number_passes_its_check_digit(number):
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize("number", ["9434765918", "943476591", "94347659190", "abcdefghij", ""])
def test_r18_a_mistyped_nhs_number_is_refused(number):
    assert not nhs_number_is_valid(number)
    if number:
        with pytest.raises(ValidationError, match="Enter a real NHS number"):
            validate_nhs_number(number)


def test_r18_two_people_cannot_share_an_nhs_number_but_many_can_have_none():
    PersonFactory(nhs_number=NHS_NUMBER)
    PersonFactory(nhs_number="")
    PersonFactory(nhs_number="")
    with pytest.raises(IntegrityError):
        PersonFactory(nhs_number="943 476 5919")  # the same number, written in groups


def test_search_keys_follow_the_names_and_the_postcode_is_tidied():
    person = PersonFactory(first_name="Zoë", last_name="O'Brien-Smith", postcode="l217pq")
    assert person.search_first_name == "zoe"
    assert person.search_last_name == "obrien smith"
    assert person.surname_key != person.surname_last_key  # both parts are searchable
    assert person.postcode == "L21 7PQ"
    person.last_name = "Smyth"
    person.save(update_fields=["last_name"])
    person.refresh_from_db()
    assert person.search_last_name == "smyth"


def test_day_and_month_swap_only_when_it_makes_another_date():
    import datetime as dt

    assert swapped_day_and_month(dt.date(2015, 3, 4)) == dt.date(2015, 4, 3)
    assert swapped_day_and_month(dt.date(2015, 3, 13)) is None
    assert swapped_day_and_month(dt.date(2015, 5, 5)) is None


def test_a_change_to_a_person_is_kept_in_its_history():
    person = PersonFactory()
    person.postcode = "L20 3NJ"
    person.save()
    assert [h.postcode for h in person.history.order_by("history_date")] == ["L21 7PQ", "L20 3NJ"]
    assert Person.objects.get().postcode == "L20 3NJ"
