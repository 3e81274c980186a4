"""The questions a report asks, declared once for the staff forms and the public referral form.

Each is asked in the same words on both: its label, its hint and, where both draw it alike, its
kind of answer (a date, a text box, a textarea). The staff form makes its field with
`govuk_fields.field_for` (or a factory taking the declaration), the public form its question
with `Question.asking`. Where the declaration gives no kind, each form draws it its own way (a
select on the staff form, radios on the public form). The answers are checked by one shape for
both, `intake.submissions.Submission`. What a person's sex and disabilities are asked as is the
person record's (`people.forms`), shared with the correction of a person's details.
"""

from __future__ import annotations

import dataclasses

from django.utils import timezone

from frontdoor.govuk_fields import Asked
from frontdoor.intake.models import Gender, YesNoUnknown
from frontdoor.people.forms import DISABILITIES, SEX

__all__ = [
    "ADULT_DATE_OF_BIRTH",
    "ADULT_RELATIONSHIP",
    "CHILD_DATE_OF_BIRTH",
    "CHILD_LOCATION",
    "COMMUNICATION",
    "CONSENT",
    "DISABILITIES",
    "DOMESTIC_ABUSE",
    "ETHNICITY",
    "EXPECTED_DATE_OF_BIRTH",
    "FIRST_LANGUAGE",
    "FIRST_NAME",
    "GENDER",
    "IMMEDIATE_DANGER",
    "LAST_NAME",
    "LEARNING_DIFFICULTIES",
    "MENTAL_ILLNESS",
    "POSTCODE",
    "REFERRER_RELATIONSHIP",
    "RELIGION",
    "SCHOOL_OR_NURSERY",
    "SEX",
    "SPECIAL_NEEDS",
    "TELEPHONE",
    "WORK_TELEPHONE",
    "YES_NO_UNKNOWN",
]

YES_NO_UNKNOWN = tuple((choice.value, choice.label) for choice in YesNoUnknown)

# A child or an adult.
FIRST_NAME = Asked("First name")
LAST_NAME = Asked("Last name")
GENDER = Asked("Gender", choices=tuple((choice.value, choice.label) for choice in Gender))
ETHNICITY = Asked("Ethnicity")
FIRST_LANGUAGE = Asked("First language")
RELIGION = Asked("Religion")
POSTCODE = Asked("Postcode", width="govuk-input--width-10")
# Someone else's number (an adult's) or the referrer's own: only the public form's referrer
# question lets the browser fill it in (`autocomplete`), as only there it is the user's own.
TELEPHONE = Asked("Telephone number", kind="text", input_type="tel", width="govuk-input--width-20")

# A child. Disabilities are asked once, as the DfE's list (`DISABILITIES`); special educational
# needs are the school's support, asked apart. An unborn child has an expected date of birth in
# place of a date of birth (R5): the public form asks one or the other, the staff form has both.
CHILD_DATE_OF_BIRTH = Asked("Date of birth", hint="For example, 27 3 2016", kind="date")
EXPECTED_DATE_OF_BIRTH = Asked(
    "Expected date of birth", hint="The date the baby is due", kind="date"
)
COMMUNICATION = Asked(
    "How the child communicates",
    hint="For example, British Sign Language, or needs an interpreter",
    kind="textarea",
)
SCHOOL_OR_NURSERY = Asked("School or nursery")
SPECIAL_NEEDS = Asked(
    "Special educational needs",
    hint="For example, SEN support at school or an education, health and care (EHC) plan",
)


def adult_birth_date_example() -> str:
    """An adult's date of birth as an example: 30 years before today, as day month year."""
    today = timezone.localdate()
    example = today.replace(year=today.year - 30, day=min(today.day, 28))
    return f"For example, {example.day} {example.month} {example.year}"


# An adult. The example date of birth is an adult's: taken when the forms are first made, it
# stays one (a year older each year the service runs without a restart).
ADULT_DATE_OF_BIRTH = Asked("Date of birth", hint=adult_birth_date_example(), kind="date")
ADULT_RELATIONSHIP = Asked(
    "Relationship to the child",
    hint="For example, mother, stepfather or grandparent",
    kind="text",
)

# The referrer: how they know the child, and for a professional a number at work.
REFERRER_RELATIONSHIP = Asked(
    "Relationship to the child",
    hint="For example, class teacher, neighbour or aunt",
    kind="text",
)
WORK_TELEPHONE = dataclasses.replace(
    TELEPHONE,
    label="Work telephone number",
    hint="Give a work telephone number, a work email address, or both",
)

# The concern (R6). Whether a child needs protecting now is asked once, in these words: the
# public form asks it first of all (R3), and its answer is the report's
# `immediate_protection_needed`.
IMMEDIATE_DANGER = Asked(
    "Is a child in immediate danger?",
    hint=(
        "For example, a child has been hurt, is at risk of being hurt now, or has been left alone."
    ),
)
CHILD_LOCATION = Asked("Where is the child now, and how are they?")
DOMESTIC_ABUSE = Asked("Is the household affected by domestic abuse?", choices=YES_NO_UNKNOWN)
MENTAL_ILLNESS = Asked("Is the household affected by mental illness?", choices=YES_NO_UNKNOWN)
LEARNING_DIFFICULTIES = Asked(
    "Is the household affected by learning difficulties?", choices=YES_NO_UNKNOWN
)

# Consent (R12-R16): the one question about whether the parents agree to the referral.
CONSENT = Asked("Have the parents or carers agreed to this referral being made?")
