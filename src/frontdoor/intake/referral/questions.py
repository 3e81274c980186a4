"""The questions of the online referral form's pages, each declared once.

What each page asks: labels, hints and choices. How they are read and shown is `pages`; every
answer is checked by the pydantic models of `intake.submissions`, the one home of the report's
rules.
"""

from __future__ import annotations

from frontdoor.intake import report_questions as asked
from frontdoor.intake.models import Consent, FeedbackBy, ReferrerType
from frontdoor.intake.referral.pages import Question
from frontdoor.intake.report_questions import YES_NO_UNKNOWN
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
    Question(
        "type",
        "Who is making the referral?",
        kind="radios",
        heading=True,
        # R11: said before the choice, so a member of the public knows it before choosing to
        # stay anonymous, not only on the page after choosing to give their name.
        hint="If you are a member of the public or of the child's family, your identity is "
        "protected: we will not tell the child's family or other agencies who you are without "
        "your consent.",
        choices=(
            (
                ReferrerType.PROFESSIONAL.value,
                "A professional, for example a teacher, GP or police officer",
            ),
            (ReferrerType.PUBLIC.value, "A member of the public"),
            (ReferrerType.FAMILY.value, "A member of the child's family"),
            (ReferrerType.ANONYMOUS.value, "I want to stay anonymous"),
        ),
    ),
)

_RELATIONSHIP = Question.asking("relationship_to_child", asked.REFERRER_RELATIONSHIP)
_NAME = Question("name", "Full name", autocomplete="name")
# The referrer's own number: the browser may fill it in.
_PHONE = Question.asking("phone", asked.TELEPHONE, autocomplete="tel")
_EMAIL = Question("email", "Email address", autocomplete="email", input_type="email")


# R30: a professional is told the outcome, by e-mail or, with their agreement, by text message.
_FEEDBACK_BY = Question(
    "feedback_by",
    "How should we tell you the outcome of this referral?",
    kind="radios",
    choices=tuple((choice.value, choice.label) for choice in FeedbackBy),
    reveals={
        FeedbackBy.TEXT.value: (
            Question(
                "agrees_to_contact",
                "I agree to be sent a text message about this referral at the number I gave",
                kind="checkbox",
                hint="The number must be a UK mobile number",
            ),
        )
    },
)


def referrer_questions(referrer_type: str) -> tuple[Question, ...]:
    """A professional gives work contact details; the public and family how to reach them;
    an anonymous referrer is asked no name or contact details at all (R11)."""
    if referrer_type == ReferrerType.PROFESSIONAL:
        return (
            _NAME,
            Question("agency", "Organisation you work for", autocomplete="organization"),
            Question("role", "Job title", autocomplete="organization-title"),
            Question.asking("phone", asked.WORK_TELEPHONE, autocomplete="tel"),
            Question("email", "Work email address", autocomplete="email", input_type="email"),
            _RELATIONSHIP,
            _FEEDBACK_BY,
        )
    if referrer_type == ReferrerType.ANONYMOUS:
        return (_RELATIONSHIP,)
    return (
        _NAME,
        _PHONE,
        _EMAIL,
        Question("address", "Your address", kind="textarea", autocomplete="street-address"),
        _RELATIONSHIP,
    )


_GENDER = Question.asking("gender", asked.GENDER, kind="radios", inline=True)
_FIRST_NAME = Question.asking("first_name", asked.FIRST_NAME)
_LAST_NAME = Question.asking("last_name", asked.LAST_NAME)
_ETHNICITY = Question.asking("ethnicity", asked.ETHNICITY)
_FIRST_LANGUAGE = Question.asking("first_language", asked.FIRST_LANGUAGE)
_RELIGION = Question.asking("religion", asked.RELIGION)
_POSTCODE = Question.asking("postcode", asked.POSTCODE)


CHILD = (
    _FIRST_NAME,
    _LAST_NAME,
    Question("other_names", "Other names they are known by"),
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
    Question("address", "Address where the child lives", kind="textarea"),
    _POSTCODE,
    Question(
        "nhs_number",
        "NHS number",
        hint="A 10 digit number, like 943 476 5919",
        width="govuk-input--width-10",
    ),
    Question.asking("school_or_nursery", asked.SCHOOL_OR_NURSERY),
    # What the statutory returns ask, as the staff form asks it, optional as there.
    Question.asking("disabilities", asked.DISABILITIES, kind="checkboxes"),
    Question.asking("special_needs", asked.SPECIAL_NEEDS, kind="textarea"),
    Question.asking("communication", asked.COMMUNICATION),
)

ADULT = (
    _FIRST_NAME,
    _LAST_NAME,
    Question("other_names", "Other names they are known by"),
    Question.asking("relationship_to_child", asked.ADULT_RELATIONSHIP),
    Question.asking("date_of_birth", asked.ADULT_DATE_OF_BIRTH),
    _GENDER,
    Question(
        "parental_responsibility",
        "Do they have parental responsibility for the child?",
        kind="radios",
        choices=YES_NO_UNKNOWN,
        inline=True,
    ),
    Question(
        "lives_with_child",
        "Do they live with the child?",
        kind="radios",
        choices=YES_NO_UNKNOWN,
        inline=True,
    ),
    _ETHNICITY,
    _FIRST_LANGUAGE,
    _RELIGION,
    Question("address", "Address", kind="textarea"),
    _POSTCODE,
    # Someone else's number: not filled in by the browser.
    Question.asking("phone", asked.TELEPHONE),
    Question(
        "alleged_perpetrator",
        "This adult is the person alleged to have harmed the child",
        kind="checkbox",
    ),
    Question(
        "expectant_parent",
        "This adult is the unborn baby's mother or father-to-be",
        kind="checkbox",
        hint="If they are under 18, we treat them as a child too",
    ),
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
    Question(
        "working_well",
        "What is working well for the child?",
        kind="textarea",
        hint="For example, people who keep the child safe, or things the family does well",
    ),
    Question(
        "child_voice",
        "What is the child's day-to-day life like, and what do they say about it?",
        kind="textarea",
    ),
)

SAFETY = (
    Question.asking("child_location", asked.CHILD_LOCATION, kind="textarea"),
    Question(
        "alleged_perpetrator",
        "Who is alleged to have harmed the child, if anyone?",
        kind="textarea",
    ),
    Question(
        "other_agencies",
        "Which other services or agencies are involved with the family?",
        kind="textarea",
        hint="For example, the school, a health visitor or the police",
    ),
    Question(
        "parents_aware",
        "Do the parents or carers know about this referral?",
        kind="radios",
        choices=YES_NO_UNKNOWN,
        inline=True,
    ),
)

HOUSEHOLD = (
    Question.asking("domestic_abuse", asked.DOMESTIC_ABUSE, kind="radios", inline=True),
    Question.asking("mental_illness", asked.MENTAL_ILLNESS, kind="radios", inline=True),
    Question(
        "substance_misuse",
        "Is the household affected by drug or alcohol misuse?",
        kind="radios",
        choices=YES_NO_UNKNOWN,
        inline=True,
    ),
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
