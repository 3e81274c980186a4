"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from frontdoor.accounts.roles import PARTNER_ROLES, Role
from tests.accounts.factories import UserFactory


@pytest.fixture
def make_user(db):
    """A signed-in-able user with a role (and an agency, for partner agency users and managers)."""

    def make(role: Role = Role.MASH_MANAGER, **kwargs):
        if role in PARTNER_ROLES:
            kwargs.setdefault("agency_key", "police")
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def manager(make_user):
    return make_user(Role.MASH_MANAGER)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


@pytest.fixture
def two_councils(db):
    """The service holds Lewisham beside the default Sefton, so each council's records are kept
    apart (`policy.councils`); the process's list of councils is put back afterwards, since the
    rows are rolled back."""
    from frontdoor.policy import councils
    from frontdoor.policy.models import Council

    before = councils._read
    Council.objects.get_or_create(key="sefton", defaults={"name": "Sefton Council"})
    Council.objects.create(key="lewisham", name="Lewisham Council")
    councils.forget_councils()
    yield
    councils._read = before


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL the suite runs as the app does in production: as the role that owns the
    tables, neither superuser nor BYPASSRLS, behind row-level security (the test database is
    made from the models, so its policies are raised here, as the migration raises them)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        from tests.row_security import run_as_table_owner

        with django_db_blocker.unblock():
            run_as_table_owner(connection)
    yield
