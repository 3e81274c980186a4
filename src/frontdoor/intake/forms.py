"""Staff forms for contacts, consultations and missing episodes (R1-R9).

The forms check only the shape of what was typed (a real date, a time, a choice from the list),
in GOV.UK wording. Everything about a report itself is checked by `submissions.Submission`, the
one shape shared with the online form and the API: its messages are put on the matching fields
here. Rules that need the database or the policy are the services' (`intake.services`).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from pydantic import ValidationError

from frontdoor.errors import DomainError
from frontdoor.govuk_fields import (
    _field,
    checkbox,
    choice,
    date,
    text,
    textarea,
)
from frontdoor.intake.attachments import MAX_DOCUMENTS, check_file, clean_name, size_in_words
from frontdoor.intake.models import Channel, Consent, Gender, ReferrerType, YesNoUnknown
from frontdoor.intake.services import FUTURE_TOLERANCE
from frontdoor.intake.submissions import Submission, error_messages
from frontdoor.people.forms import disabilities_field
from frontdoor.people.models import Sex
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.registry import current_policy

# What staff record by hand (R2): the online form and partner systems arrive by themselves.
STAFF_CHANNELS = [
    Channel.TELEPHONE,
    Channel.IN_PERSON,
    Channel.LETTER,
    Channel.EMAIL,
    Channel.EDT,
    Channel.POLICE_NOTIFICATION,
]
MAX_CHILDREN = 20  # as Submission allows
MAX_ADULTS = 30
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,80}$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


# Fields -------------------------------------------------------------------------------------------
# Each field says how it is drawn (`govuk`): the shared ones are in `frontdoor.govuk_fields`.


class TimeField(forms.CharField):
    """A time on the 24-hour clock (14:30), or 2:30pm."""

    # Cleaned to a time, as Django's own TimeField is; the text is only how it is typed.
    def to_python(self, value) -> dt.time | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = _TIME.match(text)
        if not match:
            raise forms.ValidationError("Enter a real time, like 14:30")
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if half:
            if not 1 <= hour <= 12:
                raise forms.ValidationError("Enter a real time, like 14:30")
            hour = hour % 12 + (12 if half.lower() == "pm" else 0)
        if hour > 23 or minute > 59:
            raise forms.ValidationError("Enter a real time, like 14:30")
        return dt.time(hour, minute)


class DocumentsInput(forms.FileInput):
    """The GOV.UK file upload, taking several files at once."""

    allow_multiple_selected = True


class DocumentsField(forms.Field):
    """Documents sent with a report (R10), each checked from its content before anything is
    recorded, by the same check as every other way in (`attachments.check_file`)."""

    widget = DocumentsInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(widget=DocumentsInput(attrs={"multiple": True}), **kwargs)

    def to_python(self, value) -> list:
        if not value:
            return []
        files = value if isinstance(value, list | tuple) else [value]
        return [upload for upload in files if upload]

    def validate(self, value: list) -> None:
        super().validate(value)
        if len(value) > MAX_DOCUMENTS:
            raise forms.ValidationError(f"Select up to {MAX_DOCUMENTS} files")
        errors = []
        for upload in value:
            try:
                check_file(upload)
            except DomainError as error:
                # With several files, say which one: the message alone would not tell.
                name = f"{clean_name(upload.name or '')}: " if len(value) > 1 else ""
                errors.append(forms.ValidationError(f"{name}{error.message}"))
        if errors:
            raise forms.ValidationError(errors)


def documents_field() -> forms.Field:
    limit = size_in_words(settings.FRONTDOOR_MAX_UPLOAD_BYTES)
    field = DocumentsField(
        label="Upload documents (optional)",
        help_text=(
            f"You can select up to {MAX_DOCUMENTS} files. Each must be a PDF, Word document, "
            f"spreadsheet, photo or text file, and smaller than {limit}. If this page shows an "
            "error, select the files again: browsers do not keep them."
        ),
    )
    return _field(field, "file")


def yes_no_unknown(label: str, *, hint: str = "") -> forms.Field:
    return choice(label, YesNoUnknown.choices, hint=hint, initial=YesNoUnknown.UNKNOWN)


def time(label: str, *, required_message: str = "") -> forms.Field:
    field = TimeField(
        label=label,
        help_text="Use the 24-hour clock, for example 14:30",
        required=bool(required_message),
        error_messages={"required": required_message},
    )
    return _field(field, "text", width="govuk-input--width-5")


def london_datetime(day: dt.date, at: dt.time) -> dt.datetime:
    """A date and a wall-clock time typed in London, as an aware datetime."""
    return dt.datetime.combine(day, at, tzinfo=LONDON)


# The parts of a report ---------------------------------------------------------------------------


def referrer_fields() -> dict[str, forms.Field]:
    return {
        "referrer_type": choice(
            "Who made the contact?",
            ReferrerType.choices,
            required_message="Select who made the contact",
        ),
        "referrer_name": text("Full name", autocomplete="off"),
        "referrer_agency": text("Organisation", hint="For a professional"),
        "referrer_role": text("Job title", hint="For a professional"),
        "referrer_phone": text("Telephone number", width="govuk-input--width-20"),
        "referrer_email": text("E-mail address"),
        "referrer_address": _field(forms.CharField(label="Address", required=False), "textarea"),
        "referrer_relationship_to_child": text("Relationship to the child or children"),
    }


def child_fields(index: int) -> dict[str, forms.Field]:
    p = f"child_{index}_"
    return {
        f"{p}first_name": text("First name"),
        f"{p}last_name": text("Last name"),
        f"{p}other_names": text("Other names or spellings"),
        f"{p}unborn": checkbox("This is an unborn child", hint="Give the expected date of birth"),
        f"{p}date_of_birth": date(
            "Date of birth", described_as="Date of birth", hint="For example, 27 3 2016"
        ),
        f"{p}expected_date_of_birth": date(
            "Expected date of birth", described_as="Expected date of birth", hint="Unborn only"
        ),
        f"{p}gender": choice("Gender", Gender.choices, govuk="select", initial=Gender.NOT_KNOWN),
        f"{p}sex": choice("Sex", Sex.choices, govuk="select", initial=Sex.NOT_KNOWN),
        f"{p}nhs_number": text("NHS number", width="govuk-input--width-10"),
        f"{p}ethnicity": text("Ethnicity"),
        f"{p}first_language": text("First language"),
        f"{p}religion": text("Religion"),
        f"{p}address": _field(forms.CharField(label="Address", required=False), "textarea"),
        f"{p}postcode": text("Postcode", width="govuk-input--width-10"),
        f"{p}school_or_nursery": text("School or nursery"),
        f"{p}disabilities": disabilities_field(),
        f"{p}special_needs": textarea("Special educational needs or disabilities"),
        f"{p}communication": textarea("How the child communicates"),
    }


def adult_birth_date_example() -> str:
    """An adult's date of birth as an example: 30 years before today, as day month year."""
    today = timezone.localdate()
    example = today.replace(year=today.year - 30, day=min(today.day, 28))
    return f"For example, {example.day} {example.month} {example.year}"


def adult_fields(index: int) -> dict[str, forms.Field]:
    p = f"adult_{index}_"
    return {
        f"{p}first_name": text("First name"),
        f"{p}last_name": text("Last name"),
        f"{p}relationship_to_child": text("Relationship to the child", hint="For example, mother"),
        f"{p}date_of_birth": date(
            "Date of birth", described_as="Date of birth", hint=adult_birth_date_example()
        ),
        f"{p}gender": choice("Gender", Gender.choices, govuk="select", initial=Gender.NOT_KNOWN),
        f"{p}parental_responsibility": yes_no_unknown("Parental responsibility?"),
        f"{p}lives_with_child": yes_no_unknown("Lives with the child?"),
        f"{p}phone": text("Telephone number", width="govuk-input--width-20"),
        f"{p}address": _field(forms.CharField(label="Address", required=False), "textarea"),
        f"{p}postcode": text("Postcode", width="govuk-input--width-10"),
        f"{p}ethnicity": text("Ethnicity"),
        f"{p}first_language": text("First language"),
        f"{p}religion": text("Religion"),
        f"{p}alleged_perpetrator": checkbox("This adult is the alleged perpetrator"),
        f"{p}expectant_parent": checkbox(
            "This adult is the unborn child's expectant parent",
            hint="An expectant parent under 18 is a child too, and is added as one (R5)",
        ),
    }


def concern_fields(*, worry_label: str) -> dict[str, forms.Field]:
    # R6: what a referral should capture.
    return {
        "worry": textarea(worry_label),
        "immediate_protection_needed": yes_no_unknown(
            "Does a child need protection now?",
            hint="If yes by telephone, the referrer must follow it with a written referral (R3)",
        ),
        "child_location": textarea("Where is the child now, and how are they?"),
        "working_well": textarea("What is working well?"),
        "child_voice": textarea("The child's voice and lived experience"),
        "alleged_perpetrator": textarea("Alleged perpetrator"),
        "other_agencies": textarea("Other agencies involved"),
        "parents_aware": yes_no_unknown("Do the parents know about this contact?"),
        "parents_agree": yes_no_unknown("Do the parents agree to it?"),
        "domestic_abuse": yes_no_unknown("Is the household affected by domestic abuse?"),
        "mental_illness": yes_no_unknown("Is the household affected by mental illness?"),
        "substance_misuse": yes_no_unknown("Is the household affected by substance misuse?"),
        "learning_difficulties": yes_no_unknown(
            "Is the household affected by learning difficulties?"
        ),
    }


def consent_fields() -> dict[str, forms.Field]:
    reasons = [(r.key, r.label) for r in current_policy().consent.not_sought_reasons]
    return {
        "consent": choice(
            "Have those with parental responsibility consented?",
            Consent.choices,
            required_message="Select whether consent was given",
        ),
        "consent_not_sought_reason": choice(
            "If consent was not sought, why not?", reasons, hint="R14"
        ),
        "consent_notes": textarea("Notes about consent"),
    }


class ReportForm(forms.Form):
    """One report as staff record it: how and when it came, then the Submission's parts."""

    worry_label = "What is the concern?"
    summary_label = "Summary of the call, visit, letter or e-mail"
    with_received = True
    with_adults = True
    max_children = MAX_CHILDREN

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)
    children_count = forms.IntegerField(widget=forms.HiddenInput, required=False)
    adults_count = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, children: int = 1, adults: int = 1, **kwargs):
        super().__init__(data, **kwargs)
        if data is not None:
            children = _count(data.get("children_count"), children)
            adults = _count(data.get("adults_count"), adults)
        self.children = max(1, min(children, self.max_children))
        self.adults = max(0, min(adults, MAX_ADULTS)) if self.with_adults else 0
        self.initial.setdefault("submission_key", secrets.token_urlsafe(24))
        self.initial["children_count"] = self.children
        self.initial["adults_count"] = self.adults
        self.submission: Submission | None = None
        self.received_at: dt.datetime | None = None
        if self.with_received:
            now = timezone.localtime()
            self.fields["channel"] = choice(
                "How did the contact arrive?",
                [(c.value, c.label) for c in STAFF_CHANNELS],
                required_message="Select how the contact arrived",
            )
            self.fields["received_on"] = date(
                "Date received",
                described_as="The date received",
                hint="EDT records can be entered later: give when the contact was made",
                required_message="Enter the date the contact was received",
            )
            self.fields["received_time"] = time(
                "Time received", required_message="Enter the time the contact was received"
            )
            self.initial.setdefault("received_on", now.date())
            self.initial.setdefault("received_time", f"{now:%H:%M}")
        self.fields.update(referrer_fields())
        for index in range(self.children):
            self.fields.update(child_fields(index))
        for index in range(self.adults):
            self.fields.update(adult_fields(index))
        self.fields.update(concern_fields(worry_label=self.worry_label))
        self.fields.update(consent_fields())
        self.fields["referrer_level_of_need"] = choice(
            "The referrer's view of the Level of Need",
            [("", "Not given"), *((str(n), f"Level {n}") for n in range(1, 5))],
            govuk="select",
        )
        self.fields["summary"] = textarea(self.summary_label)
        self.fields["documents"] = documents_field()

    # Groups of fields, in page order, for the templates.
    def group(self, prefix: str) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(prefix)]

    @property
    def received_fields(self):
        return [self[name] for name in ("channel", "received_on", "received_time")]

    @property
    def referrer_group(self):
        # Named by referrer_fields, not by prefix: the referrer's view of the Level of Need is
        # also "referrer_" but belongs to the summary, and a field drawn twice loses its value.
        if "referrer_type" not in self.fields:
            return []
        return [self[name] for name in referrer_fields()]

    @property
    def child_groups(self):
        return [(n + 1, self.group(f"child_{n}_")) for n in range(self.children)]

    @property
    def adult_groups(self):
        return [(n + 1, self.group(f"adult_{n}_")) for n in range(self.adults)]

    @property
    def concern_group(self):
        return [self[name] for name in concern_fields(worry_label="")]

    @property
    def consent_group(self):
        return [self[name] for name in ("consent", "consent_not_sought_reason", "consent_notes")]

    def as_initial(self) -> dict[str, Any]:
        """What was typed, as the initial values of a fresh form (no errors shown).

        Files cannot be kept: the browser asks for them again (the hint says so).
        """
        return {
            name: field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            for name, field in self.fields.items()
            if name != "documents"
        }

    def with_one_more(self, *, child: bool) -> ReportForm:
        """The same form, with another child's (or adult's) fieldset to fill in."""
        return type(self)(
            initial=self.as_initial(),
            children=self.children + (1 if child else 0),
            adults=self.adults + (0 if child else 1),
        )

    def clean_submission_key(self) -> str:
        key = self.cleaned_data.get("submission_key", "")
        # A missing or odd key still records once; it only loses the double-submit guard.
        return key if _KEY.match(key) else secrets.token_urlsafe(24)

    def clean(self):
        cleaned = super().clean()
        if self.with_received:
            self.received_at = self._when("received_on", "received_time", "The time received")
        data, children_at, adults_at = self._submission_data(cleaned)
        try:
            self.submission = Submission.model_validate(data)
        except ValidationError as error:
            for path, message in error_messages(error).items():
                self._add_submission_error(path, message, children_at, adults_at)
        return cleaned

    def _when(self, day_name: str, time_name: str, described_as: str) -> dt.datetime | None:
        day, at = self.cleaned_data.get(day_name), self.cleaned_data.get(time_name)
        if day is None or at is None:
            return None
        moment = london_datetime(day, at)
        if moment > timezone.now() + FUTURE_TOLERANCE:
            self.add_error(day_name, f"{described_as} must be now or in the past")
            return None
        return moment

    def _submission_data(self, cleaned: dict) -> tuple[dict, list[int], list[int]]:
        """The Submission's plain data, leaving out blank child and adult fieldsets."""

        def part(prefix: str, names) -> dict[str, Any]:
            values = {name: cleaned.get(f"{prefix}{name}") for name in names}
            # Left out when blank, so the Submission's own defaults and messages apply.
            return {k: v for k, v in values.items() if v not in (None, "", [])}

        referrer = part("referrer_", [n.removeprefix("referrer_") for n in referrer_fields()])
        children, children_at = [], []
        for index in range(self.children):
            names = [n.removeprefix(f"child_{index}_") for n in child_fields(index)]
            child = part(f"child_{index}_", names)
            if _filled(child):
                children.append(child)
                children_at.append(index)
        adults, adults_at = [], []
        for index in range(self.adults):
            names = [n.removeprefix(f"adult_{index}_") for n in adult_fields(index)]
            adult = part(f"adult_{index}_", names)
            if _filled(adult):
                adults.append(adult)
                adults_at.append(index)
        consent = part("consent_", ["not_sought_reason", "notes"])
        if cleaned.get("consent"):
            consent["consent"] = cleaned["consent"]
        data: dict[str, Any] = {
            "referrer": referrer,
            "adults": adults,
            "concern": part("", concern_fields(worry_label="")),
            "consent": consent,
            **part("", ["referrer_level_of_need", "summary"]),
        }
        if children:  # left out when none, for the Submission's "Add at least one child"
            data["children"] = children
        return data, children_at, adults_at

    def _add_submission_error(
        self, path: str, message: str, children_at: list[int], adults_at: list[int]
    ) -> None:
        name = self._field_for(path.split("."), children_at, adults_at)
        if name is None:
            self.add_error(None, message)
        elif name in self.fields and not self.has_error(name):
            self.add_error(name, message)

    def _field_for(self, loc: list[str], children_at: list[int], adults_at: list[int]):
        """The form field for a Submission error path (`children.1.date_of_birth`)."""
        head, rest = loc[0], loc[1:]
        if head == "referrer":
            return f"referrer_{rest[0]}" if rest else "referrer_type"
        if head in ("children", "adults"):
            at, prefix = (children_at, "child") if head == "children" else (adults_at, "adult")
            if not rest or not rest[0].isdigit() or int(rest[0]) >= len(at):
                return f"{prefix}_0_first_name" if head == "children" else None
            index = at[int(rest[0])]
            return f"{prefix}_{index}_{rest[1] if len(rest) > 1 else 'first_name'}"
        if head == "concern":
            return rest[0] if rest else "worry"
        if head == "consent":
            if not rest or rest[0] == "consent":
                return "consent"
            return f"consent_{rest[0]}"
        return head if head in self.fields else None


def _count(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _filled(person: dict[str, Any]) -> bool:
    """True when anything was entered beyond the defaults of a fieldset."""
    defaults = {
        "gender": Gender.NOT_KNOWN,
        "sex": Sex.NOT_KNOWN,
        "unborn": False,
        "alleged_perpetrator": False,
        "expectant_parent": False,
    }
    defaults |= dict.fromkeys(("parental_responsibility", "lives_with_child"), YesNoUnknown.UNKNOWN)
    return any(value != defaults.get(key) for key, value in person.items())


class ConsultationContactForm(ReportForm):
    """A consultation that became a contact (R8): it arrived by telephone, when the call was."""

    with_received = False


class MissingEpisodeForm(ReportForm):
    """A child's missing episode, recorded as a contact (R9)."""

    worry_label = "What happened?"
    summary_label = "Anything else the reporter said"
    with_adults = False
    max_children = 1

    def __init__(self, data=None, **kwargs):
        kwargs["children"] = 1
        kwargs["adults"] = 0
        super().__init__(data, **kwargs)
        missing = {
            "went_missing_on": date(
                "Date the child went missing",
                described_as="The date the child went missing",
                required_message="Enter the date the child went missing",
            ),
            "went_missing_time": time(
                "Time the child went missing",
                required_message="Enter the time the child went missing",
            ),
            "returned": choice(
                "Has the child returned?",
                [("yes", "Yes"), ("no", "No, still missing")],
                required_message="Select whether the child has returned",
            ),
            "returned_on": date("Date the child returned", described_as="The date returned"),
            "returned_time": time("Time the child returned"),
            "missing_from": text("Missing from", hint="For example, home, foster placement"),
        }
        # After how the report arrived, before the child.
        fields = list(self.fields.items())
        at = next(i for i, (name, _) in enumerate(fields) if name.startswith("referrer_"))
        self.fields = dict(fields[:at] + list(missing.items()) + fields[at:])

    @property
    def missing_fields(self):
        names = ("went_missing_on", "went_missing_time", "returned", "missing_from")
        return [self[name] for name in names]

    @property
    def returned_fields(self):
        return [self["returned_on"], self["returned_time"]]

    def clean(self):
        cleaned = super().clean()
        self.went_missing_at = self._when(
            "went_missing_on", "went_missing_time", "The time the child went missing"
        )
        self.returned_at = None
        if cleaned.get("returned") == "yes":
            if cleaned.get("returned_on") is None and not self.has_error("returned_on"):
                self.add_error("returned_on", "Enter the date the child returned")
            if cleaned.get("returned_time") is None and not self.has_error("returned_time"):
                self.add_error("returned_time", "Enter the time the child returned")
            self.returned_at = self._when("returned_on", "returned_time", "The time returned")
            if (
                self.returned_at
                and self.went_missing_at
                and self.returned_at < self.went_missing_at
            ):
                self.add_error("returned_on", "The child cannot have returned before going missing")
        return cleaned


class ConsultationForm(forms.Form):
    """A professional's threshold consultation (R8): who rang, what they asked, what we advised.

    No child's details are taken here.
    """

    caller_agency = _field(
        forms.CharField(
            label="Caller's organisation",
            max_length=200,
            error_messages={
                "required": "Enter the caller's organisation",
                "max_length": "Enter no more than 200 characters",
            },
        ),
        "text",
    )
    caller_role = _field(
        forms.CharField(
            label="Caller's role",
            max_length=200,
            required=False,
            error_messages={"max_length": "Enter no more than 200 characters"},
        ),
        "text",
    )
    question = textarea(
        "What did they ask?",
        hint="Do not give the child's or family's details",
        required_message="Enter what the caller asked",
    )
    advice = textarea("What advice was given?", required_message="Enter the advice given")


class InboxFilterForm(forms.Form):
    """The inbox's filters, sent by GET so a filtered inbox has an address."""

    AGES = [
        ("", "Any age"),
        ("today", "Received today"),
        ("over_1_day", "Received over 1 day ago"),
        ("over_3_days", "Received over 3 days ago"),
        ("overdue", "Overdue only"),
    ]

    channel = choice(
        "Channel (of any report)", [("", "Any channel"), *Channel.choices], govuk="select"
    )
    age = choice("Age", AGES, govuk="select")
