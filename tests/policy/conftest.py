"""Council policies and their calendars, loaded once from policies/ (no database, no settings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdoor.policy.clocks import WorkingCalendar
from frontdoor.policy.loader import load_policy_file
from frontdoor.policy.schema import Policy

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def _policy(policy_id: str) -> Policy:
    return load_policy_file(POLICIES / f"{policy_id}.yaml").policy


@pytest.fixture(scope="session")
def sefton() -> Policy:
    return _policy("sefton")


@pytest.fixture(scope="session")
def sefton_2022() -> Policy:
    return _policy("sefton-2022")


@pytest.fixture(scope="session")
def lewisham() -> Policy:
    return _policy("lewisham")


@pytest.fixture(scope="session")
def sefton_calendar(sefton: Policy) -> WorkingCalendar:
    return WorkingCalendar(sefton.calendar)


@pytest.fixture(scope="session")
def lewisham_calendar(lewisham: Policy) -> WorkingCalendar:
    return WorkingCalendar(lewisham.calendar)


@pytest.fixture(scope="session", params=["sefton", "lewisham"])
def calendar(request: pytest.FixtureRequest) -> WorkingCalendar:
    """Each council's calendar in turn: Sefton closes early on Fridays, Lewisham does not."""
    return request.getfixturevalue(f"{request.param}_calendar")
