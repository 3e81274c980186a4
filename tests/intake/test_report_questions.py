"""A question the staff form and the public referral form both ask is declared once
(`intake.report_questions`): the two forms ask it in the same words, with the same hint, as the
same kind of answer, so they cannot drift apart."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import timezone

from frontdoor.govuk_fields import Asked
from frontdoor.intake import report_questions as asked
from frontdoor.intake.forms import ReportForm
from frontdoor.intake.models import ReferrerType
from frontdoor.intake.referral import questions
from frontdoor.intake.referral.pages import Question, flatten
from frontdoor.people.forms import CorrectionForm
from frontdoor.people.models import NHS_NUMBER_MESSAGE
from tests.intake.test_referral_form import errors, post, start, url
from tests.intake.test_staff_pages import contact_form_data
from tests.people.factories import PersonFactory

_PUBLIC = questions.referrer_questions(ReferrerType.PUBLIC)
_PROFESSIONAL = questions.referrer_questions(ReferrerType.PROFESSIONAL)

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
    (asked.OTHER_NAMES, "child", "other_names", questions.CHILD, "other_names"),
    (asked.OTHER_NAMES, "adult", "other_names", questions.ADULT, "other_names"),
    (asked.NHS_NUMBER, "child", "nhs_number", questions.CHILD, "nhs_number"),
    (asked.CHILD_ADDRESS, "child", "address", questions.CHILD, "address"),
    (asked.ADDRESS, "adult", "address", questions.ADULT, "address"),
    (
        asked.PARENTAL_RESPONSIBILITY,
        "adult",
        "parental_responsibility",
        questions.ADULT,
        "parental_responsibility",
    ),
    (asked.LIVES_WITH_CHILD, "adult", "lives_with_child", questions.ADULT, "lives_with_child"),
    (
        asked.ALLEGED_PERPETRATOR,
        "adult",
        "alleged_perpetrator",
        questions.ADULT,
        "alleged_perpetrator",
    ),
    (asked.EXPECTANT_PARENT, "adult", "expectant_parent", questions.ADULT, "expectant_parent"),
    (asked.WORKING_WELL, "concern", "working_well", questions.WORRY, "working_well"),
    (asked.CHILD_VOICE, "concern", "child_voice", questions.WORRY, "child_voice"),
    (asked.ALLEGED_HARM, "concern", "alleged_perpetrator", questions.SAFETY, "alleged_perpetrator"),
    (asked.OTHER_AGENCIES, "concern", "other_agencies", questions.SAFETY, "other_agencies"),
    (
        asked.SUBSTANCE_MISUSE,
        "concern",
        "substance_misuse",
        questions.HOUSEHOLD,
        "substance_misuse",
    ),
    (asked.FULL_NAME, "referrer", "referrer_name", _PUBLIC, "name"),
    (asked.EMAIL, "referrer", "referrer_email", _PUBLIC, "email"),
    (asked.FEEDBACK_BY, "referrer", "referrer_feedback_by", _PROFESSIONAL, "feedback_by"),
    (
        asked.AGREES_TO_TEXT,
        "referrer",
        "referrer_agrees_to_contact",
        _PROFESSIONAL,
        "agrees_to_contact",
    ),
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
        "concern": form.fields,
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
    _asks_as_declared(_staff_field(part, staff_name), _public_question(page, public_name), declared)


def _asks_as_declared(staff: forms.Field, public: Question, declared: Asked) -> None:
    assert (staff.label, staff.help_text) == (declared.label, declared.hint)
    assert (public.label, public.hint) == (declared.label, declared.hint)
    if declared.kind:
        assert getattr(staff, "govuk", None) == public.kind == declared.kind
    else:
        # Each form draws a choice its own way (a select or radios), from the same choices.
        assert isinstance(staff, forms.ChoiceField)
        assert tuple(staff.choices) == public.choices == declared.choices
    assert getattr(staff, "width", None) == public.width == declared.width
    assert public.input_type == declared.input_type
    if declared.kind == "date":
        # The staff form's messages name the date as its label does ("Date of birth must
        # include a month"); the public form's are the Submission's, shared by both.
        assert getattr(staff, "described_as", None) == declared.label


# The public form's words for a question the staff form asks otherwise ("Your address"),
# declared beside it: (staff declaration, public variant, staff field, public page and question)
VARIANTS = [
    (asked.REFERRER_TYPE, asked.REFERRER_TYPE_ASKED_OF_YOU, "referrer_type", questions.WHO, "type"),
    (asked.ORGANISATION, asked.WORK_ORGANISATION, "referrer_agency", _PROFESSIONAL, "agency"),
    (asked.ROLE, asked.WORK_ROLE, "referrer_role", _PROFESSIONAL, "role"),
    (asked.EMAIL, asked.WORK_EMAIL, "referrer_email", _PROFESSIONAL, "email"),
    (asked.TELEPHONE, asked.WORK_TELEPHONE, "referrer_phone", _PROFESSIONAL, "phone"),
    (
        asked.REFERRER_ADDRESS,
        asked.REFERRER_ADDRESS_ASKED_OF_YOU,
        "referrer_address",
        _PUBLIC,
        "address",
    ),
    (
        asked.PARENTS_AWARE,
        asked.PARENTS_AWARE_OF_REFERRAL,
        "parents_aware",
        questions.SAFETY,
        "parents_aware",
    ),
]


@pytest.mark.parametrize(
    ("declared", "variant", "staff_name", "page", "public_name"),
    VARIANTS,
    ids=[f"{name}-{public_name}" for _, _, name, _, public_name in VARIANTS],
)
def test_a_public_variant_asks_the_staff_forms_question_in_other_words(
    db, declared: Asked, variant: Asked, staff_name, page, public_name
):
    staff = ReportForm().fields[staff_name]  # a referrer's or the concern's
    public = _public_question(page, public_name)
    assert (staff.label, staff.help_text) == (declared.label, declared.hint)
    assert (public.label, public.hint) == (variant.label, variant.hint)
    # Only the words differ: the same kind of answer, box and choices, so checked alike.
    assert (variant.kind, variant.width, variant.input_type) == (
        declared.kind,
        declared.width,
        declared.input_type,
    )
    assert [value for value, _ in variant.choices] == [value for value, _ in declared.choices]
    assert public.input_type == variant.input_type
    assert public.width == variant.width
    if declared.kind:
        assert getattr(staff, "govuk", None) == public.kind == declared.kind
    else:
        assert [value for value, _ in staff.choices] == [value for value, _ in public.choices]


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


# An NHS number is checked by one check (`people.models.checked_nhs_number`), on both forms.
NOT_AN_NHS_NUMBER = "943 476 5918"  # the last digit is not the check digit


def test_both_forms_refuse_an_nhs_number_that_is_not_one_in_the_same_words(db, client):
    form = ReportForm(contact_form_data(child_0_nhs_number=NOT_AN_NHS_NUMBER))
    assert not form.is_valid()
    assert form.errors["child_0_nhs_number"] == [NHS_NUMBER_MESSAGE]
    assert ReportForm(contact_form_data(child_0_nhs_number="943 476 5919")).is_valid()

    journey = start(client)
    response = post(
        client,
        url("child_add", journey),
        {"first_name": "Ellis", "unborn": "no", "nhs_number": NOT_AN_NHS_NUMBER},
        expect=400,
    )
    assert errors(response) == [NHS_NUMBER_MESSAGE]


def test_a_correction_asks_and_checks_an_nhs_number_as_a_report_does(db):
    person = PersonFactory(nhs_number="")
    today = timezone.localdate()
    field = CorrectionForm(record=person, as_of=today).fields["nhs_number"]
    assert (field.label, field.help_text) == (asked.NHS_NUMBER.label, asked.NHS_NUMBER.hint)
    assert field.width == asked.NHS_NUMBER.width  # type: ignore[attr-defined]  # a mark the GOV.UK templates read
    form = CorrectionForm(
        {"nhs_number": NOT_AN_NHS_NUMBER, "reason": "Typed by the GP"}, record=person, as_of=today
    )
    assert not form.is_valid()
    assert form.errors["nhs_number"] == [NHS_NUMBER_MESSAGE]
