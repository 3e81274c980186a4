"""Forms for screening and decisions: they check shape; the rules live in the domain functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from frontdoor.govuk_fields import GovukForm, date, time
from frontdoor.intake.models import YesNoUnknown
from frontdoor.people.postcodes import childrens_services_authorities
from frontdoor.policy.clocks import london_datetime
from frontdoor.policy.councils import councils_on_service
from frontdoor.policy.rag import NOT_GOING_TO_MASH, Rag
from frontdoor.policy.schema import OutcomeEffect, Policy
from frontdoor.screening.concerns import DERIVED, Concern
from frontdoor.screening.models import ConsentStatus, PrimaryNeed, SuggestionKind


class FindingsForm(GovukForm):
    """What the worker found for one child (R24, R27, R28, R33)."""

    keep = forms.MultipleChoiceField(required=False)  # picked indicators still wanted
    add = forms.MultipleChoiceField(required=False)  # indicators ticked in the search results
    concerns = forms.MultipleChoiceField(
        required=False,
        # R5's concern is known from the contact, not ticked.
        choices=[(concern.value, concern.label) for concern in Concern if concern not in DERIVED],
        widget=forms.CheckboxSelectMultiple,
        label="Child-protection concerns found",
    )
    # Not required here: the worker saves as they go; asking for a decision needs it (R24).
    analysis = forms.CharField(
        required=False,
        label="Screening analysis",
        help_text=(
            "The nature of the concern, how and why it arose, the child's needs, whether there "
            "is a risk of significant harm, and safety planning."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    urgent_action_needed = forms.ChoiceField(
        choices=YesNoUnknown.choices,
        label="Is urgent action needed for any child in the household?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether urgent action is needed for any child in the household"
        },
    )
    more_information_needed = forms.BooleanField(
        required=False, label="More information is needed to judge the risk"
    )
    manager_discretion = forms.BooleanField(
        required=False, label="Send to MASH at the manager's discretion"
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The indicator search, sent with the form so nothing typed is lost by searching.
    q = forms.CharField(required=False, label="Search the Level of Need guidance")
    level = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any level"),
            ("1", "Level 1"),
            ("2", "Level 2"),
            ("3", "Level 3"),
            ("4", "Level 4"),
        ],
        label="Level",
    )

    def __init__(self, *args, indicator_keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(key, key) for key in indicator_keys]
        self.fields["keep"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
        self.fields["add"].choices = choices  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field


class DecisionForm(GovukForm):
    """The manager's decision for one child (R25)."""

    level = forms.TypedChoiceField(
        coerce=int,
        choices=[(1, "Level 1"), (2, "Level 2"), (3, "Level 3"), (4, "Level 4")],
        widget=forms.RadioSelect,
        label="Level of Need",
        error_messages={"required": "Choose the Level of Need"},
    )
    rag = forms.ChoiceField(
        required=False,
        choices=[("", NOT_GOING_TO_MASH), *Rag.choices],
        widget=forms.RadioSelect,
        label="RAG rating, when the child goes to MASH",
    )
    outcome = forms.ChoiceField(
        widget=forms.RadioSelect, label="Outcome", error_messages={"required": "Choose an outcome"}
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Rationale",
        help_text="Why this level and outcome: it stays on the child's record.",
        error_messages={"required": "Give the rationale for the decision"},
    )
    primary_need = forms.ChoiceField(
        required=False,
        choices=[("", "Not a referral"), *PrimaryNeed.choices],
        label="Primary need, when the contact becomes a referral",
        help_text="The Department for Education's code, reported in the Children in Need census.",
    )
    transfer_to = forms.ChoiceField(required=False, label="Council the contact is transferred to")
    sent_how = forms.CharField(
        required=False,
        label="How it was sent",
        help_text="For example, secure e-mail to their MASH",
    )
    what_was_sent = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What was sent",
    )
    departure_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why the decision departs from the final RAG",
        help_text="Only when the outcome does not follow the RAG confirmed after the partners "
        "answered.",
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    # The order the page shows the fields in, so the error summary lists problems in it too.
    field_order = [
        "level",
        "rag",
        "outcome",
        "primary_need",
        "transfer_to",
        "sent_how",
        "what_was_sent",
        "rationale",
        "departure_reason",
    ]

    def __init__(self, *args, policy: Policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
            (
                outcome.key,
                f"{outcome.label} (level {', '.join(str(level) for level in outcome.levels)})",
            )
            for outcome in policy.outcomes
        ]
        arriving = councils_on_service()  # R17: a transfer to one arrives in its inbox
        self.fields["transfer_to"].choices = [("", "Choose a council")] + [  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
            (
                authority.code,
                f"{authority.name} (on this service: it arrives in their inbox)"
                if authority.code in arriving
                else authority.name,
            )
            for authority in childrens_services_authorities()
            if authority.code != policy.council.ons_code
        ]
        self.transfer_outcomes = {
            outcome.key
            for outcome in policy.outcomes
            if outcome.effect == OutcomeEffect.TRANSFER_TO_COUNCIL
        }


class ConsentForm(GovukForm):
    person = forms.ChoiceField(
        label="Whose consent",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whose consent you are recording"},
    )
    about = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which children it is for",
        help_text=(
            "For a parent or carer: each child they spoke for. A young person speaks for "
            "themselves only."
        ),
    )
    status = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in ConsentStatus.choices
            if value != ConsentStatus.NOT_YET_ASKED
        ],
        widget=forms.RadioSelect,
        label="What they said",
        error_messages={"required": "Say whether consent was given, refused or not sought"},
    )
    not_sought_reason = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, label="Why consent was not sought"
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args,
        people: list[tuple[str, str]],
        children: list[tuple[str, str]],
        policy: Policy,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = people  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
        self.fields["about"].choices = children  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
        self.fields["not_sought_reason"].choices = [  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
            (reason.key, reason.label) for reason in policy.consent.not_sought_reasons
        ]


class AuthorisationForm(GovukForm):
    child = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Which child",
        help_text="Sharing without consent is authorised for one child at a time.",
        error_messages={"required": "Select the child"},
    )
    reason = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Why information is shared without consent",
        error_messages={"required": "Choose the reason"},
    )
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Your reasons",
        error_messages={"required": "Give your reasons"},
    )

    def __init__(self, *args, policy: Policy, children: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = children  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
        self.fields["reason"].choices = [  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
            (reason.key, reason.label) for reason in policy.consent.not_sought_reasons
        ]


class FollowUpForm(GovukForm):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What was done",
        error_messages={"required": "Say what was done"},
    )


class PoliceToldForm(GovukForm):
    """When the police were told of a suspected crime, whom and their reference (R24)."""

    told_on = date(
        "Date the police were told",
        described_as="The date the police were told",
        hint="For example, 27 3 2026",
        required_message="Enter the date the police were told",
    )
    told_time = time(
        "Time the police were told", required_message="Enter the time the police were told"
    )
    told_whom = forms.CharField(
        max_length=200,
        label="Whom you told",
        help_text="The officer, team or desk, for example PC 1234 Smith, Public Protection Unit",
        error_messages={"required": "Enter whom you told at the police"},
    )
    police_reference = forms.CharField(
        max_length=60,
        label="The police's reference",
        error_messages={"required": "Enter the police's reference"},
    )

    # When the police were told, set by clean() once both the date and the time are given:
    # a valid form has it.
    told_at: dt.datetime

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        day, at = cleaned.get("told_on"), cleaned.get("told_time")
        if day and at:
            self.told_at = london_datetime(day, at)
        return cleaned


class PoliceNotToldForm(GovukForm):
    """A manager's reason the police were not told of a suspected crime (R24)."""

    reason_not_told = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why the police were not told",
        error_messages={"required": "Give the reason the police were not told"},
    )


class SingleAgencyEnquiryForm(GovukForm):
    """The duty social worker's single-agency enquiries (R34)."""

    parents_conversation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What the parents or carers said",
        error_messages={"required": "Enter what the parents or carers said"},
    )
    referrer_conversation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What the referrer said",
        error_messages={"required": "Enter what the referrer said"},
    )
    chronology = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Social care and early help chronology",
        help_text="Each event with its date, from both records",
        error_messages={"required": "Enter the chronology"},
    )
    risks = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What are we worried about? (risks)",
        error_messages={"required": "Enter the risks"},
    )
    protective_factors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What is working well? (protective factors)",
        error_messages={"required": "Enter the protective factors"},
    )


class ReturnForm(GovukForm):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Message to the referrer",
        help_text="Say what consent is needed before the referral can be acted on.",
        error_messages={"required": "Enter the message to the referrer"},
    )


class ResumeForm(GovukForm):
    consent_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What the referrer told you about consent",
        help_text="Who gave consent, when, and how the referrer knows.",
        error_messages={"required": "Enter what the referrer told you about consent"},
    )


class SuggestionAnswerForm(forms.Form):
    """The button pressed on a suggestion read from the referral's words, sent with the screening
    form: "accept" or "reject", the suggestion's kind and its key, as `answer:kind:key`."""

    _CHOOSE = "Choose a suggestion from the page to accept or mark as not relevant"
    # Sent by the page's buttons, never typed: a bad one means the page is not the one that made
    # the suggestion.
    suggestion = forms.CharField(max_length=160, error_messages={"required": _CHOOSE})

    def clean(self) -> dict:
        data = super().clean() or {}
        verdict, _, rest = str(data.get("suggestion", "")).partition(":")
        kind, _, key = rest.partition(":")
        if verdict not in {"accept", "reject"} or kind not in SuggestionKind.values or not key:
            raise forms.ValidationError(self._CHOOSE)
        return {"accepted": verdict == "accept", "kind": kind, "key": key}
