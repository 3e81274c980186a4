"""Hand-off tests start from a recorded contact, as screening's tests do."""

import pytest

from frontdoor.accounts.roles import Role
from tests.screening.conftest import (  # noqa: F401
    contact,
    make_contact,
    officer,
    person_for,
    worker,
)


@pytest.fixture
def record_system(make_user):
    """The case record's own account, as its API token acts."""
    return make_user(Role.ADMINISTRATOR, username="lcs")
