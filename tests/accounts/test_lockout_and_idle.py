"""Lockout after repeated wrong passwords, and signing out a session left idle."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from frontdoor import security
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
        assert try_password(client, user.username, "wrong").status_code == 400
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
        assert try_password(client, user.username, "wrong").status_code == 400


# Guessing across addresses and across usernames (ASVS 2.2.1).

SIX_ADDRESSES = [f"198.51.100.{n}" for n in range(1, 7)]


def test_guesses_at_one_account_spread_over_many_addresses_are_slowed(client, make_user, settings):
    user = make_user(Role.CONTACT_OFFICER)
    # Four wrong passwords from each of six addresses: never five from one, so no pair locks.
    for ip in SIX_ADDRESSES:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            try_password(client, user.username, "wrong", ip=ip)
    # The right password from a seventh address is not even looked at: wait, then try again.
    response = try_password(client, user.username, PASSWORD, ip="192.0.2.77")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert 0 < int(response["Retry-After"]) <= 180
    page = response.content.decode()
    assert "slowed down signing in to this account" in page
    assert "in 3 minutes" in page


def test_many_usernames_tried_from_one_address_pause_signing_in_from_it(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    for n in range(40):
        try_password(client, f"guess{n}", "Summer2024!", ip="203.0.113.40")
    # Even the right password for a real account is refused from that address for a while...
    response = try_password(client, user.username, PASSWORD, ip="203.0.113.40")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert "paused signing in from your network" in response.content.decode()
    # Refusals are not counted: after eleven of them the wait is still one token's, 2 minutes.
    assert 0 < int(response["Retry-After"]) <= 120
    # Each refusal is audited, beside the failed sign-in every attempt already was.
    slowed = AuditEvent.objects.filter(action="account.sign_in_slowed").order_by("id")
    assert slowed.count() == 40 - 30 + 1
    assert slowed.last().changes == {
        "username": user.username,
        "ip_address": "203.0.113.40",
        "limit": "address",
    }
    assert AuditEvent.objects.filter(action="account.sign_in_failed").count() == 41
    # The account itself is not locked: its owner signs in from anywhere else.
    assert try_password(client, user.username, PASSWORD, ip="198.51.100.40").status_code == 302


@pytest.fixture
def small_account_limit(settings):
    """Three wrong passwords per account, not ten: the same behaviour, fewer slow hashes."""
    settings.FRONTDOOR_RATE_LIMITS = {
        **settings.FRONTDOOR_RATE_LIMITS,
        "sign-in-account": (3, 540),
        "sign-in-browser": (3, 540),
    }


def _guess_from_six_addresses(username: str, settings) -> None:
    attacker = Client()
    for ip in SIX_ADDRESSES:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            try_password(attacker, username, "wrong", ip=ip)


def test_knowing_a_username_does_not_keep_its_owner_out_of_their_own_browser(
    client, make_user, settings, small_account_limit
):
    user = make_user(Role.CONTACT_OFFICER)
    assert try_password(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    _guess_from_six_addresses(user.username, settings)
    # The owner, at the browser they signed in from before, is not slowed by others' guesses.
    assert try_password(client, user.username, PASSWORD).status_code == 302
    # That browser is known for that account only.
    client.post(reverse("accounts:logout"))
    colleague = make_user(Role.CONTACT_OFFICER)
    _guess_from_six_addresses(colleague.username, settings)
    assert try_password(client, colleague.username, PASSWORD).status_code == 429


def test_a_browser_that_signed_in_before_is_slowed_when_it_guesses(
    client, make_user, settings, small_account_limit
):
    user = make_user(Role.CONTACT_OFFICER)
    try_password(client, user.username, PASSWORD)
    client.post(reverse("accounts:logout"))
    # Its cookie, taken to many addresses, is not a way round the limit.
    limit, _ = settings.FRONTDOOR_RATE_LIMITS["sign-in-browser"]
    for n in range(limit):
        assert try_password(client, user.username, "wrong", ip=f"192.0.2.{n}").status_code == 400
    response = try_password(client, user.username, PASSWORD, ip="192.0.2.200")
    assert response.status_code == 429
    assert "slowed down signing in to this account" in response.content.decode()


def test_the_admins_sign_in_is_slowed_alike(client, make_user, settings, small_account_limit):
    admin = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    _guess_from_six_addresses(admin.username, settings)
    response = client.post(
        reverse("admin:login"),
        {"username": admin.username, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.78",
    )
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_the_owner_signs_in_once_the_wait_is_over(
    client, make_user, settings, monkeypatch, small_account_limit
):
    user = make_user(Role.CONTACT_OFFICER)
    _guess_from_six_addresses(user.username, settings)
    wait = int(try_password(client, user.username, PASSWORD)["Retry-After"])
    # The limiter's clock moves on by the wait it gave (no sleeping).
    later = time.time() + wait
    monkeypatch.setattr(security, "time", SimpleNamespace(time=lambda: later))
    assert try_password(client, user.username, PASSWORD).status_code == 302


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
