"""Forms for MASH enquiries: they check shape; the rules live in `mash.enquiries`."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms

from frontdoor.govuk_fields import GovukForm
from frontdoor.policy.rag import Rag
from frontdoor.policy.schema import Policy


class SendForm(GovukForm):
    rag = forms.ChoiceField(
        choices=Rag.choices,
        widget=forms.RadioSelect,
        label="RAG rating",
        error_messages={"required": "Choose the RAG rating"},
    )
    agencies = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Partner agencies to ask",
        help_text="Each agency you choose receives the child's and household's details: ask only "
        "those whose information is needed.",
        error_messages={"required": "Choose at least one partner agency"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Why the child goes to MASH",
        help_text="The agencies read this: the concern and what you need to know. Do not name a "
        "member of the public who referred.",
        error_messages={"required": "Say why the child goes to MASH"},
    )

    def __init__(self, *args, policy: Policy, rag_options=(), reach=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = [(agency.key, agency.name) for agency in policy.agencies]  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
        # (key, name, hint) for the page: the council's own additions say so (not in the list of
        # agencies its published MASH guidance gives).
        # Who can answer each agency's enquiries, or a warning that no one can (R37).
        self.rag_options = list(rag_options)
        reach = reach or {}
        self.agency_options = [
            (
                agency.key,
                agency.name,
                ". ".join(
                    filter(
                        None,
                        [
                            f"{policy.council.name}'s own addition to the MASH agencies"
                            if agency.own_addition
                            else "",
                            reach.get(agency.key, ""),
                        ],
                    )
                ),
            )
            for agency in policy.agencies
        ]
        if rag_options:
            # Each RAG names its agencies' timescale in words (R36), not the policy's key.
            self.fields["rag"].choices = [  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
                (option.rag.value, option.label) for option in rag_options
            ]

    def clean_rag(self):
        """Consent is checked when the RAG is chosen, not only once the enquiry is sent: the
        same reason `mash.enquiries.send_enquiry` refuses it with (R16)."""
        rag = self.cleaned_data["rag"]
        for option in self.rag_options:
            if option.rag == rag and not option.may_share:
                raise forms.ValidationError(option.why_not)
        return rag


class ReviewForm(GovukForm):
    rag = forms.ChoiceField(
        choices=Rag.choices,
        widget=forms.RadioSelect,
        label="Final RAG",
        error_messages={"required": "Choose the final RAG"},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why",
        error_messages={"required": "Say why"},
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput)


def new_submission_key() -> str:
    return secrets.token_urlsafe(16)


class AnswerForm(forms.Form):
    """One pair of fields per person of the contact, and the agency's opinion (R37)."""

    opinion = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Your agency's professional opinion",
        error_messages={"required": "Give your agency's professional opinion"},
    )
    # Made when the page is shown; checked in clean(), as the page has no field to point to.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, people: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        for key, name in people:
            self.fields[f"{key}-held"] = forms.ChoiceField(
                choices=[("nothing", "Nothing known"), ("held", "We hold information")],
                label=f"What your agency holds about {name}",
                error_messages={"required": f"Say what your agency holds about {name}"},
            )
            self.fields[f"{key}-information"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                label=f"What you hold about {name}",
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for key, name in self.people:
            if data.get(f"{key}-held") == "held" and not data.get(f"{key}-information", "").strip():
                self.add_error(f"{key}-information", f"Say what your agency holds about {name}")
        if not data.get("submission_key"):
            self.add_error(None, "This page was sent incomplete: reload it and answer again")
        return data

    def person_fields(self):
        return [
            (name, self[f"{key}-held"], self[f"{key}-information"]) for key, name in self.people
        ]
