"""Two-factor sign-in: in the required mode, nobody reaches a page on a password alone."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.accounts.models import EnrolmentLink
from frontdoor.accounts.permissions import PermissionDeniedError
from frontdoor.accounts.roles import Role
from frontdoor.accounts.two_factor import (
    ENROLMENT_LINK_LIFETIME,
    issue_enrolment_link,
    secret_in_words,
)
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db

required = override_settings(FRONTDOOR_TWO_FACTOR="required")


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


def sign_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def set_up_link_for(user, **kwargs) -> str:
    _, secret = issue_enrolment_link(user=user, by=None, **kwargs)
    return reverse("accounts:two_factor_enrol", args=[secret])


@required
def test_signing_in_without_an_app_asks_for_a_set_up_link_and_shows_no_secret(client, make_user):
    # Else whoever first had the password would set up their own app and own the account.
    user = make_user(Role.CONTACT_OFFICER)
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_set_up"))
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "You need a set-up link" in text
    assert "<svg" not in text
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.post(reverse("accounts:two_factor_set_up"), {"code": "123456"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get(reverse("intake:inbox")).status_code == 302


@required
def test_a_set_up_link_leads_through_the_password_to_setting_up_the_app(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    link = set_up_link_for(user)
    response = client.get(link)
    assert response["Location"] == f"{reverse('accounts:login')}?next={link}"
    # Signed in with the password, straight on to the link (not to the page asking for one).
    response = client.post(
        response["Location"], {"username": user.username, "password": PASSWORD, "next": link}
    )
    assert response["Location"] == link
    page = client.get(link)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    text = page.content.decode()
    assert "<svg" in text  # the QR code, drawn inline
    # The secret is also there as text, for those who cannot scan (or see) the QR code.
    assert secret_in_words(device) in text
    response = client.post(link, {"code": code_for(device), "next": "/contacts/"})
    assert response.status_code == 302
    assert response["Location"] == "/contacts/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("intake:inbox")).status_code == 200
    assert EnrolmentLink.objects.get().used_at is not None
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"account.two_factor_link_used", "account.two_factor_set_up"} <= actions


@required
def test_the_set_up_page_keeps_its_secret_when_reloaded(client, make_user):
    user = make_user()
    link = set_up_link_for(user)
    sign_in(client, user)
    first = client.get(link).content
    second = client.get(link).content
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert first.count(b"<svg") == second.count(b"<svg") == 1


@required
def test_a_set_up_link_works_once(client, make_user):
    user = make_user()
    link = set_up_link_for(user)
    sign_in(client, user)
    client.get(link)
    device = TOTPDevice.objects.get(user=user)
    assert client.post(link, {"code": code_for(device)}).status_code == 302
    device.delete()  # as an administrator removing a lost app would
    other = client.__class__()
    sign_in(other, user)
    response = other.get(link)
    assert response.status_code == 404
    assert "has been used already" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


@required
def test_an_expired_set_up_link_is_refused(client, make_user):
    user = make_user()
    link = set_up_link_for(user, at=timezone.now() - ENROLMENT_LINK_LIFETIME)
    sign_in(client, user)
    response = client.get(link)
    assert response.status_code == 404
    assert "has expired" in response.content.decode()
    assert "<svg" not in response.content.decode()


@required
def test_someone_elses_set_up_link_is_refused_as_an_unknown_one(client, make_user):
    owner, thief = make_user(), make_user()
    link = set_up_link_for(owner)
    sign_in(client, thief)
    for url in (link, reverse("accounts:two_factor_enrol", args=["made-up"])):
        response = client.get(url)
        assert response.status_code == 404
        assert "not one for your account" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_no_set_up_link_is_made_for_someone_with_an_app_or_an_inactive_account(make_user):
    with_app = make_user()
    confirmed_device(with_app)
    with pytest.raises(DomainError, match="has an authenticator app already"):
        issue_enrolment_link(user=with_app, by=None)
    with pytest.raises(DomainError, match="not an active account"):
        issue_enrolment_link(user=make_user(is_active=False), by=None)
    assert not EnrolmentLink.objects.exists()


def test_an_administrator_makes_a_set_up_link_shown_once(client, make_user, admin):
    user = make_user(Role.CONTACT_OFFICER)
    client.force_login(admin)
    response = client.post(reverse("accounts:enrolment_links"), {"user": user.pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [url] = re.findall(
        r'value="(http://testserver/accounts/two-factor/set-up/[^"]+/)"', response.content.decode()
    )
    link = EnrolmentLink.objects.get()
    assert (link.user, link.created_by) == (user, admin)
    issued = AuditEvent.objects.get(action="account.two_factor_link_issued")
    assert (issued.actor, issued.target_id) == (admin, str(user.pk))
    listing = client.get(reverse("accounts:enrolment_links")).content.decode()
    assert user.username in listing
    assert url.removeprefix("http://testserver") not in listing
    assert reverse("accounts:enrolment_links") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_only_administrators_make_set_up_links(client, make_user, role):
    user = make_user()
    actor = make_user(role)
    client.force_login(actor)
    assert client.get(reverse("accounts:enrolment_links")).status_code == 403
    assert client.post(reverse("accounts:enrolment_links"), {"user": user.pk}).status_code == 403
    with pytest.raises(PermissionDeniedError):
        issue_enrolment_link(user=user, by=actor)
    assert not EnrolmentLink.objects.exists()


def test_the_command_makes_a_link_for_the_first_administrator(make_user):
    make_user(Role.ADMINISTRATOR, username="first")
    out = StringIO()
    call_command("two_factor_link", "first", site="https://frontdoor.example/", stdout=out)
    assert re.search(
        r"https://frontdoor\.example/accounts/two-factor/set-up/[A-Za-z0-9_-]{43}/$",
        out.getvalue().strip(),
    )
    assert EnrolmentLink.objects.get().created_by is None


@required
def test_signing_in_with_an_app_asks_for_its_code(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    confirmed_device(user)
    response = sign_in(client, user)
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


@required
def test_a_wrong_code_is_refused_and_audited(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    device = confirmed_device(user)
    sign_in(client, user)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": wrong_code_for(device)})
    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert client.get(reverse("intake:inbox")).status_code == 302
    assert AuditEvent.objects.filter(action="account.two_factor_failed", actor=user).exists()


@required
def test_a_code_that_is_not_six_digits_is_refused(client, make_user):
    user = make_user()
    confirmed_device(user)
    sign_in(client, user)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "abc"})
    assert response.status_code == 400
    assert "Enter the code as 6 digits" in response.content.decode()


@required
def test_the_right_code_passes_and_goes_on_to_the_page_asked_for(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    device = confirmed_device(user)
    response = client.post(
        reverse("accounts:login") + "?next=/contacts/",
        {"username": user.username, "password": PASSWORD, "next": "/contacts/"},
    )
    verify_url = response["Location"]
    assert verify_url.startswith(reverse("accounts:two_factor_verify"))
    response = client.post(verify_url, {"code": code_for(device), "next": "/contacts/"})
    assert response.status_code == 302
    assert response["Location"] == "/contacts/"
    assert client.get("/contacts/").status_code == 200
    assert AuditEvent.objects.filter(action="account.two_factor_verified", actor=user).exists()


@required
def test_a_code_cannot_be_used_twice(client, make_user):
    user = make_user()
    device = confirmed_device(user)
    sign_in(client, user)
    code = code_for(device)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
    other = client.__class__()
    sign_in(other, user)
    assert other.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 400


@required
def test_repeated_wrong_codes_are_slowed_down(client, make_user):
    user = make_user()
    device = confirmed_device(user)
    sign_in(client, user)
    client.post(reverse("accounts:two_factor_verify"), {"code": wrong_code_for(device)})
    # Right at once after a wrong one: refused, because django-otp doubles the wait each time.
    response = client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    assert response.status_code == 400
    assert "wrong code too many times" in response.content.decode()


@required
def test_an_unverified_session_cannot_open_contacts(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    confirmed_device(user)
    sign_in(client, user)
    for url in ("/contacts/", reverse("home"), reverse("policy:guidance"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:two_factor_verify")), url


def test_optional_mode_sets_an_app_up_without_a_link(client, make_user, settings):
    settings.FRONTDOOR_TWO_FACTOR = "optional"
    user = make_user()
    client.force_login(user)
    assert b"<svg" in client.get(reverse("accounts:two_factor_set_up")).content
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("accounts:two_factor_set_up"), {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


@required
def test_a_forced_sign_in_is_not_verified_either(client, make_user):
    client.force_login(make_user(Role.CONTACT_OFFICER))
    response = client.get("/contacts/")
    assert response["Location"].startswith(reverse("accounts:two_factor_set_up"))


@required
def test_public_pages_and_signing_out_stay_open_to_an_unverified_session(client, make_user):
    user = make_user()
    confirmed_device(user)
    sign_in(client, user)
    assert client.get(reverse("refer:start")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/contacts/")["Location"].startswith(reverse("accounts:login"))


@required
def test_someone_with_an_app_cannot_set_up_another_without_its_code(client, make_user):
    # Otherwise a stolen password alone would let a thief add their own app.
    user = make_user()
    confirmed_device(user)
    sign_in(client, user)
    response = client.get(reverse("accounts:two_factor_set_up"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


@required
def test_the_next_page_is_never_another_site(client, make_user):
    user = make_user()
    device = confirmed_device(user)
    sign_in(client, user)
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": code_for(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


@required
def test_api_tokens_are_not_asked_for_a_code(client, make_user):
    from frontdoor.accounts.tokens import issue_token

    _, token = issue_token(user=make_user(Role.CONTACT_OFFICER), name="System", by=None)
    response = client.get("/api/v1/contacts/FD-XXXX-XXXX", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code in {403, 404}  # answered by the API, not sent to a code page


def test_optional_mode_signs_in_with_a_password_alone(client, make_user, settings):
    settings.FRONTDOOR_TWO_FACTOR = "optional"
    user = make_user(Role.CONTACT_OFFICER)
    response = sign_in(client, user)
    assert response["Location"] == reverse("home")
    assert client.get("/contacts/").status_code == 200


def test_optional_mode_still_asks_for_the_code_of_an_app_set_up(client, make_user, settings):
    settings.FRONTDOOR_TWO_FACTOR = "optional"
    user = make_user(Role.CONTACT_OFFICER)
    confirmed_device(user)
    response = sign_in(client, user)
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get("/contacts/").status_code == 302
