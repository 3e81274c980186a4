"""The people pages' forms: matching a reported person, and correcting a person's details."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from frontdoor.govuk_fields import (
    Asked,
    checkbox,
    checkboxes,
    choice,
    date,
    field_for,
    text,
    textarea,
)
from frontdoor.people.corrections import (
    CORRECTABLE,
    correctable_fields,
    details_digest,
    differs_from_person,
)
from frontdoor.people.models import (
    DetailConflict,
    Disability,
    Gender,
    Sex,
    birth_date_problem,
    checked_nhs_number,
    disabilities_problem,
    disability_codes,
    expected_date_problem,
)
from frontdoor.people.postcodes import POSTCODE_MESSAGE, normalise_postcode


class MatchForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("link", "Link"), ("create", "Create")],
        error_messages={"required": "Choose to link this to a person record or create one"},
    )
    person = forms.IntegerField(required=False)
    # Given on the confirmation that one child will become a further account of another.
    same_child_confirmed = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("action") == "link" and not cleaned.get("person"):
            raise forms.ValidationError("Choose the person record this is")
        return cleaned


# Asked at intake (staff and public forms alike) and when a person's details are corrected.
SEX = Asked("Sex", choices=tuple(Sex.choices))
DISABILITIES = Asked(
    "Disability",
    hint=(
        "Select all that apply, as the Department for Education's codes name them. "
        "Leave all unticked if not known."
    ),
    choices=tuple(Disability.choices),
    exclusive=Disability.NONE.value,
)
# Checked by `models.checked_nhs_number`, wherever it is typed.
NHS_NUMBER = Asked(
    "NHS number", hint="10 digits, like 943 476 5919", width="govuk-input--width-10", kind="text"
)


def disabilities_field() -> forms.Field:
    """The DfE's disability codes that apply, as checkboxes (none ticked: not known)."""
    return checkboxes(DISABILITIES, invalid_message="Select the disabilities from the list")


class CorrectionForm(forms.Form):
    """A child's or adult's details, to correct after intake, and why (R4, R45).

    Checked as intake checks them, by the same functions: real dates, a date of birth in the
    past, an expected date within the pregnancy window, a real postcode, an NHS number with its
    check digit. Only the details the record has are asked (an adult has no NHS number).
    """

    def __init__(self, data=None, *, record, as_of: dt.date, person=None, **kwargs):
        self.record = record
        self.person = person  # the person record a reported child or adult is linked to
        self.as_of = as_of  # the day an expected date of birth is checked against
        fields = correctable_fields(record)
        initial = {name: getattr(record, name) for name in fields}
        initial["disabilities"] = disability_codes(initial.get("disabilities", ""))
        super().__init__(data, initial=initial, **kwargs)
        available = {
            "first_name": text("First name"),
            "last_name": text("Last name"),
            "other_names": text("Other names", hint="Aliases and previous names, with commas"),
            "date_of_birth": date("Date of birth", described_as="Date of birth"),
            "expected_date_of_birth": date(
                "Expected date of birth",
                described_as="Expected date of birth",
                hint="An unborn child only. For example, 27 3 2026",
            ),
            "sex": choice(SEX, govuk="radios"),
            "gender": choice("Gender", Gender.choices, govuk="radios"),
            "ethnicity": text("Ethnicity"),
            "first_language": text("First language"),
            "address": textarea("Address"),
            "postcode": text("Postcode", width="govuk-input--width-10"),
            "nhs_number": field_for(NHS_NUMBER),
            "disabilities": disabilities_field(),
        }
        for name in fields:
            self.fields[name] = available[name]
        # What the page showed: a correction saved over someone else's is refused.
        self.fields["seen"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.initial["seen"] = details_digest(record)
        self.fields["reason"] = textarea(
            "Why are you correcting these details?",
            hint="For example, the referrer mistyped the date of birth; the GP confirmed it.",
            required_message="Enter why you are correcting these details",
        )
        if person is not None:
            # Ticked when the person record says what the contact said: the mistake is likely
            # on both. Otherwise the worker decides, told which details differ.
            differing = differs_from_person(record)
            self.fields["also_person"] = checkbox(
                f"Also correct {person.name}'s person record",
                hint=(
                    "The person record gives a different "
                    + ", ".join(label.lower() for label in differing)
                    + " from the contact. Tick only if the person record is wrong too."
                    if differing
                    else "The person record says what the contact said. Untick to correct "
                    "only what the contact recorded."
                ),
            )
            self.initial["also_person"] = not differing
            self.fields["person_seen"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.initial["person_seen"] = details_digest(person)

    def detail_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in self.fields
            if name not in ("reason", "disabilities", "seen", "also_person", "person_seen")
        ]

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        problem = birth_date_problem(
            value,
            today=timezone.localdate(),
            future_message="The date of birth must be today or in the past",
        )
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_expected_date_of_birth(self):
        value = self.cleaned_data.get("expected_date_of_birth")
        problem = expected_date_problem(value, today=self.as_of)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "").strip()
        try:
            return normalise_postcode(value) if value else ""
        except ValueError:
            raise forms.ValidationError(POSTCODE_MESSAGE) from None

    def clean_nhs_number(self):
        try:
            return checked_nhs_number(self.cleaned_data.get("nhs_number", ""))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_disabilities(self):
        codes = self.cleaned_data.get("disabilities") or []
        if problem := disabilities_problem(codes):
            raise forms.ValidationError(problem)
        return " ".join(codes)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("date_of_birth") and cleaned.get("expected_date_of_birth"):
            self.add_error(
                "expected_date_of_birth",
                "Give a date of birth or an expected date of birth, not both",
            )
        return cleaned

    def details(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in CORRECTABLE}


class ConflictForm(forms.Form):
    """Which value a person's record keeps where a report differed, and why (R22)."""

    conflict = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "Choose the conflicting detail to resolve"},
    )
    keep = forms.ChoiceField(
        choices=DetailConflict.Keep.choices,
        error_messages={"required": "Choose which value to keep"},
    )
    reason = forms.CharField(max_length=2000, error_messages={"required": "Say why you chose it"})
