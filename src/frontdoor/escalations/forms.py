"""Forms for escalations: they check shape; the rules live in `escalations.services`."""

from __future__ import annotations

import secrets

from django import forms

from frontdoor.escalations.models import Method, Outcome
from frontdoor.escalations.services import METHOD_WORDS
from frontdoor.govuk_fields import GovukForm, date, time
from frontdoor.policy.schema import Policy

# The hidden step is missing only from a page that was not Front Door's own, or one cut short.
STEP_NOT_SHOWN = "Open the escalation again and record the discussion from its page"


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


class OpenForm(GovukForm):
    about = forms.CharField(
        label="What do you disagree with, and why?",
        help_text=(
            "Name the decision and what your agency thinks should happen instead. The "
            "practitioners who disagree discuss it first (step 1)."
        ),
        widget=forms.Textarea,
        error_messages={"required": "Enter what you disagree with, and why"},
        max_length=5000,
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)


class DiscussionForm(GovukForm):
    """The discussion that ends the current step (R42)."""

    held_on = date(
        "Date the discussion was held",
        described_as="The date of the discussion",
        required_message="Enter the date the discussion was held",
    )
    held_time = time("Time it was held", required_message="Enter the time the discussion was held")
    method = forms.ChoiceField(
        label="How was it held?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the discussion was held"},
    )
    participants = forms.CharField(
        label="Who took part",
        help_text="Names, roles and agencies",
        widget=forms.Textarea,
        error_messages={"required": "Enter who took part"},
    )
    discussion = forms.CharField(
        label="What was discussed",
        widget=forms.Textarea,
        error_messages={"required": "Enter what was discussed"},
    )
    agreed_plan = forms.CharField(
        label="The agreed plan, with its timescales",
        widget=forms.Textarea,
        error_messages={"required": "Enter the agreed plan, with its timescales"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it was resolved or goes to the next step"},
    )
    # The step the page showed, so a discussion is recorded against the step it was about.
    expected_step = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": STEP_NOT_SHOWN,
            "invalid": STEP_NOT_SHOWN,
        },
    )

    def __init__(self, *args, policy: Policy, last_step: bool, **kwargs):
        super().__init__(*args, **kwargs)
        method = self.fields["method"]
        # Only the ways the council's policy accepts are offered (R42: Sefton, not e-mail).
        method.choices = [  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
            (key, METHOD_WORDS[Method(key)].capitalize()) for key in policy.escalation.recorded_by
        ]
        method.widget.choices = method.choices  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
        method.error_messages["invalid_choice"] = "Select one of the ways listed"
        if last_step:
            outcome = self.fields["outcome"]
            outcome.help_text = "This is the last step: its outcome is final and binding."
