"""The questions a report asks, declared once for the staff forms and the public referral form.

Each is asked in the same words on both: its label, its hint and, where both draw it alike, its
kind of answer (a date, a text box, a textarea). The staff form makes its field with
`govuk_fields.field_for` (or a factory taking the declaration), the public form its question
with `Question.asking`. Where the declaration gives no kind, each form draws it its own way (a
select on the staff form, radios on the public form). The answers are checked by one shape for
both, `intake.submissions.Submission`. What a person's sex, disabilities and NHS number are
asked as is the person record's (`people.forms`), shared with the correction of a person's
details.

Where the public form must speak to a member of the public ("you") and the staff form of them,
the public form's words are declared here too, as a variant of the staff form's question
(`dataclasses.replace`): the same kind of answer, checked the same way, in other words.
"""

from __future__ import annotations

import dataclasses

from django.utils import timezone

from frontdoor.govuk_fields import Asked
from frontdoor.intake.models import FeedbackBy, Gender, ReferrerType, YesNoUnknown
from frontdoor.people.forms import DISABILITIES, NHS_NUMBER, SEX

__all__ = [
    "ADDRESS",
    "ADULT_DATE_OF_BIRTH",
    "ADULT_RELATIONSHIP",
    "AGREES_TO_TEXT",
    "ALLEGED_HARM",
    "ALLEGED_PERPETRATOR",
    "CHILD_ADDRESS",
    "CHILD_DATE_OF_BIRTH",
    "CHILD_LOCATION",
    "CHILD_VOICE",
    "COMMUNICATION",
    "CONSENT",
    "DISABILITIES",
    "DOMESTIC_ABUSE",
    "EMAIL",
    "ETHNICITY",
    "EXPECTANT_PARENT",
    "EXPECTED_DATE_OF_BIRTH",
    "FEEDBACK_BY",
    "FIRST_LANGUAGE",
    "FIRST_NAME",
    "FULL_NAME",
    "GENDER",
    "IMMEDIATE_DANGER",
    "LAST_NAME",
    "LEARNING_DIFFICULTIES",
    "LIVES_WITH_CHILD",
    "MENTAL_ILLNESS",
    "NHS_NUMBER",
    "ORGANISATION",
    "OTHER_AGENCIES",
    "OTHER_NAMES",
    "PARENTAL_RESPONSIBILITY",
    "PARENTS_AWARE",
    "PARENTS_AWARE_OF_REFERRAL",
    "POSTCODE",
    "REFERRER_ADDRESS",
    "REFERRER_ADDRESS_ASKED_OF_YOU",
    "REFERRER_RELATIONSHIP",
    "REFERRER_TYPE",
    "REFERRER_TYPE_ASKED_OF_YOU",
    "RELIGION",
    "ROLE",
    "SCHOOL_OR_NURSERY",
    "SEX",
    "SPECIAL_NEEDS",
    "SUBSTANCE_MISUSE",
    "TELEPHONE",
    "WORKING_WELL",
    "WORK_EMAIL",
    "WORK_ORGANISATION",
    "WORK_ROLE",
    "WORK_TELEPHONE",
    "YES_NO_UNKNOWN",
]

YES_NO_UNKNOWN = tuple((choice.value, choice.label) for choice in YesNoUnknown)

# A child or an adult.
FIRST_NAME = Asked("First name")
LAST_NAME = Asked("Last name")
OTHER_NAMES = Asked(
    "Other names they are known by",
    hint="For example, a nickname, a previous surname or another spelling",
    kind="text",
)
GENDER = Asked("Gender", choices=tuple((choice.value, choice.label) for choice in Gender))
ETHNICITY = Asked("Ethnicity")
FIRST_LANGUAGE = Asked("First language")
RELIGION = Asked("Religion")
POSTCODE = Asked("Postcode", width="govuk-input--width-10")
ADDRESS = Asked("Address", kind="textarea")
# Someone else's number (an adult's) or the referrer's own: only the public form's referrer
# question lets the browser fill it in (`autocomplete`), as only there it is the user's own.
TELEPHONE = Asked("Telephone number", kind="text", input_type="tel", width="govuk-input--width-20")

# A child. Disabilities are asked once, as the DfE's list (`DISABILITIES`); special educational
# needs are the school's support, asked apart. An unborn child has an expected date of birth in
# place of a date of birth (R5): the public form asks one or the other, the staff form has both.
CHILD_ADDRESS = dataclasses.replace(ADDRESS, label="Address where the child lives")
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
PARENTAL_RESPONSIBILITY = Asked(
    "Do they have parental responsibility for the child?", choices=YES_NO_UNKNOWN
)
LIVES_WITH_CHILD = Asked("Do they live with the child?", choices=YES_NO_UNKNOWN)
ALLEGED_PERPETRATOR = Asked(
    "This adult is the person alleged to have harmed the child", kind="checkbox"
)
# R5: an expectant parent under 18 is a child in their own right, and is added as one.
EXPECTANT_PARENT = Asked(
    "This adult is the unborn baby's mother or father-to-be",
    hint="If they are under 18, they are added as a child too",
    kind="checkbox",
)

# The referrer: who they are, how they know the child, how to reach them. The staff form asks
# every referrer's details in one fieldset; the public form asks a professional for their work
# details (the `WORK_` variants), and a member of the public or the family for their own.
# Staff record who made the contact; the public form asks the referrer who they are, telling
# them first that their identity is protected (R11), with an example of each kind.
REFERRER_TYPE = Asked(
    "Who made the contact?", choices=tuple((choice.value, choice.label) for choice in ReferrerType)
)
REFERRER_TYPE_ASKED_OF_YOU = dataclasses.replace(
    REFERRER_TYPE,
    label="Who is making the referral?",
    hint=(
        "If you are a member of the public or of the child's family, your identity is "
        "protected: we will not tell the child's family or other agencies who you are without "
        "your consent."
    ),
    choices=(
        (
            ReferrerType.PROFESSIONAL.value,
            "A professional, for example a teacher, GP or police officer",
        ),
        (ReferrerType.PUBLIC.value, "A member of the public"),
        (ReferrerType.FAMILY.value, "A member of the child's family"),
        (ReferrerType.ANONYMOUS.value, "I want to stay anonymous"),
    ),
)
FULL_NAME = Asked("Full name", kind="text")
ORGANISATION = Asked("Organisation", hint="For a professional", kind="text")
WORK_ORGANISATION = dataclasses.replace(ORGANISATION, label="Organisation you work for", hint="")
ROLE = Asked("Job title", hint="For a professional", kind="text")
WORK_ROLE = dataclasses.replace(ROLE, hint="")
EMAIL = Asked("Email address", kind="text", input_type="email")
WORK_EMAIL = dataclasses.replace(EMAIL, label="Work email address")
REFERRER_ADDRESS = ADDRESS
REFERRER_ADDRESS_ASKED_OF_YOU = dataclasses.replace(ADDRESS, label="Your address")
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
# R30: a professional is told the outcome, by email or, with their agreement, by text message.
FEEDBACK_BY = Asked(
    "How should we tell you the outcome of this referral?",
    hint="By email, or by text message if the telephone number is a mobile",
    choices=tuple((choice.value, choice.label) for choice in FeedbackBy),
)
AGREES_TO_TEXT = Asked(
    "I agree to be sent a text message about this referral at the number I gave",
    hint="The number must be a UK mobile number",
    kind="checkbox",
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
WORKING_WELL = Asked(
    "What is working well for the child?",
    hint="For example, people who keep the child safe, or things the family does well",
    kind="textarea",
)
# The child's voice and lived experience, asked in words a member of the public uses too.
CHILD_VOICE = Asked(
    "What is the child's day-to-day life like, and what do they say about it?", kind="textarea"
)
ALLEGED_HARM = Asked("Who is alleged to have harmed the child, if anyone?", kind="textarea")
OTHER_AGENCIES = Asked(
    "Which other services or agencies are involved with the family?",
    hint="For example, the school, a health visitor or the police",
    kind="textarea",
)
# Staff record a contact; the public form's referrer is making a referral.
PARENTS_AWARE = Asked("Do the parents or carers know about this contact?", choices=YES_NO_UNKNOWN)
PARENTS_AWARE_OF_REFERRAL = dataclasses.replace(
    PARENTS_AWARE, label="Do the parents or carers know about this referral?"
)
SUBSTANCE_MISUSE = Asked(
    "Is the household affected by drug or alcohol misuse?", choices=YES_NO_UNKNOWN
)
DOMESTIC_ABUSE = Asked("Is the household affected by domestic abuse?", choices=YES_NO_UNKNOWN)
MENTAL_ILLNESS = Asked("Is the household affected by mental illness?", choices=YES_NO_UNKNOWN)
LEARNING_DIFFICULTIES = Asked(
    "Is the household affected by learning difficulties?", choices=YES_NO_UNKNOWN
)

# Consent (R12-R16): the one question about whether the parents agree to the referral.
CONSENT = Asked("Have the parents or carers agreed to this referral being made?")
