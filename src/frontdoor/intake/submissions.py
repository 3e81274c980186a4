"""The shape of a report as it arrives, checked the same way for the online form, staff and the API.

One set of field rules (R4, R5, R6, R11, R12-R16): the online form's pages, the staff pages and the
API all validate through these models, so a submission refused by one is refused by all, with the
same GOV.UK-style message. Rules that need the database or the policy (deadlines, permissions,
states) are checked by `intake.services`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args

from django.utils import timezone
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from frontdoor.intake.models import (
    Channel,
    Consent,
    FeedbackBy,
    Gender,
    ReferrerType,
    YesNoUnknown,
)
from frontdoor.people.models import (
    NHS_NUMBER_MESSAGE,
    OLDEST_BIRTH_DATE,
    UNBORN_EXPECTED_WITHIN,
    UNBORN_OVERDUE_BY,
    Disability,
    Sex,
    birth_date_problem,
    checked_nhs_number,
    disabilities_problem,
    expected_date_problem,
)
from frontdoor.people.postcodes import POSTCODE, POSTCODE_MESSAGE, normalise_postcode
from frontdoor.schema_rules import NO_NUL, Matches

# What pydantic strips from both ends of every answer (Unicode White_Space), spelled out as a
# character class: the OpenAPI document's readers (JavaScript, Rust, Python) each read `\s`
# differently, so a pattern saying `\s` would not mean what the server does.
SPACE = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Patterns on text read the text as sent, whitespace around it and all; the server reads it
# stripped, and each pattern gives the same answer for both.
BLANK = f"^[{SPACE}]*$"
NOT_BLANK = f"[^{SPACE}]"


def _stripped(max_length: int) -> StringConstraints:
    """Free text, stripped, at most `max_length` characters: with a rule, the type of an answer
    (written out as `Annotated[str, _stripped(n), RULE]`, so that a type checker can read it)."""
    return StringConstraints(strip_whitespace=True, max_length=max_length)


# Free text is stored exactly as typed (markup included) and always shown as text.
ShortText = Annotated[str, _stripped(200), NO_NUL]
LongText = Annotated[str, _stripped(20_000), NO_NUL]
Name = Annotated[str, _stripped(100), NO_NUL]

# A telephone number: 3 to 25 digits, spaces and + ( ) -, or nothing. Its first and last
# characters are not spaces, so the pattern reads the same with whitespace around it or without.
PHONE = Matches(
    f"^[{SPACE}]*(?:[0-9+()-][0-9+() -]{{1,23}}[0-9+()-])?[{SPACE}]*$",
    "Enter a telephone number, like 0151 934 4013",
)
# An NHS number: ten digits, often written in groups with spaces or hyphens, or nothing. Its
# modulus 11 check digit is checked by `checked_nhs_number`: no pattern can say it.
NHS_NUMBER_SEPARATORS = f"[{SPACE}-]"
NHS_NUMBER = Matches(
    f"^{NHS_NUMBER_SEPARATORS}*(?:(?:[0-9]{NHS_NUMBER_SEPARATORS}*){{10}})?$",
    NHS_NUMBER_MESSAGE,
)
POSTCODE_AS_TYPED = Matches(f"^[{SPACE}]*(?:{POSTCODE})?[{SPACE}]*$", POSTCODE_MESSAGE)
Phone = Annotated[str, _stripped(200), PHONE]
NhsNumber = Annotated[str, _stripped(200), NHS_NUMBER]
PostcodeAsTyped = Annotated[str, _stripped(200), POSTCODE_AS_TYPED]


class EmailAddress:
    """An email address as `email_validator` accepts it, or nothing; stated in the OpenAPI
    document as the format `email` at a domain that is not for special use (`test`, `local`...),
    from the same list `email_validator` refuses."""

    MESSAGE = "Enter an email address in the correct format, like name@example.com"

    @classmethod
    def check(cls, value: str) -> str:
        if not value:
            return value
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise ValueError(cls.MESSAGE) from None
        return value

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(cls.check, handler(source))

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        special_use = "|".join(
            "".join(f"[{letter.upper()}{letter}]" for letter in name)
            for name in SPECIAL_USE_DOMAIN_NAMES
        )
        address = {"format": "email", "not": {"pattern": f"[@.](?:{special_use})$"}}
        return {**handler(schema), "anyOf": [{"pattern": BLANK}, address]}


def today() -> dt.date:
    return timezone.localdate()


def _given(field: str) -> dict:
    """JSON Schema: `field` is sent and not blank."""
    return {"required": [field], "properties": {field: {"pattern": NOT_BLANK}}}


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# R11: what each kind of referrer must give so the front door can call them back, with the
# message when it is missing; a professional also gives a telephone number or an email address.
# An anonymous referrer gives none of their own details. The OpenAPI document states the same.
REFERRER_MUST_GIVE = {
    ReferrerType.PROFESSIONAL: {
        "name": "Enter your full name",
        "agency": "Enter the organisation you work for",
        "role": "Enter your job title",
    },
    ReferrerType.PUBLIC: {"name": "Enter your full name"},
    ReferrerType.FAMILY: {"name": "Enter your full name"},
}
PROFESSIONAL_CALL_BACK = ("phone", "email")
ANONYMOUS_WITHHOLDS = ("name", "phone", "email", "address")


def _referrer_schema(schema: dict) -> None:
    # One branch per kind of referrer, each with what it must give, or withhold.
    blank = {"pattern": BLANK}
    anonymous = dict.fromkeys(ANONYMOUS_WITHHOLDS, blank) | {"feedback_by": {"const": ""}}
    branches: list[dict[str, Any]] = [
        {"properties": {"type": {"const": ReferrerType.ANONYMOUS.value}, **anonymous}}
    ]
    for kind, fields in REFERRER_MUST_GIVE.items():
        given = [_given(field) for field in fields]
        if kind == ReferrerType.PROFESSIONAL:
            given.append({"anyOf": [_given(field) for field in PROFESSIONAL_CALL_BACK]})
        branches.append({"properties": {"type": {"const": kind.value}}, "allOf": given})
    schema["anyOf"] = branches
    # R30: told by e-mail needs the address; by text, a UK mobile number and the agreement.
    unasked = {"not": {"required": ["feedback_by"]}}
    schema["allOf"] = [
        {
            "anyOf": [
                unasked,
                {"properties": {"feedback_by": {"enum": ["", "text"]}}},
                _given("email"),
            ]
        },
        {
            "anyOf": [
                unasked,
                {"properties": {"feedback_by": {"enum": ["", "email"]}}},
                {
                    "required": ["phone", "agrees_to_contact"],
                    "properties": {
                        "phone": {"pattern": UK_MOBILE},
                        "agrees_to_contact": {"const": True},
                    },
                },
            ]
        },
    ]


# The OpenAPI document's form of a UK mobile number: without spaces (the server also takes them).
UK_MOBILE = r"^(?:\+44|0044|0)7\d{9}$"


def is_uk_mobile(number: str) -> bool:
    """A UK mobile number (07..., +44 7...), the only kind GOV.UK Notify texts by default."""
    digits = re.sub(r"[\s()-]", "", number)
    return re.fullmatch(r"(?:\+44|0044|0)7\d{9}", digits) is not None


class Referrer(Shape):
    """Who is telling us; a non-professional's identity is protected."""  # R11

    model_config = ConfigDict(json_schema_extra=_referrer_schema)

    type: ReferrerType
    name: ShortText = ""
    agency: ShortText = ""
    role: ShortText = ""
    phone: Phone = ""
    email: Annotated[ShortText, EmailAddress] = ""
    address: LongText = ""
    relationship_to_child: ShortText = ""
    # R30: how the referrer would like to be told the outcome, and their agreement to be
    # contacted about this referral at the address or number given (a text needs it).
    feedback_by: FeedbackBy | Literal[""] = ""
    agrees_to_contact: bool = False

    @model_validator(mode="after")
    def _enough_to_call_back(self) -> Referrer:
        if self.type == ReferrerType.ANONYMOUS:
            if any(getattr(self, field) for field in ANONYMOUS_WITHHOLDS) or self.feedback_by:
                raise ValueError("An anonymous referral gives no name or contact details")
            return self
        problems = {
            field: message
            for field, message in REFERRER_MUST_GIVE[self.type].items()
            if not getattr(self, field)
        }
        if self.type == ReferrerType.PROFESSIONAL and not any(
            getattr(self, field) for field in PROFESSIONAL_CALL_BACK
        ):
            problems["phone"] = "Enter a work telephone number or email address"
        problems = self._enough_to_tell_the_outcome() | problems
        if problems:
            raise FieldError(problems)
        return self

    def _enough_to_tell_the_outcome(self) -> dict[str, str]:
        problems = {}
        if self.feedback_by == FeedbackBy.TEXT:
            if not is_uk_mobile(self.phone):
                problems["phone"] = "Enter a UK mobile number to be told by text, like 07700 900123"
            if not self.agrees_to_contact:
                problems["agrees_to_contact"] = (
                    "Confirm that the front door may send you a text message"
                )
        if self.feedback_by == FeedbackBy.EMAIL and not self.email:
            problems["email"] = "Enter an email address to be told by email"
        return problems


def _dates_note(earliest: str, latest: str) -> dict:
    # The window depends on today, which JSON Schema cannot name: the document says it in words.
    return {"description": f"A date from {earliest} to {latest}."}


BORN_BETWEEN = _dates_note(OLDEST_BIRTH_DATE.isoformat(), "today")


class Person(Shape):
    """What R4 asks about every child and adult named in a referral."""

    first_name: Name = ""
    last_name: Name = ""
    other_names: ShortText = ""
    date_of_birth: Annotated[dt.date | None, Field(json_schema_extra=BORN_BETWEEN)] = None
    gender: Gender = Gender.NOT_KNOWN
    ethnicity: ShortText = ""
    first_language: ShortText = ""
    religion: ShortText = ""
    address: LongText = ""
    postcode: PostcodeAsTyped = ""

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        return normalise_postcode(value) if value else ""

    def _born_in_the_past(self, *, future_message: str) -> None:
        problem = birth_date_problem(
            self.date_of_birth, today=today(), future_message=future_message
        )
        if problem:
            raise FieldError("date_of_birth", problem)


# A child is named by a first or last name, unless unborn (R4, R5).
CHILD_NAMED_BY = ("first_name", "last_name")


def _child_schema(schema: dict) -> None:
    unborn = {
        "required": ["unborn", "expected_date_of_birth"],
        "properties": {
            "unborn": {"const": True},
            "date_of_birth": {"type": "null"},
            "expected_date_of_birth": {"type": "string"},
        },
    }
    born = {
        "properties": {"unborn": {"const": False}, "expected_date_of_birth": {"type": "null"}},
        "anyOf": [_given(field) for field in CHILD_NAMED_BY],
    }
    schema["anyOf"] = [unborn, born]


class Child(Person):
    """A child the referral is about, or an unborn child."""  # R4, R5

    model_config = ConfigDict(json_schema_extra=_child_schema)

    unborn: bool = False
    expected_date_of_birth: Annotated[
        dt.date | None,
        Field(
            json_schema_extra=_dates_note(
                f"{UNBORN_OVERDUE_BY.days} days before today",
                f"{UNBORN_EXPECTED_WITHIN.days} days after today",
            )
        ),
    ] = None
    nhs_number: NhsNumber = ""
    # What the statutory returns ask (the DfE's sex and disability codes), when the referrer
    # says: optional, as on the person record.
    sex: Sex = Sex.NOT_KNOWN
    # The DfE's disability codes; "No disability" on its own or not at all, as the schema says.
    disabilities: Annotated[
        list[Disability],
        WithJsonSchema(
            {
                "anyOf": [
                    {
                        "type": "array",
                        "items": {"enum": [d.value for d in Disability if d != Disability.NONE]},
                    },
                    {
                        "type": "array",
                        "items": {"const": Disability.NONE.value},
                        "minItems": 1,
                        "maxItems": 1,
                    },
                ],
                "title": "Disabilities",
            }
        ),
    ] = []
    school_or_nursery: ShortText = ""
    special_needs: LongText = ""
    communication: LongText = ""

    @field_validator("disabilities")
    @classmethod
    def _disabilities(cls, value: list[Disability]) -> list[Disability]:
        if problem := disabilities_problem(value):
            raise ValueError(problem)
        return list(dict.fromkeys(value))  # each once, in the order given

    @field_validator("nhs_number")
    @classmethod
    def _nhs_number(cls, value: str) -> str:
        return checked_nhs_number(value)

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
            problem = expected_date_problem(self.expected_date_of_birth, today=today())
            if problem:
                raise FieldError("expected_date_of_birth", problem)
            return self
        if not any(getattr(self, field) for field in CHILD_NAMED_BY):
            raise FieldError("first_name", "Enter the child's first name or last name")
        if self.expected_date_of_birth is not None:
            raise FieldError(
                "expected_date_of_birth", "Only an unborn child has an expected date of birth"
            )
        self._born_in_the_past(future_message="The date of birth must be today or in the past")
        return self


# An adult is named by a name, or by how they know the child (R4).
ADULT_NAMED_BY = ("first_name", "last_name", "relationship_to_child")


class Adult(Person):
    """A household member or significant adult."""  # R4

    model_config = ConfigDict(
        json_schema_extra={"anyOf": [_given(field) for field in ADULT_NAMED_BY]}
    )

    # A telephone number, checked as the referrer's is: both forms ask it as one question.
    phone: Phone = ""
    relationship_to_child: ShortText = ""
    parental_responsibility: YesNoUnknown = YesNoUnknown.UNKNOWN
    lives_with_child: YesNoUnknown = YesNoUnknown.UNKNOWN
    alleged_perpetrator: bool = False
    # R5: the expectant parent of an unborn child; one under 18 is a child in their own right.
    expectant_parent: bool = False

    @model_validator(mode="after")
    def _named(self) -> Adult:
        if not any(getattr(self, field) for field in ADULT_NAMED_BY):
            raise FieldError("first_name", "Enter the adult's name, or how they know the child")
        self._born_in_the_past(future_message="The date of birth must be in the past")
        return self


class Concern(Shape):
    """What a referral should capture."""  # R6

    worry: Annotated[LongText, Matches(NOT_BLANK, "Enter what you are worried about")]
    working_well: LongText = ""
    child_voice: LongText = ""
    child_location: LongText = ""
    immediate_protection_needed: YesNoUnknown = YesNoUnknown.UNKNOWN
    alleged_perpetrator: LongText = ""
    other_agencies: LongText = ""
    parents_aware: YesNoUnknown = YesNoUnknown.UNKNOWN
    # Whether the parents agree is asked once, as consent (R12): the forms do not ask it here.
    # A partner system that still sends it is heard only when it says what consent says.
    parents_agree: Annotated[
        YesNoUnknown | None,
        Field(
            description="Give `consent.consent` instead; if sent, it must say the same.",
            json_schema_extra={"deprecated": True},
        ),
    ] = None
    domestic_abuse: YesNoUnknown = YesNoUnknown.UNKNOWN
    mental_illness: YesNoUnknown = YesNoUnknown.UNKNOWN
    substance_misuse: YesNoUnknown = YesNoUnknown.UNKNOWN
    learning_difficulties: YesNoUnknown = YesNoUnknown.UNKNOWN


# R14: why consent was not sought; the reasons are the policy's (checked by the service).
NotSoughtReason = Literal["", "increased_risk", "prejudice_crime", "unjustified_delay"]


def _consent_schema(schema: dict) -> None:
    # A reason exactly when consent was not sought.
    reasons = [reason for reason in get_args(NotSoughtReason) if reason]
    schema["anyOf"] = [
        {
            "required": ["not_sought_reason"],
            "properties": {
                "consent": {"const": Consent.NOT_SOUGHT.value},
                "not_sought_reason": {"enum": reasons},
            },
        },
        {
            "properties": {
                "consent": {"not": {"const": Consent.NOT_SOUGHT.value}},
                "not_sought_reason": {"const": ""},
            }
        },
    ]


class ConsentGiven(Shape):
    """Consent of those with parental responsibility."""  # R12-R16

    model_config = ConfigDict(json_schema_extra=_consent_schema)

    consent: Consent
    not_sought_reason: NotSoughtReason = ""
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

    @model_validator(mode="after")
    def _parents_agree_as_consent_says(self) -> Submission:
        said = self.concern.parents_agree
        if said is not None and said != self.consent.consent.parents_agree:
            raise FieldError(
                "concern.parents_agree",
                "Whether the parents agree must say what consent says: give it as consent",
            )
        return self


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
    "less_than_equal": "Enter a number no higher than {le}",
    "greater_than_equal": "Enter a number no lower than {ge}",
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
