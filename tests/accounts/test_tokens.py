"""API tokens: issued once, stored only as a hash, and refused once revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from frontdoor.__main__ import main
from frontdoor.accounts.models import ApiToken
from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token, revoke_token, user_for_token
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from tests.intake.factories import submission_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"fdt_[A-Za-z0-9_-]{43}")


def test_issue_token_prints_a_token_that_authenticates_and_stores_only_its_hash(make_user, client):
    user = make_user(Role.PARTNER_AGENCY, username="police")
    out = StringIO()
    call_command("issue_token", "police", name="Merseyside Police system", stdout=out)
    [token] = TOKEN.findall(out.getvalue())
    stored = ApiToken.objects.get()
    assert stored.user == user
    assert stored.name == "Merseyside Police system"
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {getattr(stored, field.attname) for field in ApiToken._meta.fields}
    assert AuditEvent.objects.filter(action="api_token.issued").exists()
    response = client.post(
        "/api/v1/contacts",
        submission_data(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201


def test_the_command_is_spelled_with_a_hyphen(make_user, capsys):
    make_user(Role.CONTACT_OFFICER, username="officer")
    main(["frontdoor", "issue-token", "officer", "--name", "Telephony"])
    assert TOKEN.search(capsys.readouterr().out)


def test_issue_token_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="no account with the username nobody"):
        call_command("issue_token", "nobody", name="x", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name_and_an_active_user(make_user):
    with pytest.raises(DomainError, match="Name the system"):
        issue_token(user=make_user(), name="  ", by=None)
    with pytest.raises(DomainError, match="not an active account"):
        issue_token(user=make_user(is_active=False), name="Old system", by=None)


def test_each_token_is_different(make_user):
    user = make_user()
    tokens = {issue_token(user=user, name=f"system {n}", by=None)[1] for n in range(5)}
    assert len(tokens) == 5


def test_a_revoked_token_or_a_deactivated_user_no_longer_authenticates(make_user):
    user = make_user()
    api_token, token = issue_token(user=user, name="System", by=None)
    assert user_for_token(token) == user
    user.is_active = False
    user.save()
    assert user_for_token(token) is None
    user.is_active = True
    user.save()
    revoke_token(api_token=api_token, by=None)
    assert user_for_token(token) is None
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_last_used_is_written_at_most_once_a_minute(make_user, django_assert_num_queries):
    api_token, token = issue_token(user=make_user(), name="System", by=None)
    now = timezone.now()
    user_for_token(token, now=now)
    api_token.refresh_from_db()
    assert api_token.last_used_at == now
    with django_assert_num_queries(1):  # the lookup alone: no write within the minute
        user_for_token(token, now=now + dt.timedelta(seconds=59))
    user_for_token(token, now=now + dt.timedelta(seconds=61))
    api_token.refresh_from_db()
    assert api_token.last_used_at == now + dt.timedelta(seconds=61)
