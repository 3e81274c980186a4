"""The matching page's choices: this is the same person, or a new record."""

from __future__ import annotations

from django import forms

from frontdoor.people.models import DetailConflict


class MatchForm(forms.Form):
    action = forms.ChoiceField(choices=[("link", "Link"), ("create", "Create")])
    person = forms.IntegerField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "link" and not cleaned.get("person"):
            raise forms.ValidationError("Choose the person record this is")
        return cleaned


class ConflictForm(forms.Form):
    """Which value a person's record keeps where a report differed, and why (R22)."""

    conflict = forms.IntegerField()
    keep = forms.ChoiceField(
        choices=DetailConflict.Keep.choices,
        error_messages={"required": "Choose which value to keep"},
    )
    reason = forms.CharField(max_length=2000, error_messages={"required": "Say why you chose it"})
