"""Form fields drawn in the GOV.UK Design System's markup, shared by every app's staff forms.

Each field is marked with how it is drawn (`govuk`: text, textarea, radios, checkboxes, select,
checkbox, date, file) so one template (`intake/staff/_field.html`) draws every field. This module
is the one place that marks a field, by `mark`, and a staff form gets its fields marked one of
three ways:

- the factories here (`text`, `choice`, `date`...), which also give GOV.UK messages;
- `mark` around a Django field declared by hand (an `IntegerField`, a staff choice);
- `GovukForm`, which marks each field not yet marked from its widget (a `Textarea` is drawn as a
  textarea, a `RadioSelect` as radios) and gives it GOV.UK messages where it has Django's own.

The date field gives the design system's messages ("Date of birth must include a month"), the
same at intake and wherever else a date is typed (corrections of a person's details too).

A question asked by more than one form (a staff form and the public referral form) is declared
once as an `Asked`: its label, hint, choices and the kind of answer. The factories here take one
in place of a label; `field_for` makes the staff field of the kind it declares.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django import forms

# How a field is drawn: the component of the GOV.UK Design System the staff template draws.
Kind = Literal["text", "textarea", "radios", "checkboxes", "select", "checkbox", "date", "file"]
F = TypeVar("F", bound=forms.Field)


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
    # The kind of answer, where every form draws it alike: a date, a text, a textarea or a
    # single checkbox. Left empty where each form chooses (radios on the public form, a select
    # on the staff one).
    kind: Literal["", "text", "textarea", "date", "checkbox"] = ""
    # For a text box: what the browser's keyboard and autofill expect ("tel" for a telephone
    # number), as the public form draws it.
    input_type: str = "text"


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


def mark(field: F, govuk: Kind, *, width: str = "", autocomplete: str = "") -> F:
    """Mark a field with how the staff template draws it, and (for a text box) its width, a
    `govuk-input--width-N` class fitted to the answer, and what the browser may fill it with."""
    # Django's fields have no place for these: they are attributes the template reads.
    field.govuk = govuk  # type: ignore[attr-defined]  # a mark the GOV.UK templates read
    field.width = width  # type: ignore[attr-defined]  # a mark the GOV.UK templates read
    field.autocomplete = autocomplete  # type: ignore[attr-defined]  # a mark the GOV.UK templates read
    return field


def text(
    label: str | Asked, *, hint: str = "", width: str = "", autocomplete: str = ""
) -> forms.Field:
    label, hint, width = _asked(label, hint, width)
    field = forms.CharField(label=label, help_text=hint, required=False)
    return mark(field, "text", width=width, autocomplete=autocomplete)


def textarea(label: str | Asked, *, hint: str = "", required_message: str = "") -> forms.Field:
    label, hint, _ = _asked(label, hint)
    field = forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required_message),
        error_messages={"required": required_message},
    )
    return mark(field, "textarea")


def choice(
    label: str | Asked,
    choices=(),
    *,
    hint: str = "",
    required_message: str = "",
    govuk: Kind = "radios",
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
    return mark(field, govuk)


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
    return mark(field, "checkboxes")


def checkbox(label: str | Asked, *, hint: str = "") -> forms.Field:
    label, hint, _ = _asked(label, hint)
    return mark(forms.BooleanField(label=label, help_text=hint, required=False), "checkbox")


def date(
    label: str | Asked, *, described_as: str = "", hint: str = "", required_message: str = ""
) -> DateField:
    """A date as three boxes; its messages name it as `described_as` ("The date received"),
    or by its label."""
    label, hint, _ = _asked(label, hint)
    field = DateField(
        label=label,
        help_text=hint,
        described_as=described_as or label,
        required=bool(required_message),
        error_messages={"required": required_message},
    )
    return mark(field, "date")


def time(label: str, *, required_message: str = "") -> forms.Field:
    field = TimeField(
        label=label,
        help_text="Use the 24-hour clock, for example 14:30",
        required=bool(required_message),
        error_messages={"required": required_message},
    )
    return mark(field, "text", width="govuk-input--width-5")


def field_for(asked: Asked, *, hint: str = "", autocomplete: str = "") -> forms.Field:
    """The staff form's field for a question declared with its kind of answer (`Asked.kind`):
    the same label, hint and kind as the public form's question (`Question.asking`)."""
    if asked.kind == "date":
        return date(asked, hint=hint)
    if asked.kind == "textarea":
        return textarea(asked, hint=hint)
    if asked.kind == "text":
        return text(asked, hint=hint, autocomplete=autocomplete)
    if asked.kind == "checkbox":
        return checkbox(asked, hint=hint)
    raise ValueError(f"{asked.label!r} declares no kind: each form draws it its own way")


# Forms declared the Django way -------------------------------------------------------------------


def kind_of(widget: forms.Widget) -> Kind:
    """How a field with this Django widget is drawn, where no one marked it."""
    if isinstance(widget, DateWidget):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a RadioSelect subclass: ask first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "text"


_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
_DJANGO_INVALID_CHOICE = forms.ChoiceField.default_error_messages["invalid_choice"]


def govuk_messages(field: forms.Field, name: str) -> None:
    """Give a field the GOV.UK Design System's kind of message where it has Django's own.

    "This field is required." names no field; the GOV.UK pattern says what to do about which
    one: "Enter your reasons", "Select whose consent".
    """
    label = str(field.label or name.replace("_", " ")).rstrip("?:. ")
    label = label[0].lower() + label[1:] if label else label
    choosing = isinstance(field, forms.ChoiceField | forms.BooleanField)
    if field.error_messages.get("required") == _DJANGO_REQUIRED:
        field.error_messages["required"] = f"{'Select' if choosing else 'Enter'} {label}"
    if field.error_messages.get("invalid_choice") == _DJANGO_INVALID_CHOICE:
        field.error_messages["invalid_choice"] = f"Select {label} from the list"  # noqa: S608


class GovukForm(forms.Form):
    """Marks each field not yet marked with the GOV.UK component `intake/staff/_field.html`
    draws it as, from its widget, and gives it GOV.UK error messages where it has Django's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mark_fields()

    def mark_fields(self) -> None:
        """Mark every field; a form that adds fields in its __init__ calls this again after."""
        for name, field in self.fields.items():
            if getattr(field, "govuk", None):
                continue
            govuk_messages(field, name)
            radios = field.widget
            mark(field, kind_of(radios))
            if isinstance(radios, forms.RadioSelect) and not isinstance(
                radios, forms.CheckboxSelectMultiple
            ):
                # Django's RadioSelect gives no id for the group's label; the template draws
                # each radio itself, so a plain Select keeps the bound id and value.
                field.widget = forms.Select(choices=radios.choices)
