"""Hand-off tests start from a recorded contact, as screening's tests do."""

import base64

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token, user_for_token
from frontdoor.handoffs.receiver import serving
from tests.screening.conftest import (  # noqa: F401
    contact,
    make_contact,
    officer,
    person_for,
    worker,
)


def receiving(user, record_system: str = "lcs"):
    """`user` acting through a token that receives `record_system`'s hand-offs, as the API
    serves it."""
    _, token = issue_token(
        user=user, name=record_system.upper(), by=None, record_system=record_system
    )
    return user_for_token(token)


@pytest.fixture
def record_system(make_user):
    """The case record's own account (LCS), as its API token acts."""
    return receiving(make_user(Role.ADMINISTRATOR, username="lcs"))


SECRET = "whsec_" + base64.b64encode(b"a secret the council keeps, 32 bytes").decode()


@pytest.fixture
def receiver():
    server = serving(0, SECRET, refuse=1)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def lcs_webhook(settings, receiver):
    settings.HANDOFF_WEBHOOKS = {"lcs": {"url": receiver.url, "secret": SECRET}}
    settings.HANDOFF_MOST_ATTEMPTS = 3
    settings.HANDOFF_FIRST_RETRY_SECONDS = 30
    return receiver
