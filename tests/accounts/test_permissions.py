"""The permission matrix, cell by cell, and the `permissions` command that prints it.

The expected matrix is written out here by hand, on purpose: a change to ACTIONS must be mirrored
in this table deliberately, so nobody widens who may do what by accident.
"""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command

from frontdoor.__main__ import main
from frontdoor.accounts.models import User
from frontdoor.accounts.permissions import ACTIONS, can
from frontdoor.accounts.roles import Role

# Columns, in order: contact officer, MASH social worker, MASH manager, service manager, partner
# agency user, partner agency manager, early help worker, exploitation coordinator, performance
# analyst, administrator.
COLUMNS = ("CO", "SW", "MM", "SM", "PA", "PM", "EH", "EC", "PF", "AD")
ROLE_OF_COLUMN = dict(
    zip(
        COLUMNS,
        (
            Role.CONTACT_OFFICER,
            Role.MASH_SOCIAL_WORKER,
            Role.MASH_MANAGER,
            Role.SERVICE_MANAGER,
            Role.PARTNER_AGENCY,
            Role.PARTNER_AGENCY_MANAGER,
            Role.EARLY_HELP_WORKER,
            Role.EXPLOITATION_COORDINATOR,
            Role.PERFORMANCE_ANALYST,
            Role.ADMINISTRATOR,
        ),
        strict=True,
    )
)
EXPECTED = """
                            CO SW MM SM PA PM EH EC PF AD
guidance.view                Y  Y  Y  Y  Y  Y  Y  Y  Y  Y
contact.record               Y  Y  Y  .  .  .  .  .  .  .
contact.report               Y  Y  Y  .  Y  Y  .  .  .  .
missing_episode.record       Y  Y  Y  .  .  .  .  .  .  .
inbox.view                   Y  Y  Y  Y  .  .  .  .  .  .
records.search               Y  Y  Y  Y  .  .  .  .  .  .
contact.screen               .  Y  Y  .  .  .  .  .  .  .
records.correct              Y  Y  Y  .  .  .  .  .  .  .
contact.decide               .  .  Y  .  .  .  .  .  .  .
consent.authorise_without    .  .  Y  .  .  .  .  .  .  .
referral.return              .  Y  Y  .  .  .  .  .  .  .
enquiry.send                 .  .  Y  .  .  .  .  .  .  .
enquiry.answer               .  .  .  .  Y  Y  .  .  .  .
enquiry.oversee              .  .  .  .  .  Y  .  .  .  .
rag.confirm                  .  .  Y  .  .  .  .  .  .  .
meeting.chair                .  .  Y  .  .  .  .  .  .  .
escalation.receive           .  .  .  Y  .  .  .  .  .  .
escalation.open              Y  Y  Y  Y  Y  Y  Y  Y  .  .
escalation.read_any          .  Y  Y  Y  .  .  .  .  .  .
escalation.oversee           .  .  Y  Y  .  .  .  .  .  .
early_help.receive           .  .  .  .  .  .  Y  .  .  .
exploitation.brief           .  .  Y  .  .  .  .  Y  .  .
returns.view                 .  .  Y  Y  .  .  .  .  Y  .
users.manage                 .  .  .  .  .  .  .  .  .  Y
tokens.manage                .  .  .  .  .  .  .  .  .  Y
outbox.manage                .  .  .  .  .  .  .  .  .  Y
two_factor.issue_link        .  .  .  .  .  .  .  .  .  Y
audit.view                   .  .  .  Y  .  .  .  .  .  Y
privacy.restrict             .  .  .  .  .  .  .  .  .  Y
privacy.subject_access       .  .  .  .  .  .  .  .  .  Y
involvements.import          .  .  .  .  .  .  .  .  .  Y
handoffs.receive             .  .  .  .  .  .  .  .  .  Y
handoffs.manage              .  .  .  .  .  .  .  .  .  Y
privacy.erase                .  .  .  .  .  .  .  .  .  Y
"""


def _expected() -> dict[tuple[Role, str], bool]:
    header, *lines = EXPECTED.strip().splitlines()
    assert tuple(header.split()) == COLUMNS
    cells = {}
    for line in lines:
        action, *marks = line.split()
        assert len(marks) == len(COLUMNS), line
        for column, mark in zip(COLUMNS, marks, strict=True):
            cells[(ROLE_OF_COLUMN[column], action)] = mark == "Y"
    return cells


EXPECTED_CELLS = _expected()


def test_the_expected_table_covers_every_role_and_action_exactly():
    actions = {action.key for action in ACTIONS}
    assert {key for _, key in EXPECTED_CELLS} == actions
    assert {role for role, _ in EXPECTED_CELLS} == set(Role)
    assert len(EXPECTED_CELLS) == len(Role) * len(ACTIONS) == 340


@pytest.mark.parametrize(
    ("role", "action"), sorted(EXPECTED_CELLS), ids=lambda v: getattr(v, "value", v)
)
def test_each_cell_of_the_matrix(role, action):
    # An unsaved, active account: `can` reads only the role, so no database (or password hash).
    user = User(username=f"a-{role.value}", role=role, is_active=True)
    assert can(user, action) is EXPECTED_CELLS[(role, action)]


def _csv_rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(out)))


def test_the_command_prints_every_cell_as_csv():
    out = StringIO()
    call_command("permissions", format="csv", stdout=out)
    rows = _csv_rows(out.getvalue())
    assert list(rows[0]) == ["role", "action", "description", "rule", "allowed"]
    assert len(rows) == len(EXPECTED_CELLS)
    for row in rows:
        expected = EXPECTED_CELLS[(Role(row["role"]), row["action"])]
        assert row["allowed"] == ("allowed" if expected else "refused")
    decide = next(
        r for r in rows if r["role"] == "mash_manager" and r["action"] == "contact.decide"
    )
    assert decide["description"] == "Record management oversight and decide each child's outcome"
    assert decide["rule"] == "R25"


def test_the_command_prints_an_aligned_table_by_default():
    out = StringIO()
    call_command("permissions", stdout=out)
    header, *lines = out.getvalue().splitlines()
    assert header.split()[:2] == ["role", "action"]
    assert header.rstrip().endswith("allowed")
    assert len(lines) == len(EXPECTED_CELLS)
    assert any(
        line.startswith("partner_agency") and "enquiry.answer" in line and line.endswith("allowed")
        for line in lines
    )
    assert any(
        line.startswith("partner_agency") and "contact.decide" in line and line.endswith("refused")
        for line in lines
    )


def test_the_command_is_spelled_as_frontdoor_permissions(capsys):
    main(["frontdoor", "permissions", "--format", "csv"])
    assert len(_csv_rows(capsys.readouterr().out)) == len(EXPECTED_CELLS)
