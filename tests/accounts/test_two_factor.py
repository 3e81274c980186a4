"""Two-factor sign-in: in the required mode, nobody reaches a page on a password alone."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
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


@required
def test_signing_in_without_an_app_goes_to_set_one_up(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_set_up"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # The secret is also there as text, for those who cannot scan (or see) the QR code.
    from frontdoor.accounts.two_factor import secret_in_words

    assert secret_in_words(device) in text


@required
def test_setting_up_with_the_right_code_opens_the_pages(client, make_user):
    user = make_user(Role.CONTACT_OFFICER)
    sign_in(client, user)
    client.get(reverse("accounts:two_factor_set_up"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(
        reverse("accounts:two_factor_set_up"), {"code": code_for(device), "next": "/contacts/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/contacts/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("intake:inbox")).status_code == 200
    assert AuditEvent.objects.filter(action="account.two_factor_set_up", actor=user).exists()


@required
def test_the_set_up_page_keeps_its_secret_when_reloaded(client, make_user):
    user = make_user()
    sign_in(client, user)
    first = client.get(reverse("accounts:two_factor_set_up")).content
    second = client.get(reverse("accounts:two_factor_set_up")).content
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert first.count(b"<svg") == second.count(b"<svg") == 1


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
