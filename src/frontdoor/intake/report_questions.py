"""The questions a report asks, declared once for the staff forms and the public referral form.

Only the questions both ask in the same words: each form draws them its own way (a select on the
staff form, radios on the public form). What a person's sex and disabilities are asked as is the
person record's (`people.forms`), shared with the correction of a person's details.
"""

from __future__ import annotations

from frontdoor.govuk_fields import Asked
from frontdoor.intake.models import Gender, YesNoUnknown
from frontdoor.people.forms import DISABILITIES, SEX

__all__ = [
    "CHILD_LOCATION",
    "CONSENT",
    "DISABILITIES",
    "DOMESTIC_ABUSE",
    "ETHNICITY",
    "FIRST_LANGUAGE",
    "FIRST_NAME",
    "GENDER",
    "IMMEDIATE_DANGER",
    "LAST_NAME",
    "LEARNING_DIFFICULTIES",
    "MENTAL_ILLNESS",
    "POSTCODE",
    "RELIGION",
    "SCHOOL_OR_NURSERY",
    "SEX",
    "SPECIAL_NEEDS",
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

# A child. Disabilities are asked once, as the DfE's list (`DISABILITIES`); special educational
# needs are the school's support, asked apart.
SCHOOL_OR_NURSERY = Asked("School or nursery")
SPECIAL_NEEDS = Asked(
    "Special educational needs",
    hint="For example, SEN support at school or an education, health and care (EHC) plan",
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
