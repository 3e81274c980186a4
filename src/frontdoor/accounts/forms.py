from collections.abc import Callable
from typing import Any, Self

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet

from frontdoor.accounts.models import User
from frontdoor.accounts.scopes import SCOPES
from frontdoor.accounts.selectors import staff_of_served_council
from frontdoor.accounts.tokens import DEFAULT_DAYS, MAX_DAYS
from frontdoor.govuk_fields import mark
from frontdoor.policy.registry import current_policy


class SignInForm(AuthenticationForm):
    """Django's sign-in, with GOV.UK messages that name the field."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password: both are case-sensitive",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class CodeForm(forms.Form):
    """The 6-digit code from an authenticator app; whether it is right is for `two_factor`."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        strip=True,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    # The field the error summary links a refusal of the whole form to (set by the page).
    non_field_errors_anchor: str


class StaffChoices(forms.ModelChoiceField):
    """A choice of accounts among the staff of the council served (`staff_of_served_council`),
    narrowed by `narrow`. The council is the request's, so the choices are read as each form is
    made (Django copies a form's fields for each form), never when the form's class is.

    Put before Django's model choice field it narrows: `StaffChoices, ModelMultipleChoiceField`.
    """

    def __init__(
        self, *, narrow: Callable[[QuerySet[User]], QuerySet[User]], **kwargs: Any
    ) -> None:
        self.narrow = narrow
        super().__init__(queryset=User.objects.none(), **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        # django-stubs leave out Field.__deepcopy__, which Django defines for every field.
        result = super().__deepcopy__(memo)  # type: ignore[misc]  # defined by Django, not in the stubs
        result.queryset = self.narrow(staff_of_served_council())
        return result


class AccountChoiceField(StaffChoices):
    """An active account, chosen from a list showing each one's name, username and role, and a
    partner's agency: "Alex Penhallow (police): Partner agency user, Merseyside Police"."""

    def __init__(self, *, label: str, help_text: str, empty_label: str, required_message: str):
        super().__init__(
            label=label,
            help_text=help_text,
            narrow=lambda staff: staff.filter(is_active=True).order_by("username"),
            empty_label=empty_label,
            error_messages={
                "required": required_message,
                "invalid_choice": f"{empty_label} from the list",
            },
        )
        mark(self, "select")

    def label_from_instance(self, obj) -> str:
        agency = f", {obj.agency_name}" if obj.agency_key else ""
        return f"{obj} ({obj.username}): {obj.role_label}{agency}"


class IssueTokenForm(forms.Form):
    """What an administrator gives to issue an API token; the rules are `tokens.issue_token`'s."""

    user = AccountChoiceField(
        label="Account the token acts as",
        help_text="The token can do what this account's role allows, and no more",
        empty_label="Choose an account",
        required_message="Choose the account the token acts as",
    )
    name = forms.CharField(
        label="The system it is for",
        help_text="For example, Merseyside Police system",
        max_length=120,
        error_messages={"required": "Enter the name of the system the token is for"},
    )
    days = mark(
        forms.IntegerField(
            label="Days it works for",
            help_text=f"From 1 to {MAX_DAYS}; after that it stops working",
            initial=DEFAULT_DAYS,
            min_value=1,
            max_value=MAX_DAYS,
            error_messages={
                "required": "Enter how many days the token works for",
                "invalid": f"Enter the number of days in figures, from 1 to {MAX_DAYS}",
                "min_value": f"Enter a number of days from 1 to {MAX_DAYS}",
                "max_value": f"Enter a number of days from 1 to {MAX_DAYS}",
            },
        ),
        "text",
        width="govuk-input--width-4",
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        help_text="Choose none to let the token do everything the account's role allows",
        choices=[(scope.key, f"{scope.key}: {scope.description}") for scope in SCOPES],
        required=False,
    )
    record_system = mark(
        forms.ChoiceField(
            label="The record system whose hand-offs it receives",
            help_text=(
                "Only for a case record's own system, with the scope handoffs:receive: the token "
                "lists and accepts that record's hand-offs and no other's"
            ),
            required=False,
            error_messages={"invalid_choice": "Choose one of the record systems listed"},
        ),
        "radios",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_system = self.fields["record_system"]
        assert isinstance(record_system, forms.ChoiceField)
        record_system.choices = [("", "No record system")] + [
            (system.key, system.name) for system in current_policy().handoffs.record_systems
        ]


class EnrolmentLinkForm(forms.Form):
    user = AccountChoiceField(
        label="Member of staff",
        help_text="They open the link after signing in with their password",
        empty_label="Choose a member of staff",
        required_message="Choose the member of staff the link is for",
    )
