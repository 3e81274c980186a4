"""Accounts: roles, the partner agency a partner belongs to, and the history of every change."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from frontdoor.accounts.models import User
from frontdoor.accounts.permissions import PermissionDeniedError, can, require
from frontdoor.accounts.roles import Role
from frontdoor.accounts.services import create_user
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError

pytestmark = pytest.mark.django_db


def test_create_user_records_who_created_it(manager):
    user = create_user(
        username="newstarter", password="a-long-password-1", role=Role.CONTACT_OFFICER, by=manager
    )
    event = AuditEvent.objects.get(action="account.created")
    assert event.actor == manager
    assert event.target_id == str(user.pk)
    assert event.changes["role"] == "contact_officer"


def test_a_partner_user_must_belong_to_a_known_agency():
    with pytest.raises(DomainError, match="Choose the partner agency"):
        create_user(username="p", password=None, role=Role.PARTNER_AGENCY, by=None)
    with pytest.raises(DomainError, match="Choose the partner agency"):
        create_user(
            username="p", password=None, role=Role.PARTNER_AGENCY, agency_key="coastguard", by=None
        )
    assert not User.objects.filter(username="p").exists()


def test_only_partner_users_belong_to_an_agency():
    with pytest.raises(DomainError, match="Only partner agency users"):
        create_user(
            username="w", password=None, role=Role.MASH_MANAGER, agency_key="police", by=None
        )


def test_the_database_refuses_a_partner_without_an_agency(make_user):
    user = make_user(Role.PARTNER_AGENCY)
    user.agency_key = ""
    with pytest.raises(IntegrityError):
        user.save()


def test_every_change_to_an_account_is_kept_with_who_and_when(make_user):
    user = make_user(Role.CONTACT_OFFICER, team="IFD")
    user.team = "MASH"
    user.save()
    history = list(user.history.order_by("history_date"))
    assert [entry.team for entry in history] == ["IFD", "MASH"]
    assert history[-1].history_type == "~"
    assert not hasattr(history[-1], "password")  # the hash is never copied into history


def test_permissions_refuse_with_a_message_naming_who_may(make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    assert can(officer, "contact.record")
    assert not can(officer, "contact.decide")
    with pytest.raises(PermissionDeniedError, match="this is for MASH manager"):
        require(officer, "contact.decide")


def test_an_inactive_user_can_do_nothing(make_user):
    user = make_user(Role.MASH_MANAGER, is_active=False)
    assert not can(user, "guidance.view")


def test_a_partner_agency_manager_belongs_to_a_known_agency():
    with pytest.raises(DomainError, match="Choose the partner agency"):
        create_user(username="m", password=None, role=Role.PARTNER_AGENCY_MANAGER, by=None)
    manager = create_user(
        username="m",
        password=None,
        role=Role.PARTNER_AGENCY_MANAGER,
        agency_key="police",
        by=None,
    )
    assert (manager.role_label, manager.agency_name) == (
        "Partner agency manager",
        "Merseyside Police",
    )
    manager.agency_key = ""
    with pytest.raises(IntegrityError):
        manager.save()


def test_an_administrator_creates_a_partner_agency_manager_in_the_admin(make_user, client):
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    form = {
        "username": "sergeant",
        "password1": "a-long-password-1",
        "password2": "a-long-password-1",
        "usable_password": "true",
        "role": Role.PARTNER_AGENCY_MANAGER,
        "agency_key": "",
        "team": "",
        "job_title": "MASH sergeant",
    }
    page = client.post("/admin/accounts/user/add/", form).content.decode()
    assert "belongs to one agency" in page
    assert not User.objects.filter(username="sergeant").exists()
    response = client.post("/admin/accounts/user/add/", {**form, "agency_key": "police"})
    assert response.status_code == 302
    created = User.objects.get(username="sergeant")
    assert (created.role, created.agency_key) == (Role.PARTNER_AGENCY_MANAGER, "police")
