"""The early help worker's form: taking a child routed to early help (R20, R44)."""

from __future__ import annotations

from django import forms

from frontdoor.errors import DomainError
from frontdoor.govuk_fields import GovukForm
from frontdoor.handoffs import identifiers


class TakeForm(GovukForm):
    external_id = forms.CharField(
        label="The child's identifier in the early help record",
        help_text="Make the child's early help record first, then give its identifier here.",
        error_messages={"required": "Enter the child's identifier in the early help record"},
    )

    def clean_external_id(self) -> str:
        try:
            return identifiers.checked(
                self.cleaned_data["external_id"],
                what="The child's identifier in the early help record",
            )
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


class CorrectForm(GovukForm):
    """Correcting the identifier a child was taken as, mistyped (R20)."""

    external_id = forms.CharField(
        label="The child's correct identifier in the early help record",
        error_messages={
            "required": "Enter the child's correct identifier in the early help record"
        },
    )
    reason = forms.CharField(
        label="Why it is corrected",
        help_text="For example, two digits were swapped when typing it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the identifier is corrected"},
    )

    def clean_external_id(self) -> str:
        try:
            return identifiers.checked(
                self.cleaned_data["external_id"],
                what="The child's correct identifier in the early help record",
            )
        except DomainError as error:
            raise forms.ValidationError(error.message) from None


class EarlyHelpSearchForm(forms.Form):
    """Finding a child among those routed to early help (R20): not required, as the page lists
    them all without it."""

    # Longer is refused with a message, not cut short by the browser.
    MAX_LENGTH = 200

    q = forms.CharField(
        label="Find a child",
        help_text=(
            "The child's name, the contact reference (for example FD-BCDF-2345) or the "
            "child's identifier in the early help record"
        ),
        required=False,
        strip=True,
        max_length=MAX_LENGTH,
        error_messages={"max_length": f"Search for {MAX_LENGTH} characters or fewer"},
    )
