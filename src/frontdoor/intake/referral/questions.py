"""The questions of the online referral form's pages, each declared once.

What each page asks: labels, hints and choices. How they are read and shown is `pages`; every
answer is checked by the pydantic models of `intake.submissions`, the one home of the report's
rules.
"""

from __future__ import annotations

from frontdoor.intake import report_questions as asked
from frontdoor.intake.models import Consent, FeedbackBy, ReferrerType
from frontdoor.intake.referral.pages import Question
from frontdoor.policy.schema import Policy

# Asked first, and only here: its answer is also whether the child needs protecting now (R6).
DANGER = (
    Question.asking(
        "danger",
        asked.IMMEDIATE_DANGER,
        kind="radios",
        heading=True,
        choices=(("yes", "Yes"), ("no", "No")),
        inline=True,
    ),
)

PHONE_REFERENCE = (
    Question(
        "phone_reference",
        "The reference you were given on the phone (optional)",
        hint="For example, FD-B7K2-9QXD. If you were not given one, leave this blank.",
        width="govuk-input--width-10",
    ),
)

WHO = (
    # R11: the hint is said before the choice, so a member of the public knows it before
    # choosing to stay anonymous, not only on the page after choosing to give their name.
    Question.asking("type", asked.REFERRER_TYPE_ASKED_OF_YOU, kind="radios", heading=True),
)

_RELATIONSHIP = Question.asking("relationship_to_child", asked.REFERRER_RELATIONSHIP)
_NAME = Question.asking("name", asked.FULL_NAME, autocomplete="name")
# The referrer's own number: the browser may fill it in.
_PHONE = Question.asking("phone", asked.TELEPHONE, autocomplete="tel")
_EMAIL = Question.asking("email", asked.EMAIL, autocomplete="email")


# R30: a professional is told the outcome, by e-mail or, with their agreement, by text message.
_FEEDBACK_BY = Question.asking(
    "feedback_by",
    asked.FEEDBACK_BY,
    kind="radios",
    reveals={FeedbackBy.TEXT.value: (Question.asking("agrees_to_contact", asked.AGREES_TO_TEXT),)},
)


def referrer_questions(referrer_type: str) -> tuple[Question, ...]:
    """A professional gives work contact details; the public and family how to reach them;
    an anonymous referrer is asked no name or contact details at all (R11)."""
    if referrer_type == ReferrerType.PROFESSIONAL:
        return (
            _NAME,
            Question.asking("agency", asked.WORK_ORGANISATION, autocomplete="organization"),
            Question.asking("role", asked.WORK_ROLE, autocomplete="organization-title"),
            Question.asking("phone", asked.WORK_TELEPHONE, autocomplete="tel"),
            Question.asking("email", asked.WORK_EMAIL, autocomplete="email"),
            _RELATIONSHIP,
            _FEEDBACK_BY,
        )
    if referrer_type == ReferrerType.ANONYMOUS:
        return (_RELATIONSHIP,)
    return (
        _NAME,
        _PHONE,
        _EMAIL,
        Question.asking(
            "address", asked.REFERRER_ADDRESS_ASKED_OF_YOU, autocomplete="street-address"
        ),
        _RELATIONSHIP,
    )


_GENDER = Question.asking("gender", asked.GENDER, kind="radios", inline=True)
_FIRST_NAME = Question.asking("first_name", asked.FIRST_NAME)
_LAST_NAME = Question.asking("last_name", asked.LAST_NAME)
_ETHNICITY = Question.asking("ethnicity", asked.ETHNICITY)
_FIRST_LANGUAGE = Question.asking("first_language", asked.FIRST_LANGUAGE)
_RELIGION = Question.asking("religion", asked.RELIGION)
_POSTCODE = Question.asking("postcode", asked.POSTCODE)
_OTHER_NAMES = Question.asking("other_names", asked.OTHER_NAMES)


CHILD = (
    _FIRST_NAME,
    _LAST_NAME,
    _OTHER_NAMES,
    Question(
        "unborn",
        "Has the child been born?",
        kind="radios",
        choices=(("no", "Yes"), ("yes", "No, the baby is not born yet")),
        reveals={
            "no": (Question.asking("date_of_birth", asked.CHILD_DATE_OF_BIRTH),),
            "yes": (Question.asking("expected_date_of_birth", asked.EXPECTED_DATE_OF_BIRTH),),
        },
    ),
    # Gender only: the statutory returns read a child's sex from it when it is male or female
    # (`returns.selectors.recorded_sex`); the staff form records sex apart.
    _GENDER,
    _ETHNICITY,
    _FIRST_LANGUAGE,
    _RELIGION,
    Question.asking("address", asked.CHILD_ADDRESS),
    _POSTCODE,
    Question.asking("nhs_number", asked.NHS_NUMBER),
    Question.asking("school_or_nursery", asked.SCHOOL_OR_NURSERY),
    # What the statutory returns ask, as the staff form asks it, optional as there.
    Question.asking("disabilities", asked.DISABILITIES, kind="checkboxes"),
    Question.asking("special_needs", asked.SPECIAL_NEEDS, kind="textarea"),
    Question.asking("communication", asked.COMMUNICATION),
)

ADULT = (
    _FIRST_NAME,
    _LAST_NAME,
    _OTHER_NAMES,
    Question.asking("relationship_to_child", asked.ADULT_RELATIONSHIP),
    Question.asking("date_of_birth", asked.ADULT_DATE_OF_BIRTH),
    _GENDER,
    Question.asking(
        "parental_responsibility", asked.PARENTAL_RESPONSIBILITY, kind="radios", inline=True
    ),
    Question.asking("lives_with_child", asked.LIVES_WITH_CHILD, kind="radios", inline=True),
    _ETHNICITY,
    _FIRST_LANGUAGE,
    _RELIGION,
    Question.asking("address", asked.ADDRESS),
    _POSTCODE,
    # Someone else's number: not filled in by the browser.
    Question.asking("phone", asked.TELEPHONE),
    Question.asking("alleged_perpetrator", asked.ALLEGED_PERPETRATOR),
    Question.asking("expectant_parent", asked.EXPECTANT_PARENT),
)

WORRY = (
    Question(
        "worry",
        "What are you worried about?",
        kind="textarea",
        hint=(
            "What has happened, when, and how you know. "
            "Include anything the child said, in their words."
        ),
    ),
    Question.asking("working_well", asked.WORKING_WELL),
    Question.asking("child_voice", asked.CHILD_VOICE),
)

SAFETY = (
    Question.asking("child_location", asked.CHILD_LOCATION, kind="textarea"),
    Question.asking("alleged_perpetrator", asked.ALLEGED_HARM),
    Question.asking("other_agencies", asked.OTHER_AGENCIES),
    Question.asking("parents_aware", asked.PARENTS_AWARE_OF_REFERRAL, kind="radios", inline=True),
)

HOUSEHOLD = (
    Question.asking("domestic_abuse", asked.DOMESTIC_ABUSE, kind="radios", inline=True),
    Question.asking("mental_illness", asked.MENTAL_ILLNESS, kind="radios", inline=True),
    Question.asking("substance_misuse", asked.SUBSTANCE_MISUSE, kind="radios", inline=True),
    Question.asking(
        "learning_difficulties", asked.LEARNING_DIFFICULTIES, kind="radios", inline=True
    ),
)


def consent_questions(policy: Policy) -> tuple[Question, ...]:
    """Consent (R12-R16), with the council's own R14 reasons for not seeking it."""
    reasons = tuple((reason.key, reason.label) for reason in policy.consent.not_sought_reasons)
    return (
        Question(
            "consent",
            asked.CONSENT.label,
            kind="radios",
            hint="Ask the people with parental responsibility for the child.",
            choices=(
                (Consent.GIVEN.value, "Yes, they have agreed"),
                (Consent.REFUSED.value, "No, they have refused"),
                (Consent.NOT_SOUGHT.value, "I have not asked them"),
            ),
            reveals={
                Consent.NOT_SOUGHT.value: (
                    Question(
                        "not_sought_reason",
                        "Why have you not asked them?",
                        kind="radios",
                        choices=reasons,
                    ),
                )
            },
        ),
        Question("notes", "Anything else about consent (optional)", kind="textarea"),
    )


LEVEL_NOT_KNOWN = "not_known"


def level_questions(policy: Policy) -> tuple[Question, ...]:
    levels = sorted(policy.level_of_need.levels, key=lambda level: level.level)
    return (
        Question(
            "referrer_level_of_need",
            "Which level of need do you think the child is at?",
            kind="radios",
            heading=True,
            choices=(
                *((str(level.level), f"Level {level.level}: {level.name}") for level in levels),
                (LEVEL_NOT_KNOWN, "I do not know"),
            ),
        ),
    )
