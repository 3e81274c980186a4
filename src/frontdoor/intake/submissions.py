"""The shape of a report as it arrives, checked the same way for the online form, staff and the API.

One set of field rules (R4, R5, R6, R11, R12-R16): the online form's pages, the staff pages and the
API all validate through these models, so a submission refused by one is refused by all, with the
same GOV.UK-style message. Rules that need the database or the policy (deadlines, permissions,
states) are checked by `intake.services`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from django.utils import timezone
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from frontdoor.intake.models import Channel, Consent, Gender, ReferrerType, YesNoUnknown
from frontdoor.people.postcodes import normalise_postcode


def _no_nul(value: str) -> str:
    # A NUL character is never typed by a person; PostgreSQL cannot store one in text, and it
    # would otherwise surface as a server error after the referrer pressed send.
    if "\x00" in value:
        raise ValueError("Remove the invisible control character (NUL) from this answer")
    return value


# Free text is stored exactly as typed (markup included) and always shown as text.
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_no_nul)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000), AfterValidator(_no_nul)
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(_no_nul)
]

_PHONE = re.compile(r"^[0-9+() \-]{3,25}$")

# An unborn child's expected date of birth lies within this window (a pregnancy lasts at most
# about 42 weeks; an expected date a little in the past is a baby now due or overdue).
UNBORN_EXPECTED_WITHIN = dt.timedelta(days=300)
UNBORN_OVERDUE_BY = dt.timedelta(days=31)
# Nobody recorded as a child or an adult was born before this.
OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)


def today() -> dt.date:
    return timezone.localdate()


def nhs_number_is_valid(value: str) -> bool:
    """The NHS number's modulus 11 check digit."""
    if not re.fullmatch(r"\d{10}", value):
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(value[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(value[9])


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Referrer(Shape):
    """Who is telling us (R11: a non-professional's identity is protected)."""

    type: ReferrerType
    name: ShortText = ""
    agency: ShortText = ""
    role: ShortText = ""
    phone: ShortText = ""
    email: ShortText = ""
    address: LongText = ""
    relationship_to_child: ShortText = ""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not value:
            return value
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise ValueError(
                "Enter an email address in the correct format, like name@example.com"
            ) from None
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and not _PHONE.match(value):
            raise ValueError("Enter a telephone number, like 0151 934 4013")
        return value

    @model_validator(mode="after")
    def _enough_to_call_back(self) -> Referrer:
        if self.type == ReferrerType.ANONYMOUS:
            if self.name or self.phone or self.email or self.address:
                raise ValueError("An anonymous referral gives no name or contact details")
            return self
        problems = {}
        if not self.name:
            problems["name"] = "Enter your full name"
        if self.type == ReferrerType.PROFESSIONAL:
            if not self.agency:
                problems["agency"] = "Enter the organisation you work for"
            if not self.role:
                problems["role"] = "Enter your job title"
            if not (self.phone or self.email):
                problems["phone"] = "Enter a work telephone number or email address"
        if problems:
            raise FieldError(problems)
        return self


class Person(Shape):
    """What R4 asks about every child and adult named in a referral."""

    first_name: Name = ""
    last_name: Name = ""
    other_names: ShortText = ""
    date_of_birth: dt.date | None = None
    gender: Gender = Gender.NOT_KNOWN
    ethnicity: ShortText = ""
    first_language: ShortText = ""
    religion: ShortText = ""
    address: LongText = ""
    postcode: ShortText = ""

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        return normalise_postcode(value) if value else ""


class Child(Person):
    """A child the referral is about, or an unborn child (R4, R5)."""

    unborn: bool = False
    expected_date_of_birth: dt.date | None = None
    nhs_number: ShortText = ""
    school_or_nursery: ShortText = ""
    special_needs: LongText = ""
    communication: LongText = ""

    @field_validator("nhs_number")
    @classmethod
    def _nhs_number(cls, value: str) -> str:
        compact = re.sub(r"[\s-]", "", value)
        if compact and not nhs_number_is_valid(compact):
            raise ValueError("Enter a real NHS number: 10 digits, like 943 476 5919")
        return compact

    @model_validator(mode="after")
    def _born_or_unborn(self) -> Child:
        if self.unborn:
            if self.date_of_birth is not None:
                raise FieldError(
                    "date_of_birth",
                    "An unborn child has an expected date of birth, not a date of birth",
                )
            if self.expected_date_of_birth is None:
                raise FieldError("expected_date_of_birth", "Enter the expected date of birth")
            if not (
                today() - UNBORN_OVERDUE_BY
                <= self.expected_date_of_birth
                <= today() + UNBORN_EXPECTED_WITHIN
            ):
                raise FieldError(
                    "expected_date_of_birth",
                    "The expected date of birth must be within the next 10 months",
                )
            return self
        if not (self.first_name or self.last_name):
            raise FieldError("first_name", "Enter the child's first name or last name")
        if self.expected_date_of_birth is not None:
            raise FieldError(
                "expected_date_of_birth", "Only an unborn child has an expected date of birth"
            )
        if self.date_of_birth is not None:
            if self.date_of_birth > today():
                raise FieldError("date_of_birth", "The date of birth must be today or in the past")
            if self.date_of_birth < OLDEST_BIRTH_DATE:
                raise FieldError("date_of_birth", "The date of birth must be after 1900")
        return self


class Adult(Person):
    """A household member or significant adult (R4)."""

    phone: ShortText = ""
    relationship_to_child: ShortText = ""
    parental_responsibility: YesNoUnknown = YesNoUnknown.UNKNOWN
    lives_with_child: YesNoUnknown = YesNoUnknown.UNKNOWN
    alleged_perpetrator: bool = False

    @model_validator(mode="after")
    def _named(self) -> Adult:
        if not (self.first_name or self.last_name or self.relationship_to_child):
            raise FieldError("first_name", "Enter the adult's name, or how they know the child")
        if self.date_of_birth is not None and self.date_of_birth > today():
            raise FieldError("date_of_birth", "The date of birth must be in the past")
        if self.date_of_birth is not None and self.date_of_birth < OLDEST_BIRTH_DATE:
            raise FieldError("date_of_birth", "The date of birth must be after 1900")
        return self


class Concern(Shape):
    """What a referral should capture (R6)."""

    worry: LongText = Field(min_length=1)
    working_well: LongText = ""
    child_voice: LongText = ""
    child_location: LongText = ""
    immediate_protection_needed: YesNoUnknown = YesNoUnknown.UNKNOWN
    alleged_perpetrator: LongText = ""
    other_agencies: LongText = ""
    parents_aware: YesNoUnknown = YesNoUnknown.UNKNOWN
    parents_agree: YesNoUnknown = YesNoUnknown.UNKNOWN
    domestic_abuse: YesNoUnknown = YesNoUnknown.UNKNOWN
    mental_illness: YesNoUnknown = YesNoUnknown.UNKNOWN
    substance_misuse: YesNoUnknown = YesNoUnknown.UNKNOWN
    learning_difficulties: YesNoUnknown = YesNoUnknown.UNKNOWN


class ConsentGiven(Shape):
    """Consent of those with parental responsibility (R12-R16)."""

    consent: Consent
    # R14: why consent was not sought; the reasons are the policy's (checked by the service).
    not_sought_reason: Literal["", "increased_risk", "prejudice_crime", "unjustified_delay"] = ""
    notes: LongText = ""

    @model_validator(mode="after")
    def _reason_when_not_sought(self) -> ConsentGiven:
        if self.consent == Consent.NOT_SOUGHT and not self.not_sought_reason:
            raise FieldError("not_sought_reason", "Select why consent was not sought")
        if self.consent != Consent.NOT_SOUGHT and self.not_sought_reason:
            raise FieldError("not_sought_reason", "Give a reason only when consent was not sought")
        return self


class Submission(Shape):
    """A whole report: referrer, children, adults, the concern, consent and the referrer's view."""

    referrer: Referrer
    children: Annotated[list[Child], Field(min_length=1, max_length=20)]
    adults: Annotated[list[Adult], Field(max_length=30)] = []
    concern: Concern
    consent: ConsentGiven
    referrer_level_of_need: Annotated[int, Field(ge=1, le=4)] | None = None
    summary: LongText = ""


class FieldError(ValueError):
    """Rules about fields of a model, raised from a model validator: every problem at once."""

    def __init__(self, field: str | dict[str, str], message: str = ""):
        self.problems = field if isinstance(field, dict) else {field: message}
        super().__init__("; ".join(self.problems.values()))


# Messages for the shape errors pydantic finds by itself, in GOV.UK wording.
_MISSING = {
    "worry": "Enter what you are worried about",
    "type": "Select who is making the referral",
    "consent": "Select whether consent was given",
    "children": "Add at least one child",
}
_TYPE_MESSAGES = {
    "date_type": "Enter a real date",
    "date_from_datetime_parsing": "Enter a real date",
    "date_parsing": "Enter a real date",
    "enum": "Select one of the options",
    "literal_error": "Select one of the options",
    "string_too_long": "Enter no more than {max_length} characters",
    "string_too_short": "This cannot be blank",
    "too_short": "Add at least one",
    "too_long": "Add no more than {max_length}",
    "int_parsing": "Enter a whole number",
    "less_than_equal": "Enter a number from 1 to 4",
    "greater_than_equal": "Enter a number from 1 to 4",
    "value_error": "{message}",
    "extra_forbidden": "This is not a field of the form",
    "bool_parsing": "Select yes or no",
    "model_type": "Give the details as a group of fields",
    "list_type": "Give a list",
}


def error_messages(error: ValidationError) -> dict[str, str]:
    """Each problem as a dotted field path (`children.0.date_of_birth`) and a message to show."""
    messages: dict[str, str] = {}
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        context = item.get("ctx") or {}
        cause = context.get("error")
        if isinstance(cause, FieldError):
            for field, problem in cause.problems.items():
                messages.setdefault(".".join([*loc, field]), problem)
            continue
        if item["type"] == "missing":
            message = _MISSING.get(loc[-1], "This cannot be blank")
        elif item["type"] == "value_error":
            message = str(cause) if cause else item["msg"].removeprefix("Value error, ")
        else:
            # Only our own templates are formatted: pydantic's messages may hold braces, such as
            # a pattern's "{1,64}", which are not placeholders.
            template = _TYPE_MESSAGES.get(item["type"])
            message = template.format(message=item["msg"], **context) if template else item["msg"]
        if item["type"] in {"string_too_short", "too_short"} and loc and loc[-1] in _MISSING:
            message = _MISSING[loc[-1]]
        messages.setdefault(".".join(loc), message)
    return messages


class Received(Shape):
    """How and when a staff-recorded report arrived (R2); EDT records may be hours old."""

    channel: Channel
    received_at: dt.datetime
