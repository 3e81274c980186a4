"""The case record keeps the front door's involvements current through the API (R18-R21, R46).

The same rows as `import-involvements` takes from a CSV file (docs/importing-involvements.md),
sent as JSON by the council's case system, for example every night: each row names a person and
one involvement (an episode, a plan, a closure with its reason). Rows are checked one by one
with the file import's own rules; a row refused is answered with its number and the reason,
and the others still go in. Safe to send again: an involvement is updated by its id there.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Router, Schema
from pydantic import Field

from frontdoor.accounts.permissions import require
from frontdoor.accounts.tokens import ApiTokenAuth, TokenRequest
from frontdoor.people.involvement_import import (
    INVOLVEMENT_COLUMNS,
    PERSON_COLUMNS,
    import_involvements,
)
from frontdoor.schema_rules import NO_NUL, Message

router = Router(tags=["involvements"], auth=ApiTokenAuth(scope="involvements:write"))
# A night's changes from a large council's case record, in a few requests.
MOST_ROWS = 1_000
Text = Annotated[str, NO_NUL, Field(max_length=500)]


class InvolvementRow(Schema):
    """One row, with the columns of the CSV import (all text, as in the file)."""

    person_id: Text = ""
    nhs_number: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    date_of_birth: Text = ""
    postcode: Text = ""
    kind: Text
    started_on: Text
    ended_on: Text = ""
    allocated_worker: Text = ""
    allocated_worker_email: Text = ""
    line_manager: Text = ""
    line_manager_email: Text = ""
    team: Text = ""
    external_id: Text
    notes: Annotated[str, NO_NUL, Field(max_length=5_000)] = ""
    closure_reason: Text = ""
    assessment_authorised_on: Text = ""
    initial_conference: Text = ""


assert set(InvolvementRow.model_fields) == set(PERSON_COLUMNS) | set(INVOLVEMENT_COLUMNS)


class InvolvementsIn(Schema):
    source_system: Annotated[
        str,
        Field(
            pattern="^[a-z0-9][a-z0-9._-]{0,49}$",
            description="The system the rows come from, e.g. mosaic, liquidlogic",
        ),
    ]
    rows: Annotated[list[InvolvementRow], Field(min_length=1, max_length=MOST_ROWS)]


class RowRefused(Schema):
    row: int = Field(description="The row's number in `rows`, 1 for the first")
    field: str = Field(
        description="The row as the API's errors name a field: its path in the body, `rows.0` "
        "for the first"
    )
    message: str


class InvolvementsOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    people_created: int
    refused: list[RowRefused]


@router.post(
    "involvements",
    response={200: InvolvementsOut, 403: Message},
    summary="Send the case record's involvements",
)
def send_involvements(request: TokenRequest, body: InvolvementsIn):
    """Create or update involvements (and the people they are about) from the case record.
    Each row is checked as the CSV import checks it; `refused` lists those that were not taken,
    by their number in `rows` (from 1), with what to fix."""
    require(request.auth, "involvements.import")
    result = import_involvements(
        rows=[(number, row.model_dump()) for number, row in enumerate(body.rows, 1)],
        source_system=body.source_system,
        by=request.auth,
        through="api",
    )
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "people_created": result.people_created,
        "refused": [
            {"row": row, "field": f"rows.{row - 1}", "message": message}
            for row, message in result.rejected
        ],
    }
