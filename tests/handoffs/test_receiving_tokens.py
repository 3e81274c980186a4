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
    assert "receives only the hand-offs to lcs" in out.getvalue()
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
    with pytest.raises(
        CommandError,
        match=r"Choose the record system .*: LCS \(Liquidlogic .*\), key lcs; EHM .*, key ehm",
    ):
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


def test_a_record_system_typed_in_capitals_names_the_same_record(make_user):
    """The policy's keys are lower case, so LCS can mean only lcs: taken as it, not refused."""
    make_user(Role.ADMINISTRATOR, username="lcs-system")
    out = StringIO()
    call_command(
        "issue_token",
        "lcs-system",
        name="LCS",
        scope=["handoffs:receive"],
        record_system=" LCS ",
        stdout=out,
    )
    assert "receives only the hand-offs to lcs" in out.getvalue()
    assert ApiToken.objects.get().record_system == "lcs"


def test_a_token_issued_to_receive_before_record_systems_were_named_is_flagged(
    client, admin, make_user
):
    legacy, _ = issue_token(user=make_user(Role.ADMINISTRATOR), name="Old LCS", by=None)
    ApiToken.objects.filter(pk=legacy.pk).update(scopes="handoffs:receive")
    issue_token(
        user=make_user(Role.ADMINISTRATOR),
        name="New LCS",
        by=None,
        scopes=["handoffs:receive"],
        record_system="lcs",
    )
    listing = StringIO()
    call_command("tokens", "list", stdout=listing)
    (old_line,) = [line for line in listing.getvalue().splitlines() if "Old LCS" in line]
    assert "nothing: issue again with a record system" in old_line
    (new_line,) = [line for line in listing.getvalue().splitlines() if "New LCS" in line]
    assert "nothing" not in new_line and " lcs " in new_line
    client.force_login(admin)
    page = unescape(client.get(reverse("accounts:tokens")).content.decode())
    assert page.count("Receives nothing") == 1
    assert "issue it again with a record system" in page


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
    page = unescape(response.content.decode())
    assert "Choose the record system whose hand-offs the token receives" in page
    # The summary links to the record system's field (its first radio), named as the policy
    # names the systems, and the message stands by that field.
    assert 'href="#id_record_system"' in page and 'id="id_record_system"' in page
    assert "LCS (Liquidlogic Children's Social Care), key lcs" in page
    assert 'id="id_record_system-error"' in page
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
    assert "receiving only the hand-offs to EHM (Early Help Module)" in page
    assert '<td class="govuk-table__cell">EHM (Early Help Module)</td>' in page
    assert ApiToken.objects.get().record_system == "ehm"
