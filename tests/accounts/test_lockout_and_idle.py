"""Lockout after repeated wrong passwords, and signing out a session left idle."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from frontdoor.accounts.idle import LAST_SEEN_KEY
from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


def try_password(client, username: str, password: str, *, ip: str = "203.0.113.9"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_wrong_passwords_lock_the_account_from_that_address(client, make_user, settings):
    user = make_user(Role.CONTACT_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert try_password(client, user.username, "wrong").status_code == 200
    response = try_password(client, user.username, "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is paused" in page
    assert "30 minutes" in page
    assert settings.FRONTDOOR_SUPPORT_CONTACT in page
    # Even the right password is refused while locked, and the refusal is audited.
    response = try_password(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="account.sign_in_failed").count() == 6
    # Locked at the fifth failure, and each attempt while locked is recorded too.
    locked = AuditEvent.objects.filter(action="account.locked_out").order_by("id")
    assert [event.changes["username"] for event in locked] == [user.username] * 2


def test_the_lock_is_for_that_username_and_address_only(client, make_user, settings):
    user = make_user(Role.CONTACT_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        try_password(client, user.username, "wrong")
    # The owner at another desk is not locked out by someone guessing elsewhere.
    assert try_password(client, user.username, PASSWORD, ip="198.51.100.7").status_code == 302


def test_an_administrator_unlocks_by_deleting_the_attempts(client, make_user, settings):
    user = make_user(Role.CONTACT_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        try_password(client, user.username, "wrong")
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    admin_client = client.__class__()
    admin_client.force_login(admin)
    attempt = AccessAttempt.objects.get(username=user.username)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert not AccessAttempt.objects.exists()
    assert try_password(client, user.username, PASSWORD).status_code == 302


def test_a_right_password_clears_earlier_failures(client, make_user, settings):
    user = make_user(Role.CONTACT_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        try_password(client, user.username, "wrong")
    assert try_password(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert try_password(client, user.username, "wrong").status_code == 200


def _leave_idle(client, seconds: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - seconds
    session.save()


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(client, make_user, settings):
    user = make_user(Role.CONTACT_OFFICER)
    client.force_login(user)
    _leave_idle(client, settings.FRONTDOOR_IDLE_MINUTES * 60 + 1)
    response = client.get("/contacts/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because Front Door was not used for 30 minutes" in page
    assert AuditEvent.objects.filter(action="account.signed_out", actor=user).exists()


def test_a_session_in_use_stays_signed_in(client, make_user, settings):
    client.force_login(make_user(Role.CONTACT_OFFICER))
    _leave_idle(client, settings.FRONTDOOR_IDLE_MINUTES * 60 - 5)
    assert client.get("/contacts/").status_code == 200
    # That request counted as use: the idle clock starts again from it.
    assert time.time() - client.session[LAST_SEEN_KEY] < 5
    assert client.get("/contacts/").status_code == 200


def test_the_idle_clock_is_written_at_most_once_a_minute(client, make_user):
    client.force_login(make_user(Role.CONTACT_OFFICER))
    _leave_idle(client, 10)
    before = client.session[LAST_SEEN_KEY]
    client.get(reverse("home"))
    assert client.session[LAST_SEEN_KEY] == before


def test_a_referrer_taking_long_over_the_public_form_is_not_affected(client, settings):
    danger = client.post(reverse("refer:start"))["Location"]
    _leave_idle(client, 10 * settings.FRONTDOOR_IDLE_MINUTES * 60)
    assert client.get(danger).status_code == 200


def test_cookies_are_http_only_and_same_site(client, make_user):
    response = client.post(
        reverse("accounts:login"),
        {"username": make_user().username, "password": PASSWORD},
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
