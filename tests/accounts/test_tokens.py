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
from tests.accounts.api_requests import bearer, post_contact
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


def test_a_revoked_token_or_a_deactivated_user_no_longer_authenticates(make_user, admin):
    user = make_user()
    api_token, token = issue_token(user=user, name="System", by=None)
    assert user_for_token(token) == user
    user.is_active = False
    user.save()
    assert user_for_token(token) is None
    user.is_active = True
    user.save()
    revoke_token(api_token=api_token, by=admin)
    assert user_for_token(token) is None
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_the_written_query_gives_the_user_the_orm_gives(make_user):
    # `user_for_token` finds the user with a query written by hand (`tokens._lookup`) where the
    # ORM's `select_related` would do: each field must come back as the ORM gives it.
    user = make_user(Role.PARTNER_AGENCY, agency_key="police")
    api_token, token = issue_token(user=user, name="System", by=None, scopes=["contacts:write"])
    found = user_for_token(token)
    by_orm = ApiToken.objects.select_related("user").get(pk=api_token.pk).user
    for field in type(user)._meta.concrete_fields:
        ours, theirs = getattr(found, field.attname), getattr(by_orm, field.attname)
        assert (type(ours), ours) == (type(theirs), theirs), field.name
    assert found._state.db == by_orm._state.db and not found._state.adding
    assert found.token_use.token_id == api_token.pk
    assert found.token_use.prefix == api_token.prefix
    assert found.token_use.scopes == {"contacts:write"}


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


# Expiry


def lifetime_in_days(api_token: ApiToken) -> float:
    return round((api_token.expires_at - api_token.created_at) / dt.timedelta(days=1), 3)


def test_a_token_works_for_90_days_unless_told_otherwise(make_user):
    user = make_user()
    api_token, token = issue_token(user=user, name="System", by=None)
    assert lifetime_in_days(api_token) == 90
    assert user_for_token(token, now=api_token.expires_at - dt.timedelta(seconds=1)) == user
    assert user_for_token(token, now=api_token.expires_at) is None
    short, _ = issue_token(user=user, name="Trial", by=None, days=7)
    assert lifetime_in_days(short) == 7


@pytest.mark.parametrize("days", [0, -1, 366])
def test_a_token_works_for_a_day_to_a_year(make_user, days):
    with pytest.raises(DomainError, match="1 to 365 days"):
        issue_token(user=make_user(), name="System", by=None, days=days)
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused_like_an_unknown_one(client, make_user):
    api_token, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="System", by=None)
    ApiToken.objects.filter(pk=api_token.pk).update(expires_at=timezone.now())
    response = post_contact(client, bearer(token))
    assert response.status_code == 401
    assert response.json() == {"message": "Give a valid API token: Authorization: Bearer <token>."}


def test_issue_token_takes_days_and_scopes(make_user):
    make_user(Role.PARTNER_AGENCY, username="police")
    out = StringIO()
    call_command(
        "issue_token",
        "police",
        name="Police MASH system",
        days=30,
        scope=["mash:answer", "read"],
        stdout=out,
    )
    stored = ApiToken.objects.get()
    assert lifetime_in_days(stored) == 30
    assert stored.scope_list == ["mash:answer", "read"]
    assert "scopes: mash:answer read" in out.getvalue()
    assert AuditEvent.objects.get(action="api_token.issued").changes["scopes"] == [
        "mash:answer",
        "read",
    ]


def test_issue_token_refuses_a_scope_of_no_use_to_the_role(make_user):
    make_user(Role.CONTACT_OFFICER, username="officer")
    with pytest.raises(CommandError, match="would allow officer nothing"):
        call_command("issue_token", "officer", name="x", scope=["mash:answer"], stdout=StringIO())
    assert not ApiToken.objects.exists()


# Listing and revoking


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_tokens_list_shows_working_tokens_and_all_with_all(make_user, admin):
    police = make_user(Role.PARTNER_AGENCY, username="police")
    officer = make_user(Role.CONTACT_OFFICER, username="officer")
    working, _ = issue_token(user=police, name="Police system", by=None, scopes=["read"])
    revoked, _ = issue_token(user=police, name="Old police system", by=None)
    revoke_token(api_token=revoked, by=admin)
    issue_token(user=officer, name="Telephony", by=None)
    lines = run("tokens", "list", "--user", "police").splitlines()
    assert lines[0].split() == [
        "id", "name", "prefix", "user", "created", "expires", "last", "used", "scopes",
        "receives", "for", "state"
    ]  # fmt: skip
    assert len(lines) == 2
    assert working.prefix in lines[1]
    assert "Police system" in lines[1] and "never" in lines[1] and "read" in lines[1]
    assert lines[1].endswith("active")
    lines = run("tokens", "list", "--all").splitlines()
    assert len(lines) == 4
    assert any(revoked.prefix in line and line.endswith("revoked") for line in lines)


def test_revocation_takes_effect_on_the_next_request(client, make_user):
    make_user(Role.ADMINISTRATOR, username="admin")
    api_token, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="System", by=None)
    assert post_contact(client, bearer(token)).status_code == 201
    assert "its next request is refused" in run(
        "tokens", "revoke", api_token.prefix, "--by", "admin"
    )
    assert post_contact(client, bearer(token)).status_code == 401
    revoked = AuditEvent.objects.get(action="api_token.revoked")
    assert revoked.actor.username == "admin"
    assert revoked.target_id == str(api_token.pk)


def test_only_an_administrator_may_revoke_a_token(make_user):
    make_user(Role.SERVICE_MANAGER, username="manager")
    api_token, token = issue_token(user=make_user(), name="System", by=None)
    with pytest.raises(CommandError, match="this is for Administrator"):
        run("tokens", "revoke", str(api_token.pk), "--by", "manager")
    assert user_for_token(token) is not None
    assert not AuditEvent.objects.filter(action="api_token.revoked").exists()


def test_revoke_names_the_token_by_id_or_prefix_only(make_user, admin):
    _, token = issue_token(user=make_user(), name="System", by=None)
    for given in ("fdt_", "nothing", "9999", "fdt_NoSuchOne"):
        with pytest.raises(CommandError, match=r"id or (its )?prefix"):
            run("tokens", "revoke", given, "--by", admin.username)
    # The whole token names it too, so a leaked token can be revoked as found.
    run("tokens", "revoke", token, "--by", admin.username)
    assert user_for_token(token) is None
