"""The questions of the online referral form's pages, and reading and showing their answers.

These say what each page asks and how its answers are read from the browser (dates from three
boxes, a radio's revealed questions only when it is chosen). They hold no rules: every answer is
checked by the pydantic models of `intake.submissions`, the one home of the report's rules, and
their messages are shown against the questions here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from django.http import QueryDict

from frontdoor.intake.models import Consent, FeedbackBy, Gender, ReferrerType, YesNoUnknown
from frontdoor.policy.schema import Policy

Kind = Literal["text", "textarea", "radios", "date", "checkbox"]
YES_NO_UNKNOWN = tuple((choice.value, choice.label) for choice in YesNoUnknown)


@dataclass(frozen=True)
class Question:
    """One question: a text box, a date, radios (which may reveal more questions) or a checkbox."""

    name: str
    label: str
    kind: Kind = "text"
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    # For radios: the questions revealed when a choice is selected (GOV.UK conditional reveal).
    reveals: dict[str, tuple[Question, ...]] = field(default_factory=dict)
    autocomplete: str = ""
    input_type: str = "text"
    width: str = ""
    # The page asks only this question: its label or legend is the page's heading.
    heading: bool = False
    # For radios: choices shown inline (yes / no / not known).
    inline: bool = False

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the first box or radio of the question."""
        return f"{self.name}-day" if self.kind == "date" else self.name


def flatten(questions: tuple[Question, ...]) -> list[Question]:
    """Every question of a page, revealed ones included, in page order."""
    found: list[Question] = []
    for question in questions:
        found.append(question)
        for revealed in question.reveals.values():
            found.extend(flatten(revealed))
    return found


def _date_from_parts(day: str, month: str, year: str) -> str | None:
    """Three boxes as an ISO date for pydantic to check; a part missing or not a number is
    passed on as it is, so pydantic refuses it with the one message for a date that is not real."""
    if not (day or month or year):
        return None
    if day.isdigit() and month.isdigit() and year.isdigit():
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"


def _date_parts(value: Any) -> tuple[str, str, str]:
    if not value:
        return "", "", ""
    try:
        date = dt.date.fromisoformat(str(value))
    except ValueError:
        return "", "", ""
    return str(date.day), str(date.month), str(date.year)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass
class Option:
    value: str
    label: str
    id: str
    checked: bool
    revealed: list[BoundQuestion]

    @property
    def reveal_id(self) -> str:
        return f"{self.id}-reveal"


@dataclass
class BoundQuestion:
    """A question with its answer and its error, ready for the template."""

    question: Question
    value: str
    error: str
    day: str = ""
    month: str = ""
    year: str = ""
    options: list[Option] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.question.name

    @property
    def described_by(self) -> str:
        ids = []
        if self.question.hint:
            ids.append(f"{self.id}-hint")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


class PageForm:
    """The answers to one page: read from a POST, or shown from what was saved before."""

    def __init__(
        self,
        questions: tuple[Question, ...],
        *,
        data: QueryDict | None = None,
        initial: dict[str, Any] | None = None,
    ):
        self.questions = questions
        self.data = data
        self.initial = initial or {}
        self.errors: dict[str, str] = {}

    @property
    def names(self) -> set[str]:
        return {question.name for question in flatten(self.questions)}

    def values(self) -> dict[str, Any]:
        """The answers given, for pydantic: blank answers left out so the model's own default
        (or its 'missing' message) applies; revealed answers only under the chosen radio."""
        assert self.data is not None
        return self._read(self.questions)

    def _read(self, questions: tuple[Question, ...]) -> dict[str, Any]:
        assert self.data is not None
        values: dict[str, Any] = {}
        for question in questions:
            name = question.name
            if question.kind == "date":
                date = _date_from_parts(
                    self.data.get(f"{name}-day", "").strip(),
                    self.data.get(f"{name}-month", "").strip(),
                    self.data.get(f"{name}-year", "").strip(),
                )
                if date is not None:
                    values[name] = date
            elif question.kind == "checkbox":
                values[name] = self.data.get(name) == "yes"
            else:
                answer = self.data.get(name, "")
                if answer.strip():
                    values[name] = answer
                if question.kind == "radios" and answer in question.reveals:
                    values.update(self._read(question.reveals[answer]))
        return values

    def add_messages(self, messages: dict[str, str]) -> None:
        """Show pydantic's messages against this page's questions; any other (a rule about the
        whole part) against the first question."""
        names = self.names
        first = flatten(self.questions)[0].name
        for path, message in messages.items():
            name = path.split(".")[0]
            name = name if name in names else first
            self.errors.setdefault(name, message)

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in page order."""
        return [
            (question.anchor, self.errors[question.name])
            for question in flatten(self.questions)
            if question.name in self.errors
        ]

    def bound(self) -> list[BoundQuestion]:
        return [self._bind(question) for question in self.questions]

    def _raw(self, name: str) -> str:
        if self.data is not None:
            return self.data.get(name, "")
        return _as_text(self.initial.get(name))

    def _bind(self, question: Question) -> BoundQuestion:
        name = question.name
        bound = BoundQuestion(
            question=question, value=self._raw(name), error=self.errors.get(name, "")
        )
        if question.kind == "date":
            if self.data is not None:
                bound.day, bound.month, bound.year = (
                    self.data.get(f"{name}-{part}", "") for part in ("day", "month", "year")
                )
            else:
                bound.day, bound.month, bound.year = _date_parts(self.initial.get(name))
        if question.kind == "radios":
            for number, (value, label) in enumerate(question.choices, start=1):
                bound.options.append(
                    Option(
                        value=value,
                        label=label,
                        id=name if number == 1 else f"{name}-{number}",
                        checked=bound.value == value,
                        revealed=[self._bind(q) for q in question.reveals.get(value, ())],
                    )
                )
        return bound


# What each answer looks like on "Check your answers".


def answer_in_words(question: Question, value: Any) -> str:
    if question.kind == "date":
        if not value:
            return ""
        date = dt.date.fromisoformat(str(value))
        return f"{date.day} {date:%B %Y}"
    if question.kind == "checkbox":
        return "Yes" if value else ""
    if question.kind == "radios":
        return dict(question.choices).get(_as_text(value), "")
    return _as_text(value)


def answers(questions: tuple[Question, ...], values: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) for every question answered, revealed ones under their choice only."""
    rows: list[tuple[str, str]] = []
    for question in questions:
        value = values.get(question.name)
        shown = answer_in_words(question, value)
        if shown:
            rows.append((question.label, shown))
        if question.kind == "radios":
            rows.extend(answers(question.reveals.get(_as_text(value), ()), values))
    return rows


# The pages' questions.

DANGER = (
    Question(
        "danger",
        "Is a child in immediate danger?",
        kind="radios",
        heading=True,
        hint=(
            "For example, a child has been hurt, is at risk of being hurt now, "
            "or has been left alone."
        ),
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

_RELATIONSHIP = Question(
    "relationship_to_child",
    "Your relationship to the child",
    hint="For example, class teacher, neighbour or aunt",
)
_NAME = Question("name", "Full name", autocomplete="name")
_PHONE = Question(
    "phone",
    "Telephone number",
    autocomplete="tel",
    input_type="tel",
    width="govuk-input--width-20",
)
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
            Question(
                "phone",
                "Work telephone number",
                hint="Give a work telephone number, a work email address, or both",
                autocomplete="tel",
                input_type="tel",
                width="govuk-input--width-20",
            ),
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


_GENDER = Question(
    "gender",
    "Gender",
    kind="radios",
    choices=tuple((choice.value, choice.label) for choice in Gender),
    inline=True,
)


def _date(name: str, label: str, hint: str) -> Question:
    return Question(name, label, kind="date", hint=hint)


CHILD = (
    Question("first_name", "First name"),
    Question("last_name", "Last name"),
    Question("other_names", "Other names they are known by"),
    Question(
        "unborn",
        "Has the child been born?",
        kind="radios",
        choices=(("no", "Yes"), ("yes", "No, the baby is not born yet")),
        reveals={
            "no": (_date("date_of_birth", "Date of birth", "For example, 27 3 2015"),),
            "yes": (
                _date(
                    "expected_date_of_birth",
                    "Expected date of birth",
                    "For example, 14 9 2026",
                ),
            ),
        },
    ),
    _GENDER,
    Question("ethnicity", "Ethnicity"),
    Question("first_language", "First language"),
    Question("religion", "Religion"),
    Question("address", "Address where the child lives", kind="textarea"),
    Question("postcode", "Postcode", width="govuk-input--width-10"),
    Question(
        "nhs_number",
        "NHS number",
        hint="A 10 digit number, like 943 476 5919",
        width="govuk-input--width-10",
    ),
    Question("school_or_nursery", "School or nursery"),
    Question("special_needs", "Special educational needs or disabilities", kind="textarea"),
    Question(
        "communication",
        "How the child communicates",
        hint="For example, British Sign Language, or needs an interpreter",
        kind="textarea",
    ),
)

ADULT = (
    Question("first_name", "First name"),
    Question("last_name", "Last name"),
    Question("other_names", "Other names they are known by"),
    Question(
        "relationship_to_child",
        "Relationship to the child",
        hint="For example, mother, stepfather or grandparent",
    ),
    _date("date_of_birth", "Date of birth", "For example, 27 3 1985"),
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
    Question("ethnicity", "Ethnicity"),
    Question("first_language", "First language"),
    Question("religion", "Religion"),
    Question("address", "Address", kind="textarea"),
    Question("postcode", "Postcode", width="govuk-input--width-10"),
    Question("phone", "Telephone number", input_type="tel", width="govuk-input--width-20"),
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
    Question(
        "child_location",
        "Where is the child now, and how are they?",
        kind="textarea",
    ),
    Question(
        "immediate_protection_needed",
        "Does the child need protecting now?",
        kind="radios",
        choices=YES_NO_UNKNOWN,
        inline=True,
    ),
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
    Question(
        "parents_agree",
        "Do the parents or carers agree to this referral?",
        kind="radios",
        choices=YES_NO_UNKNOWN,
        inline=True,
    ),
)

HOUSEHOLD = tuple(
    Question(name, label, kind="radios", choices=YES_NO_UNKNOWN, inline=True)
    for name, label in (
        ("domestic_abuse", "Is the household affected by domestic abuse?"),
        ("mental_illness", "Is the household affected by mental illness?"),
        ("substance_misuse", "Is the household affected by drug or alcohol misuse?"),
        ("learning_difficulties", "Is the household affected by learning difficulties?"),
    )
)


def consent_questions(policy: Policy) -> tuple[Question, ...]:
    """Consent (R12-R16), with the council's own R14 reasons for not seeking it."""
    reasons = tuple((reason.key, reason.label) for reason in policy.consent.not_sought_reasons)
    return (
        Question(
            "consent",
            "Have the parents or carers agreed to this referral being made?",
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
