"""A question the staff form and the public referral form both ask is declared once
(`intake.report_questions`): the two forms ask it in the same words, with the same hint, as the
same kind of answer, so they cannot drift apart."""

from __future__ import annotations

import pytest
from django import forms

from frontdoor.govuk_fields import Asked
from frontdoor.intake import report_questions as asked
from frontdoor.intake.forms import ReportForm
from frontdoor.intake.models import ReferrerType
from frontdoor.intake.referral import questions
from frontdoor.intake.referral.pages import Question, flatten
from tests.intake.test_referral_form import errors, post, start, url
from tests.intake.test_staff_pages import contact_form_data

# (declaration, the staff form's fieldset and field, the public form's page and question)
SHARED = [
    (asked.CHILD_DATE_OF_BIRTH, "child", "date_of_birth", questions.CHILD, "date_of_birth"),
    (
        asked.EXPECTED_DATE_OF_BIRTH,
        "child",
        "expected_date_of_birth",
        questions.CHILD,
        "expected_date_of_birth",
    ),
    (asked.COMMUNICATION, "child", "communication", questions.CHILD, "communication"),
    (asked.ADULT_DATE_OF_BIRTH, "adult", "date_of_birth", questions.ADULT, "date_of_birth"),
    (
        asked.ADULT_RELATIONSHIP,
        "adult",
        "relationship_to_child",
        questions.ADULT,
        "relationship_to_child",
    ),
    (asked.TELEPHONE, "adult", "phone", questions.ADULT, "phone"),
    (
        asked.TELEPHONE,
        "referrer",
        "referrer_phone",
        questions.referrer_questions(ReferrerType.PUBLIC),
        "phone",
    ),
    (
        asked.REFERRER_RELATIONSHIP,
        "referrer",
        "referrer_relationship_to_child",
        questions.referrer_questions(ReferrerType.PUBLIC),
        "relationship_to_child",
    ),
]


def _staff_field(part: str, name: str) -> forms.Field:
    form = ReportForm()
    fields = {
        "child": form.child_forms[0].fields,
        "adult": form.adult_forms[0].fields,
        "referrer": form.fields,
    }[part]
    return fields[name]


def _public_question(page: tuple[Question, ...], name: str) -> Question:
    (question,) = [question for question in flatten(page) if question.name == name]
    return question


@pytest.mark.parametrize(
    ("declared", "part", "staff_name", "page", "public_name"),
    SHARED,
    ids=[f"{part}-{name}" for _, part, name, _, _ in SHARED],
)
def test_both_forms_ask_a_shared_question_as_declared(
    db, declared: Asked, part, staff_name, page, public_name
):
    staff = _staff_field(part, staff_name)
    public = _public_question(page, public_name)

    assert (staff.label, staff.help_text) == (declared.label, declared.hint)
    assert (public.label, public.hint) == (declared.label, declared.hint)
    assert getattr(staff, "govuk", None) == public.kind == declared.kind
    assert getattr(staff, "width", None) == public.width == declared.width
    assert public.input_type == declared.input_type
    if declared.kind == "date":
        # The staff form's messages name the date as its label does ("Date of birth must
        # include a month"); the public form's are the Submission's, shared by both.
        assert getattr(staff, "described_as", None) == declared.label


def test_the_public_form_asks_each_telephone_number_as_one_kind_of_answer():
    professional = questions.referrer_questions(ReferrerType.PROFESSIONAL)
    work = _public_question(professional, "phone")
    assert work.label == asked.WORK_TELEPHONE.label
    # A work number is still a telephone number: drawn and typed as every other.
    assert (work.kind, work.input_type, work.width) == (
        asked.TELEPHONE.kind,
        asked.TELEPHONE.input_type,
        asked.TELEPHONE.width,
    )
    # Only the referrer's own number is the browser's to fill in, not an adult's.
    assert work.autocomplete == "tel"
    assert _public_question(questions.ADULT, "phone").autocomplete == ""


def test_an_adults_example_date_of_birth_is_an_adults_on_both_forms(db):
    example = asked.adult_birth_date_example()
    assert asked.ADULT_DATE_OF_BIRTH.hint == example
    assert _public_question(questions.ADULT, "date_of_birth").hint == example


# A telephone number is checked as one, whoever's it is and whichever form it is typed in.
NOT_A_NUMBER = "ask her mum"
PHONE_MESSAGE = "Enter a telephone number, like 0151 934 4013"


def test_the_staff_form_refuses_an_adults_telephone_number_that_is_not_one(db):
    form = ReportForm(contact_form_data(adult_0_phone=NOT_A_NUMBER))
    assert not form.is_valid()
    assert form.errors["adult_0_phone"] == [PHONE_MESSAGE]
    assert ReportForm(contact_form_data(adult_0_phone="0151 934 4013")).is_valid()


def test_the_public_form_refuses_an_adults_telephone_number_that_is_not_one(db, client):
    journey = start(client)
    response = post(
        client, url("adult_add", journey), {"first_name": "Jo", "phone": NOT_A_NUMBER}, expect=400
    )
    assert errors(response) == [PHONE_MESSAGE]
    post(client, url("adult_add", journey), {"first_name": "Jo", "phone": "0151 934 4013"})
