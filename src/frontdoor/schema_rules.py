"""Rules on text that every schema states the same way, and the API's plain answer.

The online form's submissions (`intake.submissions`) and every app's API schemas use these, so
they sit with the foundations, below the apps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ninja import Schema
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema


class Message(Schema):
    """An API answer that is only a sentence: a refusal, or what was done."""

    message: str


@dataclass(frozen=True)
class Matches:
    r"""A rule on text stated once, as a regular expression: the server refuses text that does not
    match it with `message`, and the OpenAPI document states it as the field's `pattern`.

    Written for both readers: character classes rather than `\d` or `\s`, and no look-arounds.
    """

    pattern: str
    message: str

    def check(self, value: str) -> str:
        if not re.search(self.pattern, value):
            raise ValueError(self.message)
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        if "pattern" in json_schema:  # a second rule on the same text: both must hold
            json_schema.setdefault("allOf", []).append({"pattern": self.pattern})
        else:
            json_schema["pattern"] = self.pattern
        return json_schema


# A NUL character is never typed by a person; PostgreSQL cannot store one in text, and it would
# otherwise surface as a server error after the referrer pressed send.
NO_NUL = Matches(r"^[^\x00]*$", "Remove the invisible control character (NUL) from this answer")
