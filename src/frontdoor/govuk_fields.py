"""Form fields drawn in the GOV.UK Design System's markup, shared by every app's staff forms.

Each field says how it is drawn (`govuk`: text, textarea, radios, select, checkbox, date) so one
template (`intake/staff/_field.html`) draws every field. The date field gives the design system's
messages ("Date of birth must include a month"), the same at intake and wherever else a date is
typed (corrections of a person's details too).

A question asked by more than one form (a staff form and the public referral form) is declared
once as an `Asked`: its label, hint and choices. The factories here take one in place of a label.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django import forms


@dataclass(frozen=True)
class Asked:
    """What a question asks, declared once for every form that asks it.

    How it is drawn (radios or a select, inline or not) is each form's own.
    """

    label: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    # The width of the box, fitted to the answer expected (a postcode, an NHS number).
    width: str = ""
    # For checkboxes: the choice that stands alone ("No disability"), drawn last, after "or".
    exclusive: str = ""


def _asked(label: str | Asked, hint: str, width: str = "") -> tuple[str, str, str]:
    """The label, hint and width of a field: given, or from the question's declaration."""
    if isinstance(label, Asked):
        return label.label, hint or label.hint, width or label.width
    return label, hint, width


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


class DateWidget(forms.Widget):
    """The GOV.UK date input: day, month and year boxes named `<name>-day` and so on."""

    parts = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        return tuple(str(data.get(f"{name}-{part}", "")).strip() for part in self.parts)

    def value_omitted_from_data(self, data, files, name) -> bool:
        return False

    def id_for_label(self, id_: str) -> str:
        # The error summary links to the first box, as the design system asks.
        return f"{id_}-day" if id_ else id_


class DateField(forms.Field):
    """A date typed as day, month and year, with the design system's messages."""

    widget = DateWidget

    def __init__(self, *, described_as: str, **kwargs):
        self.described_as = described_as  # "Date of birth": used in the messages
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return (str(value.day), str(value.month), str(value.year))
        if isinstance(value, tuple | list) and len(value) == 3:
            return tuple(value)
        return ("", "", "")

    def to_python(self, value) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        day, month, year = self.prepare_value(value)
        if not (day or month or year):
            return None
        missing = [
            name
            for name, part in zip(DateWidget.parts, (day, month, year), strict=True)
            if not part
        ]
        if missing:
            raise forms.ValidationError(
                f"{self.described_as} must include a {' and '.join(missing)}"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(f"{self.described_as} must be a real date")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{self.described_as} must be a real date") from None


class TimeField(forms.CharField):
    """A time on the 24-hour clock (14:30), or 2:30pm."""

    # Cleaned to a time, as Django's own TimeField is; the text is only how it is typed.
    def to_python(self, value) -> dt.time | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = _TIME.match(text)
        if not match:
            raise forms.ValidationError("Enter a real time, like 14:30")
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if half:
            if not 1 <= hour <= 12:
                raise forms.ValidationError("Enter a real time, like 14:30")
            hour = hour % 12 + (12 if half.lower() == "pm" else 0)
        if hour > 23 or minute > 59:
            raise forms.ValidationError("Enter a real time, like 14:30")
        return dt.time(hour, minute)


def _field(field: forms.Field, govuk: str, *, width: str = "") -> forms.Field:
    field.govuk = govuk  # type: ignore[attr-defined]  # a mark the GOV.UK templates read
    field.width = width  # type: ignore[attr-defined]  # a mark the GOV.UK templates read
    return field


def text(
    label: str | Asked, *, hint: str = "", width: str = "", autocomplete: str = ""
) -> forms.Field:
    label, hint, width = _asked(label, hint, width)
    field = _field(
        forms.CharField(label=label, help_text=hint, required=False), "text", width=width
    )
    field.autocomplete = autocomplete  # type: ignore[attr-defined]  # a mark the GOV.UK templates read
    return field


def textarea(label: str | Asked, *, hint: str = "", required_message: str = "") -> forms.Field:
    label, hint, _ = _asked(label, hint)
    field = forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required_message),
        error_messages={"required": required_message},
    )
    return _field(field, "textarea")


def choice(
    label: str | Asked,
    choices=(),
    *,
    hint: str = "",
    required_message: str = "",
    govuk: str = "radios",
    initial: str = "",
) -> forms.Field:
    if isinstance(label, Asked):
        choices = choices or label.choices
    label, hint, _ = _asked(label, hint)
    field = forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        required=bool(required_message),
        initial=initial,
        error_messages={
            "required": required_message,
            "invalid_choice": "Select one of the options",
        },
    )
    return _field(field, govuk)


def checkboxes(asked: Asked, *, invalid_message: str) -> forms.Field:
    """Checkboxes for the choices that apply (none ticked: none given); the exclusive choice,
    if any, is drawn last after "or"."""
    choices = [c for c in asked.choices if c[0] != asked.exclusive]
    choices += [c for c in asked.choices if c[0] == asked.exclusive]
    field = forms.MultipleChoiceField(
        label=asked.label,
        help_text=asked.hint,
        choices=choices,
        required=False,
        error_messages={"invalid_choice": invalid_message},
    )
    field.exclusive = asked.exclusive  # type: ignore[attr-defined]  # a mark the GOV.UK templates read
    return _field(field, "checkboxes")


def checkbox(label: str, *, hint: str = "") -> forms.Field:
    return _field(forms.BooleanField(label=label, help_text=hint, required=False), "checkbox")


def date(label: str, *, described_as: str, hint: str = "", required_message: str = ""):
    field = DateField(
        label=label,
        help_text=hint,
        described_as=described_as,
        required=bool(required_message),
        error_messages={"required": required_message},
    )
    return _field(field, "date")


def time(label: str, *, required_message: str = "") -> forms.Field:
    field = TimeField(
        label=label,
        help_text="Use the 24-hour clock, for example 14:30",
        required=bool(required_message),
        error_messages={"required": required_message},
    )
    return _field(field, "text", width="govuk-input--width-5")
