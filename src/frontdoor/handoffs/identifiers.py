"""What a record's own identifier for a person may be (R44): one rule for the early help page, the
API's accept and the service under both.

An identifier is letters, digits and the marks records use to number their cases (- _ / .), at
most 100 characters: never a space, nor markup. The page trims the spaces around what was typed
(as every form field does); the API takes the identifier exactly as sent.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from frontdoor.errors import DomainError

LONGEST = 100
CHARACTERS = "A-Za-z0-9._/-"
PATTERN = f"^[{CHARACTERS}]+$"


def checked(value: str, *, what: str = "The identifier", field: str = "external_id") -> str:
    """`value` if it is an identifier, else DomainError naming `what` (the field, as the page
    or API names it)."""
    if not value:
        raise DomainError(f"Enter {what[0].lower()}{what[1:]}", field=field)
    if len(value) > LONGEST:
        raise DomainError(f"{what} must be {LONGEST} characters or fewer", field=field)
    if not re.fullmatch(f"[{CHARACTERS}]+", value):
        raise DomainError(
            f"{what} must only include letters, numbers, hyphens (-), underscores (_), "
            "slashes (/) and full stops (.)",
            field=field,
        )
    return value


def _for_api(value: str) -> str:
    try:
        return checked(value)
    except DomainError as error:
        raise ValueError(error.message) from None


# The API's field: the same rule, stated in the OpenAPI document.
ExternalId = Annotated[
    str,
    AfterValidator(_for_api),
    Field(json_schema_extra={"pattern": PATTERN, "maxLength": LONGEST}),
]
