"""The search box: one field, read into `Terms` (search.terms) or refused with what to type."""

from __future__ import annotations

from django import forms

from frontdoor.search.terms import HELP, MAX_LENGTH, TermsError, parse


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search for a contact or a person",
        help_text=(
            "A contact reference, a name (a first name, a surname or both), a date of "
            "birth (day/month/year), a postcode or an NHS number, or several together: for "
            "example Jo Smith 3/4/2015"
        ),
        required=True,
        strip=True,
        # Longer text is refused with a message (clean_q), not cut short by the browser.
        max_length=MAX_LENGTH * 5,
        error_messages={
            "required": f"Enter {HELP}",
            "max_length": f"Search for {MAX_LENGTH} characters or fewer",
        },
    )

    def clean_q(self):
        try:
            return parse(self.cleaned_data["q"])
        except TermsError as error:
            raise forms.ValidationError(error.message) from None
