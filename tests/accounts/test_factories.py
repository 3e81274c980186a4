"""The made-up staff of the tests never share a name with the people the tests report."""

from __future__ import annotations

import re
from pathlib import Path

from faker.providers.person.en_GB import Provider as Names

from tests.accounts.factories import REPORTED_NAMES, STAFF_FIRST_NAMES, STAFF_LAST_NAMES

TESTS = Path(__file__).resolve().parents[1]
# `first_name="Ellis"`, `"last_name": "Smith"`: a name a test gives someone it reports.
GIVEN_NAME = re.compile(r"""(?:first|last)_name["']?\s*[:=]\s*["']([A-Z][a-z]+)""")


def test_every_reported_name_that_staff_could_be_given_is_kept_from_them():
    given = {name for path in TESTS.rglob("*.py") for name in GIVEN_NAME.findall(path.read_text())}
    fakes = [*Names.first_names_male, *Names.first_names_female, *Names.last_names]
    could_clash = {name for name in given if any(name.lower() in fake.lower() for fake in fakes)}
    assert could_clash <= set(REPORTED_NAMES), "add to REPORTED_NAMES: " + ", ".join(
        sorted(could_clash - set(REPORTED_NAMES))
    )


def test_no_staff_name_holds_a_reported_name():
    for name in STAFF_FIRST_NAMES + STAFF_LAST_NAMES:
        assert not any(taken.lower() in name.lower() for taken in REPORTED_NAMES), name
    assert len(STAFF_FIRST_NAMES) > 100 and len(STAFF_LAST_NAMES) > 300
