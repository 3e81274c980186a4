"""The matching page's choices: this is the same person, or a new record."""

from __future__ import annotations

from django import forms


class MatchForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("link", "Link"), ("create", "Create")],
        error_messages={"required": "Choose to link this to a person record or create one"},
    )
    person = forms.IntegerField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "link" and not cleaned.get("person"):
            raise forms.ValidationError("Choose the person record this is")
        return cleaned
