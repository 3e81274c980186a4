"""The administrator's API tokens page: list, issue (the token shown once) and revoke with a
confirm step, as GOV.UK pages that work without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from frontdoor.accounts.models import ApiToken
from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import hash_token, issue_token, user_for_token
from frontdoor.audit.models import AuditEvent
from tests.accounts.api_requests import bearer, post_contact

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"fdt_[A-Za-z0-9_-]{43}")


@pytest.fixture
def signed_in_admin(client, admin):
    client.force_login(admin)
    return admin


def test_the_account_picker_names_each_partners_agency(client, signed_in_admin, make_user):
    from html import unescape

    from frontdoor.policy.registry import current_policy

    police = make_user(Role.PARTNER_AGENCY, agency_key="police")
    officer = make_user(Role.CONTACT_OFFICER)
    page = unescape(client.get(reverse("accounts:tokens")).content.decode())
    agency = current_policy().agency_name("police")
    assert agency != "police"
    assert f"{police} ({police.username}): Partner agency user, {agency}</option>" in page
    assert f"{officer} ({officer.username}): {officer.role_label}</option>" in page


def test_an_administrator_issues_a_token_and_sees_it_once(client, signed_in_admin, make_user):
    police = make_user(Role.PARTNER_AGENCY)
    response = client.post(
        reverse("accounts:tokens"),
        {"user": police.pk, "name": "Police system", "days": "30", "scopes": ["mash:answer"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [token] = TOKEN.findall(response.content.decode())
    stored = ApiToken.objects.get()
    assert stored.token_hash == hash_token(token)
    assert (stored.user, stored.name, stored.scope_list) == (
        police,
        "Police system",
        ["mash:answer"],
    )
    issued = AuditEvent.objects.get(action="api_token.issued")
    assert issued.actor == signed_in_admin
    # Listed afterwards by its prefix, never again in full.
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert stored.prefix in listing
    assert token not in listing


def test_issuing_refuses_what_the_rules_refuse_with_the_forms_messages(
    client, signed_in_admin, make_user
):
    officer = make_user(Role.CONTACT_OFFICER)
    response = client.post(
        reverse("accounts:tokens"),
        {"user": officer.pk, "name": "", "days": "400", "scopes": ["mash:answer"]},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter the name of the system the token is for" in text
    assert "Enter a number of days from 1 to 365" in text
    response = client.post(
        reverse("accounts:tokens"),
        {"user": officer.pk, "name": "Telephony", "days": "90", "scopes": ["mash:answer"]},
    )
    assert response.status_code == 400
    assert "would allow" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_list_shows_working_tokens_and_ended_ones_when_asked(
    client, signed_in_admin, make_user
):
    user = make_user(Role.PARTNER_AGENCY)
    issue_token(user=user, name="Working system", by=None)
    ended, _ = issue_token(user=user, name="Retired system", by=None)
    ended.revoked_at = ended.created_at
    ended.save()
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "Working system" in page and "Retired system" not in page
    page = client.get(reverse("accounts:tokens") + "?all=1").content.decode()
    assert "Working system" in page and "Retired system" in page and "Revoked" in page


def test_revoking_asks_to_confirm_then_the_next_api_request_is_refused(
    client, signed_in_admin, make_user
):
    api_token, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="System", by=None)
    url = reverse("accounts:token_revoke", args=[api_token.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Revoke the token for System?" in confirm.content.decode()
    assert user_for_token(token) is not None  # asking changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:tokens")
    assert post_contact(client, bearer(token)).status_code == 401
    assert AuditEvent.objects.get(action="api_token.revoked").actor == signed_in_admin


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_only_administrators_reach_the_tokens_pages(client, make_user, role):
    api_token, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="System", by=None)
    client.force_login(make_user(role))
    assert client.get(reverse("accounts:tokens")).status_code == 403
    response = client.post(
        reverse("accounts:tokens"), {"user": api_token.user_id, "name": "Mine", "days": "90"}
    )
    assert response.status_code == 403
    assert client.post(reverse("accounts:token_revoke", args=[api_token.pk])).status_code == 403
    assert ApiToken.objects.count() == 1
    assert user_for_token(token) is not None


def test_the_home_page_links_administrators_to_the_tokens_page(client, signed_in_admin):
    assert reverse("accounts:tokens") in client.get(reverse("home")).content.decode()
