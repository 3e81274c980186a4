"""A page's questions of the online referral form: reading their answers and showing them.

How a page's answers are read from the browser (dates from three boxes, a radio's revealed
questions only when it is chosen) and shown again, and on "Check your answers". They hold no
rules: every answer is checked by the pydantic models of `intake.submissions`, the one home of
the report's rules, and their messages are shown against the questions here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from django.http import QueryDict

from frontdoor.govuk_fields import Asked

Kind = Literal["text", "textarea", "radios", "date", "checkbox", "checkboxes"]


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
    # For checkboxes: the choice that stands alone ("No disability"), drawn last, after "or".
    exclusive: str = ""

    @classmethod
    def asking(cls, name: str, asked: Asked, **kwargs: Any) -> Question:
        """A question declared once for every form that asks it (`intake.report_questions`);
        `kwargs` say how this form draws it (and its choices, where the declaration has none)."""
        declared: dict[str, Any] = {
            "hint": asked.hint,
            "choices": asked.choices,
            "width": asked.width,
            "exclusive": asked.exclusive,
            "input_type": asked.input_type,
        }
        if asked.kind:
            declared["kind"] = asked.kind
        return cls(name, asked.label, **{**declared, **kwargs})

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
    # A checkbox that stands alone ("No disability"), drawn after "or".
    exclusive: bool = False

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
            elif question.kind == "checkboxes":
                values[name] = [answer for answer in self.data.getlist(name) if answer]
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
        if question.kind == "checkboxes":
            if self.data is not None:
                chosen = self.data.getlist(name)
            else:
                chosen = [_as_text(value) for value in self.initial.get(name) or ()]
            for number, (value, label) in enumerate(_checkbox_choices(question), start=1):
                bound.options.append(
                    Option(
                        value=value,
                        label=label,
                        id=name if number == 1 else f"{name}-{number}",
                        checked=value in chosen,
                        revealed=[],
                        exclusive=value == question.exclusive,
                    )
                )
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


def _checkbox_choices(question: Question) -> list[tuple[str, str]]:
    """The choices of checkboxes, the one that stands alone last, as the design system draws
    a "none" checkbox."""
    return [c for c in question.choices if c[0] != question.exclusive] + [
        c for c in question.choices if c[0] == question.exclusive
    ]


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
    if question.kind == "checkboxes":
        chosen = {_as_text(answer) for answer in value or ()}
        return ", ".join(label for code, label in _checkbox_choices(question) if code in chosen)
    return _as_text(value)


def answer_rows(questions: tuple[Question, ...], values: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) for every question answered, revealed ones under their choice only."""
    rows: list[tuple[str, str]] = []
    for question in questions:
        value = values.get(question.name)
        shown = answer_in_words(question, value)
        if shown:
            rows.append((question.label, shown))
        if question.kind == "radios":
            rows.extend(answer_rows(question.reveals.get(_as_text(value), ()), values))
    return rows
