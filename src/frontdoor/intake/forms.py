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
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.forms.formsets import ManagementForm
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.functional import cached_property
from pydantic import ValidationError

from frontdoor.errors import DomainError
from frontdoor.govuk_fields import (
    Asked,
    checkbox,
    choice,
    date,
    field_for,
    mark,
    text,
    textarea,
    time,
)
from frontdoor.intake import report_questions as asked
from frontdoor.intake.attachments import MAX_DOCUMENTS, check_file, clean_name, size_in_words
from frontdoor.intake.models import (
    Channel,
    Consent,
    Gender,
    YesNoUnknown,
)
from frontdoor.intake.services import FUTURE_TOLERANCE
from frontdoor.intake.submissions import Submission, error_messages
from frontdoor.people.forms import disabilities_field
from frontdoor.people.models import Sex
from frontdoor.policy.clocks import london_datetime
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


# Fields -------------------------------------------------------------------------------------------
# Each field says how it is drawn (`govuk`): the shared ones are in `frontdoor.govuk_fields`.


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
    return mark(field, "file")


def yes_no_unknown(label: str | Asked, *, hint: str = "") -> forms.Field:
    return choice(label, YesNoUnknown.choices, hint=hint, initial=YesNoUnknown.UNKNOWN)


# The parts of a report ---------------------------------------------------------------------------


def referrer_fields() -> dict[str, forms.Field]:
    return {
        "referrer_type": choice(
            asked.REFERRER_TYPE, required_message="Select who made the contact"
        ),
        "referrer_name": field_for(asked.FULL_NAME, autocomplete="off"),
        "referrer_agency": field_for(asked.ORGANISATION),
        "referrer_role": field_for(asked.ROLE),
        "referrer_phone": field_for(asked.TELEPHONE),
        "referrer_email": field_for(asked.EMAIL),
        "referrer_address": field_for(asked.REFERRER_ADDRESS),
        "referrer_relationship_to_child": field_for(asked.REFERRER_RELATIONSHIP),
        # R30: the outcome goes to a professional referrer as they ask.
        "referrer_feedback_by": choice(asked.FEEDBACK_BY),
        "referrer_agrees_to_contact": field_for(asked.AGREES_TO_TEXT),
    }


def child_fields() -> dict[str, forms.Field]:
    return {
        "first_name": text(asked.FIRST_NAME),
        "last_name": text(asked.LAST_NAME),
        "other_names": field_for(asked.OTHER_NAMES),
        "unborn": checkbox("This is an unborn child", hint="Give the expected date of birth"),
        "date_of_birth": field_for(asked.CHILD_DATE_OF_BIRTH),
        "expected_date_of_birth": field_for(asked.EXPECTED_DATE_OF_BIRTH),
        "gender": choice(asked.GENDER, govuk="select", initial=Gender.NOT_KNOWN),
        "sex": choice(asked.SEX, govuk="select", initial=Sex.NOT_KNOWN),
        "nhs_number": field_for(asked.NHS_NUMBER),
        "ethnicity": text(asked.ETHNICITY),
        "first_language": text(asked.FIRST_LANGUAGE),
        "religion": text(asked.RELIGION),
        "address": field_for(asked.CHILD_ADDRESS),
        "postcode": text(asked.POSTCODE),
        "school_or_nursery": text(asked.SCHOOL_OR_NURSERY),
        "disabilities": disabilities_field(),
        "special_needs": textarea(asked.SPECIAL_NEEDS),
        "communication": field_for(asked.COMMUNICATION),
    }


def adult_fields() -> dict[str, forms.Field]:
    return {
        "first_name": text(asked.FIRST_NAME),
        "last_name": text(asked.LAST_NAME),
        "other_names": field_for(asked.OTHER_NAMES),
        "relationship_to_child": field_for(asked.ADULT_RELATIONSHIP),
        "date_of_birth": field_for(asked.ADULT_DATE_OF_BIRTH),
        "gender": choice(asked.GENDER, govuk="select", initial=Gender.NOT_KNOWN),
        "parental_responsibility": yes_no_unknown(asked.PARENTAL_RESPONSIBILITY),
        "lives_with_child": yes_no_unknown(asked.LIVES_WITH_CHILD),
        "phone": field_for(asked.TELEPHONE),
        "address": field_for(asked.ADDRESS),
        "postcode": text(asked.POSTCODE),
        "ethnicity": text(asked.ETHNICITY),
        "first_language": text(asked.FIRST_LANGUAGE),
        "religion": text(asked.RELIGION),
        "alleged_perpetrator": field_for(asked.ALLEGED_PERPETRATOR),
        "expectant_parent": field_for(asked.EXPECTANT_PARENT),
    }


def concern_fields(*, worry_label: str) -> dict[str, forms.Field]:
    # R6: what a referral should capture.
    return {
        "worry": textarea(worry_label),
        "immediate_protection_needed": yes_no_unknown(
            asked.IMMEDIATE_DANGER,
            hint="If yes by telephone, the referrer must follow it with a written referral",
        ),
        "child_location": textarea(asked.CHILD_LOCATION),
        "working_well": field_for(asked.WORKING_WELL),
        "child_voice": field_for(asked.CHILD_VOICE),
        "alleged_perpetrator": field_for(asked.ALLEGED_HARM),
        "other_agencies": field_for(asked.OTHER_AGENCIES),
        "parents_aware": yes_no_unknown(asked.PARENTS_AWARE),
        "domestic_abuse": yes_no_unknown(asked.DOMESTIC_ABUSE),
        "mental_illness": yes_no_unknown(asked.MENTAL_ILLNESS),
        "substance_misuse": yes_no_unknown(asked.SUBSTANCE_MISUSE),
        "learning_difficulties": yes_no_unknown(asked.LEARNING_DIFFICULTIES),
    }


def consent_fields() -> dict[str, forms.Field]:
    reasons = [(r.key, r.label) for r in current_policy().consent.not_sought_reasons]
    return {
        "consent": choice(
            asked.CONSENT,
            Consent.choices,
            required_message="Select whether consent was given",
        ),
        "consent_not_sought_reason": choice(
            "If consent was not sought, why not?",
            reasons,
            hint="Only when seeking consent would put someone at risk, harm an investigation "
            "or delay enquiries",
        ),
        "consent_notes": textarea("Notes about consent"),
    }


class PersonForm(forms.Form):
    """One child's or adult's fieldset of a report. Its fields are named as the staff form has
    always posted them, `child_0_first_name`: the formset's prefix, joined by underscores."""

    def add_prefix(self, field_name: str) -> str:
        return f"{self.prefix}_{field_name}" if self.prefix else field_name

    @property
    def values(self) -> dict[str, Any]:
        """What was entered, for the Submission: blank answers left out, so its own defaults
        and messages apply."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned.get(name)
            for name in self.fields
            if cleaned.get(name) not in (None, "", [])
        }


class ChildForm(PersonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(child_fields())


class AdultForm(PersonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(adult_fields())


class PeopleFormSet(forms.BaseFormSet):
    """The children (or adults) of a report: as many fieldsets as the form's hidden count says
    (`children_count`), named `child_0_...`, `child_1_...` as before formsets; so it has no
    management form of its own to post."""

    # As formset_factory would set them: no ordering or deleting, no blank extra fieldsets.
    extra = 0
    can_order = False
    can_delete = False
    can_delete_extra = False
    min_num = 0
    max_num = 1000
    absolute_max = 2000
    validate_min = False
    validate_max = False
    renderer = None

    def __init__(self, data=None, files=None, *, count: int, **kwargs):
        self.count = count
        super().__init__(data, files, **kwargs)

    def add_prefix(self, index) -> str:
        return f"{self.prefix}_{index}"

    def total_form_count(self) -> int:
        return self.count

    def initial_form_count(self) -> int:
        return 0 if self.is_bound else self.count

    @cached_property
    def management_form(self):
        # The count comes from the report form's hidden field, so the management form is made
        # up here rather than posted.
        form = ManagementForm(
            {f"{self.prefix}-TOTAL_FORMS": self.count, f"{self.prefix}-INITIAL_FORMS": 0},
            prefix=self.prefix,
        )
        form.full_clean()
        return form


class ChildFormSet(PeopleFormSet):
    form = ChildForm


class AdultFormSet(PeopleFormSet):
    form = AdultForm


def _initial_of(initial: Mapping[str, Any], prefix: str, count: int) -> list[dict[str, Any]]:
    """Each fieldset's initial values, from the report form's (`child_0_first_name`)."""
    return [
        {
            name.removeprefix(f"{prefix}_{index}_"): value
            for name, value in initial.items()
            if name.startswith(f"{prefix}_{index}_")
        }
        for index in range(count)
    ]


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
        # Each child and adult a form of its own, their errors shown against their fieldset.
        files = kwargs.get("files")
        self.child_forms = ChildFormSet(
            data,
            files,
            count=self.children,
            prefix="child",
            initial=_initial_of(self.initial, "child", self.children),
        )
        self.adult_forms = AdultFormSet(
            data,
            files,
            count=self.adults,
            prefix="adult",
            initial=_initial_of(self.initial, "adult", self.adults),
        )
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
        return [(n + 1, list(form)) for n, form in enumerate(self.child_forms)]

    @property
    def adult_groups(self):
        return [(n + 1, list(form)) for n, form in enumerate(self.adult_forms)]

    def _people_forms(self) -> list[PersonForm]:
        return [*self.child_forms, *self.adult_forms]

    def __iter__(self):
        """Every field in page order, the children's and adults' after the referrer's: the
        error summary lists their messages in the order they are shown."""
        people = [field for form in self._people_forms() for field in form]
        shown = False
        for name in self.fields:
            if not shown and name in ("worry", "referrer_level_of_need"):
                yield from people
                shown = True
            yield self[name]
        if not shown:
            yield from people

    @property
    def errors(self):
        """The report's errors and each child's and adult's, by the names posted."""
        errors = super().errors
        merged = ErrorDict(errors)
        for form in self._people_forms():
            for name, messages in form.errors.items():
                merged[form.add_prefix(name)] = messages
        return merged

    def is_valid(self) -> bool:
        return self.is_bound and not self.errors

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
        values = {
            name: field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            for name, field in self.fields.items()
            if name != "documents"
        }
        for form in self._people_forms():
            for name, field in form.fields.items():
                posted = form.add_prefix(name)
                values[posted] = field.widget.value_from_datadict(self.data, self.files, posted)
        return values

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

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for form in self._people_forms():
            form.full_clean()
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
        for index, form in enumerate(self.child_forms):
            if _filled(form.values):
                children.append(form.values)
                children_at.append(index)
        adults, adults_at = [], []
        for index, form in enumerate(self.adult_forms):
            if _filled(form.values):
                adults.append(form.values)
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
        else:
            for form in self._people_forms():
                field = name.removeprefix(f"{form.prefix}_")
                if field != name and field in form.fields and not form.has_error(field):
                    form.add_error(field, message)

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

    # When the child went missing, set by clean() once it is a real time in the past: a valid
    # form has it. When they returned, if they have.
    went_missing_at: dt.datetime
    returned_at: dt.datetime | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        went_missing_at = self._when(
            "went_missing_on", "went_missing_time", "The time the child went missing"
        )
        if went_missing_at is not None:
            self.went_missing_at = went_missing_at
        self.returned_at = None
        if cleaned.get("returned") == "yes":
            if cleaned.get("returned_on") is None and not self.has_error("returned_on"):
                self.add_error("returned_on", "Enter the date the child returned")
            if cleaned.get("returned_time") is None and not self.has_error("returned_time"):
                self.add_error("returned_time", "Enter the time the child returned")
            self.returned_at = self._when("returned_on", "returned_time", "The time returned")
            if self.returned_at and went_missing_at and self.returned_at < went_missing_at:
                self.add_error("returned_on", "The child cannot have returned before going missing")
        return cleaned


class ConsultationForm(forms.Form):
    """A professional's threshold consultation (R8): who rang, what they asked, what we advised.

    No child's details are taken here.
    """

    caller_agency = mark(
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
    caller_role = mark(
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
