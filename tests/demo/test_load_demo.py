"""`python -m frontdoor load-demo`: the demo council's staff, loaded once however often it runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.demo.loader import DEMO_PASSWORD
from frontdoor.policy.models import PolicyVersion

pytestmark = pytest.mark.django_db


def test_load_demo_creates_a_user_for_every_role_and_prints_the_sign_ins():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert {user.role for user in User.objects.all()} == set(Role)
    assert DEMO_PASSWORD in out.getvalue()
    manager = User.objects.get(role=Role.MASH_MANAGER)
    assert manager.check_password(DEMO_PASSWORD)
    assert PolicyVersion.objects.filter(policy_id="sefton").count() == 1
    # A partner's sign-in names the agency, not the policy's key for it.
    for partner in User.objects.filter(role=Role.PARTNER_AGENCY):
        line = f"{partner.username:<15} Partner agency user, {partner.agency_name}"
        assert line in out.getvalue()
        assert partner.agency_name != partner.agency_key
        assert f", {partner.agency_key}\n" not in out.getvalue()


def test_load_demo_twice_duplicates_nothing():
    call_command("load_demo", stdout=StringIO())
    users = User.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert User.objects.count() == users
    assert "0 accounts created" in out.getvalue()
    assert PolicyVersion.objects.count() == 1


def test_load_demo_refuses_a_production_system(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded into a production system"):
        call_command("load_demo", stdout=StringIO())
    assert User.objects.count() == 0
