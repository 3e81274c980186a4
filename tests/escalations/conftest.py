"""Escalation tests start from a recorded contact, as screening's and MASH's tests do."""

from __future__ import annotations

import pytest

from frontdoor.accounts.roles import Role

# A partner agency Sefton and Lewisham share, each council's enquiries sent to it
# (test_shared_agency.py); `police` below is the same Sefton-held user of it.
from tests.mash.test_partners import lewisham_contact, sent, shared_police  # noqa: F401
from tests.screening.conftest import (  # noqa: F401
    contact,
    make_contact,
    officer,
    person_for,
    worker,
)


@pytest.fixture
def service_manager(make_user):
    return make_user(Role.SERVICE_MANAGER, email="head.of.service@council.example")


@pytest.fixture
def police(make_user):
    return make_user(Role.PARTNER_AGENCY, agency_key="police", email="desk@police.example")


@pytest.fixture
def health(make_user):
    return make_user(Role.PARTNER_AGENCY, agency_key="health", email="safeguarding@nhs.example")
