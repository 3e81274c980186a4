"""The early help worker's form: taking a child routed to early help (R20, R44)."""

from __future__ import annotations

from django import forms

from frontdoor.errors import DomainError
from frontdoor.handoffs import identifiers
from frontdoor.screening.forms import GovukForm


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
