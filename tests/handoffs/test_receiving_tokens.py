"""R44, R45: a case record's token is issued naming the one record whose hand-offs it receives."""

from __future__ import annotations

import re
from html import unescape
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from frontdoor.accounts.models import ApiToken
from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token, user_for_token
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"fdt_[A-Za-z0-9_-]{43}")


def test_the_command_issues_a_token_for_one_record_system(make_user):
    make_user(Role.ADMINISTRATOR, username="lcs-system")
    out = StringIO()
    call_command(
        "issue_token",
        "lcs-system",
        name="LCS",
        scope=["handoffs:receive"],
        record_system="lcs",
        stdout=out,
    )
    assert "receives the hand-offs of lcs only" in out.getvalue()
    [token] = TOKEN.findall(out.getvalue())
    assert user_for_token(token).token_use.record_system == "lcs"
    assert ApiToken.objects.get().record_system == "lcs"
    issued = AuditEvent.objects.get(action="api_token.issued")
    assert issued.changes["record_system"] == "lcs"
    listing = StringIO()
    call_command("tokens", "list", stdout=listing)
    assert "receives for" in listing.getvalue() and " lcs " in listing.getvalue()


def test_the_command_says_which_record_systems_there_are(make_user):
    make_user(Role.ADMINISTRATOR, username="lcs-system")
    with pytest.raises(CommandError, match=r"Name the record system .*: lcs, ehm"):
        call_command("issue_token", "lcs-system", name="LCS", scope=["handoffs:receive"])
    with pytest.raises(CommandError, match="No record system is called 'lsc'"):
        call_command(
            "issue_token",
            "lcs-system",
            name="LCS",
            scope=["handoffs:receive"],
            record_system="lsc",
        )
    assert not ApiToken.objects.exists()


def test_only_an_account_that_receives_hand_offs_gets_a_record_system(make_user):
    with pytest.raises(DomainError, match="cannot receive hand-offs"):
        issue_token(user=make_user(Role.PARTNER_AGENCY), name="x", by=None, record_system="lcs")
    with pytest.raises(DomainError, match="cannot read hand-offs"):
        issue_token(
            user=make_user(Role.ADMINISTRATOR),
            name="x",
            by=None,
            scopes=["involvements:write"],
            record_system="lcs",
        )
    api_token, _ = issue_token(
        user=make_user(Role.ADMINISTRATOR), name="x", by=None, scopes=["read"], record_system="ehm"
    )
    assert api_token.record_system == "ehm"


def test_the_tokens_page_issues_one_naming_its_record_system(client, admin):
    client.force_login(admin)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert 'name="record_system"' in page and "No record system" in page
    response = client.post(
        reverse("accounts:tokens"),
        {"user": admin.pk, "name": "EHM", "days": "30", "scopes": ["handoffs:receive"]},
    )
    assert "Name the record system the token receives hand-offs for" in response.content.decode()
    response = client.post(
        reverse("accounts:tokens"),
        {
            "user": admin.pk,
            "name": "EHM",
            "days": "30",
            "scopes": ["handoffs:receive"],
            "record_system": "ehm",
        },
    )
    page = unescape(response.content.decode())
    assert "receiving the hand-offs of the EHM (Early Help Module) only" in page
    assert '<td class="govuk-table__cell">EHM (Early Help Module)</td>' in page
    assert ApiToken.objects.get().record_system == "ehm"
