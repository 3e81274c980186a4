from __future__ import annotations

from typing import Any

from django import forms

from frontdoor.accounts.forms import StaffChoices
from frontdoor.accounts.models import User
from frontdoor.accounts.roles import PARTNER_ROLES
from frontdoor.govuk_fields import DateField, mark


class StaffMultipleChoiceField(StaffChoices, forms.ModelMultipleChoiceField):
    pass


PERSON_NUMBER_MESSAGE = "Enter the record number in figures, like 123"


def person_number_field(*, find: bool = False) -> forms.IntegerField:
    """A person's record number, as every privacy page asks it; `find` says where to look it
    up, for a page an administrator may come to without it."""
    hint = "It is at the top of the person's record, as in “Person 123”"
    return mark(
        forms.IntegerField(
            label="Person record number",
            help_text=f"{hint}: find the person with Search" if find else hint,
            min_value=1,
            error_messages={
                "required": "Enter the number of the person's record",
                "invalid": PERSON_NUMBER_MESSAGE,
                "min_value": PERSON_NUMBER_MESSAGE,
            },
        ),
        "text",
        width="govuk-input--width-10",
    )


class RestrictForm(forms.Form):
    person = person_number_field(find=True)
    allowed_users = mark(
        StaffMultipleChoiceField(
            label="Staff who may open the record",
            help_text="Select all that apply. Nobody else can open it.",
            narrow=lambda staff: (
                staff.filter(is_active=True)
                .exclude(role__in=PARTNER_ROLES)
                .order_by("first_name", "last_name", "username")
            ),
            required=False,
            error_messages={
                "invalid_choice": "Choose the staff from the list",
                "invalid_pk_value": "Choose the staff from the list",
            },
        ),
        "checkboxes",
    )
    ask = mark(
        forms.CharField(
            label="Whom others should ask",
            max_length=200,
            error_messages={"required": "Enter whom others should ask: a name or a team"},
        ),
        "text",
    )
    reason = mark(
        forms.CharField(
            label="Why the record is restricted",
            widget=forms.Textarea,
            error_messages={"required": "Enter why the record is restricted"},
        ),
        "textarea",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = self.fields["allowed_users"]
        assert isinstance(staff, StaffMultipleChoiceField)
        # Names with role and team, so an administrator chooses people, not user numbers.
        accounts = User.objects.none() if staff.queryset is None else staff.queryset
        staff.choices = [(str(user.pk), _staff_label(user)) for user in accounts]


def _staff_label(user: User) -> str:
    where = f", {user.team}" if user.team else ""
    return f"{user} ({user.username}): {user.role_label}{where}"


class PersonNumberForm(forms.Form):
    person = person_number_field()


class StaffChoiceField(StaffChoices, forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.username})"


class AccessLogForm(forms.Form):
    viewer = mark(
        StaffChoiceField(
            label="Member of staff",
            narrow=lambda staff: staff.order_by("first_name", "last_name", "username"),
            empty_label="Choose a member of staff",
            error_messages={
                "required": "Choose the member of staff whose views to list",
                "invalid_choice": "Choose a member of staff from the list",
            },
        ),
        "select",
    )
    start = mark(DateField(described_as="The start date", label="From"), "date")
    end = mark(DateField(described_as="The end date", label="To"), "date")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data


class LiftForm(forms.Form):
    person = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why the restriction is lifted",
        error_messages={"required": "Enter why the restriction is lifted"},
    )


class DisclosureFilterForm(forms.Form):
    person = forms.IntegerField(label="Person record number", min_value=1, required=False)
    start = forms.DateField(label="From (YYYY-MM-DD)", required=False)
    end = forms.DateField(label="To (YYYY-MM-DD)", required=False)
