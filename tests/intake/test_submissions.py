"""The one shape of a report: the rules shared by the form, staff pages and API (R4-R6, R11-R16)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import StringConstraints, TypeAdapter, ValidationError

from frontdoor.intake.submissions import (
    BLANK,
    NHS_NUMBER,
    NO_NUL,
    NOT_BLANK,
    PHONE,
    POSTCODE_AS_TYPED,
    Submission,
    error_messages,
)
from frontdoor.people.models import nhs_number_is_valid
from frontdoor.people.postcodes import normalise_postcode
from tests.intake.factories import submission_data, unborn_child


def problems(**overrides) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Submission.model_validate(submission_data(**overrides))
    return error_messages(caught.value)


def test_a_complete_referral_is_valid():
    assert Submission.model_validate(submission_data()).children[0].first_name == "Ellis"


def test_a_professional_sees_every_missing_detail_at_once():
    found = problems(referrer={"type": "professional"})
    assert found == {
        "referrer.name": "Enter your full name",
        "referrer.agency": "Enter the organisation you work for",
        "referrer.role": "Enter your job title",
        "referrer.phone": "Enter a work telephone number or email address",
    }


def test_r11_an_anonymous_referral_gives_no_name():
    assert "referrer" in problems(referrer={"type": "anonymous", "name": "Someone"})
    Submission.model_validate(submission_data(referrer={"type": "anonymous"}))


def test_an_email_address_in_the_wrong_format_has_a_plain_message():
    found = problems(referrer={"type": "family", "name": "Gran", "email": "gran-at-example"})
    assert found == {
        "referrer.email": "Enter an email address in the correct format, like name@example.com"
    }


def test_at_least_one_child():
    assert problems(children=[]) == {"children": "Add at least one child"}


def test_a_date_of_birth_in_the_future_is_refused():
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    found = problems(children=[{"first_name": "A", "date_of_birth": tomorrow}])
    assert found == {"children.0.date_of_birth": "The date of birth must be today or in the past"}


def test_r5_an_unborn_child_needs_an_expected_date_within_ten_months():
    assert problems(children=[{"unborn": True}]) == {
        "children.0.expected_date_of_birth": "Enter the expected date of birth"
    }
    assert "children.0.expected_date_of_birth" in problems(children=[unborn_child(400)])
    Submission.model_validate(submission_data(children=[unborn_child(200)]))


def test_r5_an_unborn_child_has_no_date_of_birth():
    child = {**unborn_child(), "date_of_birth": "2020-01-01"}
    assert "children.0.date_of_birth" in problems(children=[child])


def test_r6_the_worry_is_required():
    assert problems(concern={"worry": ""}) == {"concern.worry": "Enter what you are worried about"}


def test_r14_consent_not_sought_needs_a_reason():
    assert problems(consent={"consent": "not_sought"}) == {
        "consent.not_sought_reason": "Select why consent was not sought"
    }
    Submission.model_validate(
        submission_data(consent={"consent": "not_sought", "not_sought_reason": "increased_risk"})
    )


def test_unknown_fields_are_refused():
    assert problems(colour="blue") == {"colour": "This is not a field of the form"}


def test_markup_is_kept_as_typed():
    text = "<b>bold</b> & <script>x</script>"
    submission = Submission.model_validate(submission_data(concern={"worry": text}))
    assert submission.concern.worry == text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("l201ab", "L20 1AB"), ("PR8  4HS", "PR8 4HS"), ("sw1a1aa", "SW1A 1AA"), ("L5 0SQ", "L5 0SQ")],
)
def test_postcodes_are_normalised(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["L20", "12345", "ABC DEF", "L20 1A", "L\u06630 1AB"])
def test_malformed_postcodes_are_refused(typed):
    with pytest.raises(ValueError, match="Enter a real postcode"):
        normalise_postcode(typed)


def test_nhs_numbers_are_checked_by_their_check_digit():
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("943476591")


@given(st.from_regex(r"\d{9}", fullmatch=True))
def test_exactly_one_check_digit_makes_an_nhs_number_valid(nine):
    valid = [d for d in "0123456789" if nhs_number_is_valid(nine + d)]
    assert len(valid) <= 1


# Every character the patterns name, and whitespace each reader of a pattern reads differently:
# \xa0 and \u3000 (stripped by pydantic), \x1c (not), \ufeff (whitespace to JavaScript only).
_TYPED = st.text(alphabet="0189 +()-aLz\t\n\x0b\xa0\x85\u3000\ufeff\x1c\x00\u0663", max_size=30)
_STRIPPED = TypeAdapter(Annotated[str, StringConstraints(strip_whitespace=True)])


@pytest.mark.parametrize(
    "rule",
    [
        NO_NUL.pattern,
        BLANK,
        NOT_BLANK,
        PHONE.pattern,
        NHS_NUMBER.pattern,
        POSTCODE_AS_TYPED.pattern,
    ],
)
@given(typed=_TYPED)
def test_a_text_rule_reads_the_same_in_the_openapi_document_as_on_the_server(rule, typed):
    """The document's reader checks the pattern on the text as sent; the server checks it, with
    Python, on the text as pydantic stripped it: each pattern is written to agree on both."""
    in_the_document = jsonschema_rs.validator_for({"pattern": rule}).is_valid(typed)
    on_the_server = re.search(rule, _STRIPPED.validate_python(typed)) is not None
    assert in_the_document == on_the_server


PROFESSIONAL = submission_data()["referrer"]


def test_r30_a_text_needs_a_uk_mobile_number_and_the_referrers_agreement():
    found = problems(referrer={**PROFESSIONAL, "feedback_by": "text"})
    assert found == {
        "referrer.phone": "Enter a UK mobile number to be told by text, like 07700 900123",
        "referrer.agrees_to_contact": "Confirm that the front door may send you a text message",
    }
    agreed = {**PROFESSIONAL, "phone": "+44 7700 900123", "feedback_by": "text"}
    referrer = Submission.model_validate(
        submission_data(referrer={**agreed, "agrees_to_contact": True})
    ).referrer
    assert (referrer.feedback_by, referrer.agrees_to_contact) == ("text", True)


def test_r30_an_email_needs_an_address():
    found = problems(referrer={**PROFESSIONAL, "email": "", "feedback_by": "email"})
    assert found == {"referrer.email": "Enter an email address to be told by email"}


def test_r30_an_anonymous_referrer_cannot_ask_to_be_told():
    assert "referrer" in problems(referrer={"type": "anonymous", "feedback_by": "email"})


def test_r12_whether_the_parents_agree_if_still_sent_must_say_what_consent_says():
    concern = {**submission_data()["concern"], "parents_agree": "no"}
    assert problems(concern=concern) == {
        "concern.parents_agree": (
            "Whether the parents agree must say what consent says: give it as consent"
        )
    }
    agreeing = {**concern, "parents_agree": "yes"}
    assert Submission.model_validate(submission_data(concern=agreeing)).consent.consent == "given"
