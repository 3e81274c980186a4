"""Site-wide protections: security headers, CSRF, and rate limits on the public POSTs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

import frontdoor
from frontdoor.accounts.roles import Role
from frontdoor.policy.registry import current_policy
from frontdoor.security import client_ip, take, waiting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_buckets():
    # The rate limits live in the cache, which outlives a test: each test starts with full buckets.
    cache.clear()
    yield
    cache.clear()


# Headers.


@pytest.mark.parametrize("url", ["/accounts/login/", "/refer/", "/contacts/"])
def test_pages_carry_the_security_headers(client, make_user, url):
    if url == "/contacts/":
        client.force_login(make_user(Role.CONTACT_OFFICER))
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp


def test_inline_scripts_carry_the_nonce_the_policy_allows(client):
    response = client.get(reverse("accounts:login"))
    [nonce] = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.DOTALL)
    inline = [attributes for attributes, body in scripts if body.strip()]
    assert len(inline) == 2
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline)
    # A new nonce for every response, so one seen cannot be reused.
    again = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert nonce not in again


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get(reverse("accounts:login"))


def _production_settings() -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ('SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'FRONTDOOR_TWO_FACTOR', "
        "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE')}))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "frontdoor.settings",
        "FRONTDOOR_ENV": "production",
        "FRONTDOOR_SECRET_KEY": "x" * 50,
        "FRONTDOOR_VAR_DIR": str(__import__("tempfile").mkdtemp()),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_production_has_secure_cookies_hsts_and_two_factor_required():
    production = _production_settings()
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["FRONTDOOR_TWO_FACTOR"] == "required"


# Start-up: production must see HTTPS, or HSTS is never sent.


def _production_start(**env: str) -> str:
    """What starting the WSGI application in production writes to the console."""
    result = subprocess.run(
        [sys.executable, "-c", "import frontdoor.wsgi"],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": ":".join(sys.path),
            "FRONTDOOR_ENV": "production",
            "FRONTDOOR_SECRET_KEY": "x" * 50,
            "FRONTDOOR_VAR_DIR": str(__import__("tempfile").mkdtemp()),
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


def test_production_behind_an_untrusted_proxy_warns_at_start_up():
    assert "frontdoor.W001" in _production_start()
    assert "frontdoor.W001" not in _production_start(FRONTDOOR_TRUSTED_PROXIES="1")
    assert "frontdoor.W001" not in _production_start(FRONTDOOR_SSL_REDIRECT="true")


@pytest.mark.parametrize(
    ("production", "debug", "proxy_header", "redirect", "warned"),
    [
        (True, False, None, False, True),
        (True, False, ("HTTP_X_FORWARDED_PROTO", "https"), False, False),
        (True, False, None, True, False),
        (True, True, None, False, False),  # debugging is not serving
        (False, False, None, False, False),  # the embedded default and the tests
    ],
)
def test_the_system_check_warns_when_production_sees_no_https(
    settings, production, debug, proxy_header, redirect, warned
):
    settings.PRODUCTION, settings.DEBUG = production, debug
    settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_SSL_REDIRECT = proxy_header, redirect
    found = [m.id for m in checks.run_checks(tags=[checks.Tags.security])]
    assert ("frontdoor.W001" in found) == warned


def test_behind_a_trusted_proxy_https_requests_get_hsts(settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.FRONTDOOR_TRUSTED_PROXIES = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get(reverse("accounts:login"), HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    # Without the proxy trusted, the same request looks like plain HTTP: no HSTS.
    settings.SECURE_PROXY_SSL_HEADER = None
    response = Client().get(reverse("accounts:login"), HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in response


# CSRF.


def test_a_staff_form_posted_without_its_token_is_refused(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.CONTACT_OFFICER))
    assert client.get(reverse("intake:new")).status_code == 200
    assert client.post(reverse("intake:new"), {"channel": "telephone"}).status_code == 403


def test_the_public_form_posted_without_its_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    assert client.get(reverse("refer:start")).status_code == 200
    assert client.post(reverse("refer:start")).status_code == 403
    assert client.post(reverse("refer:status"), {"reference": "FD-X"}).status_code == 403


def test_a_form_posted_without_its_cookie_gets_the_services_own_page_saying_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("refer:start"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in page and "Nothing was recorded" in page
    assert "CSRF" not in page and "govuk-header" in page


def test_the_sign_in_form_posted_without_its_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403


# Rate limits.


def test_the_bucket_refills_over_time(settings):
    settings.FRONTDOOR_RATE_LIMITS = {**settings.FRONTDOOR_RATE_LIMITS, "status": (2, 600)}
    assert take("status", key="a", now=1000.0) == 0
    assert take("status", key="a", now=1000.0) == 0
    assert take("status", key="a", now=1000.0) == pytest.approx(300)  # one token per 5 minutes
    assert take("status", key="b", now=1000.0) == 0  # another address has its own bucket
    assert take("status", key="a", now=1301.0) == 0


def test_waiting_says_how_long_without_taking(settings):
    settings.FRONTDOOR_RATE_LIMITS = {**settings.FRONTDOOR_RATE_LIMITS, "status": (1, 600)}
    assert waiting("status", key="a", now=1000.0) == 0
    assert waiting("status", key="a", now=1000.0) == 0  # still there: nothing was taken
    assert take("status", key="a", now=1000.0) == 0
    assert waiting("status", key="a", now=1000.0) == pytest.approx(600)
    assert waiting("status", key="a", now=1300.0) == pytest.approx(300)


COUNT_IN_ONE_PROCESS = (
    "import django; django.setup(); from django.core.management import call_command; "
    "from frontdoor.security import take; call_command('createcachetable', verbosity=0); "
    "print([take('status', key='203.0.113.1') for _ in range(11)][-1] > 0)"
)
LOOK_FROM_ANOTHER = (
    "import django; django.setup(); from frontdoor.security import waiting; "
    "print(waiting('status', key='203.0.113.1') > 0)"
)


def test_the_limits_are_counted_across_processes_in_the_database(tmp_path):
    # Two workers of the production server are two processes: a limit each counted alone
    # would let twice the guesses through. The buckets are kept in the cache's table, which
    # `migrate` makes (tests/test_migrations.py); made alone here, in seconds.
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "frontdoor.settings",
        "FRONTDOOR_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(Path(frontdoor.__file__).parents[1]),  # this code, not an installed one
    }
    for code in (COUNT_IN_ONE_PROCESS, LOOK_FROM_ANOTHER):
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "True"


def _start(client: Client, ip: str) -> str:
    response = client.post(reverse("refer:start"), REMOTE_ADDR=ip)
    assert response.status_code == 302, response.status_code
    return response["Location"].split("/")[2]


def test_a_busy_address_is_never_stopped_part_way_through_a_referral(client, settings):
    settings.FRONTDOOR_RATE_LIMITS = {**settings.FRONTDOOR_RATE_LIMITS, "referral": (5, 600)}
    journeys = [_start(client, "203.0.113.4") for _ in range(5)]
    # The sixth referral from the school's address in ten minutes is refused before it starts...
    assert client.post(reverse("refer:start"), REMOTE_ADDR="203.0.113.4").status_code == 429
    # ...while every one already started goes on, however many pages it takes.
    for journey in journeys:
        url = reverse("refer:danger", args=[journey])
        for _ in range(25):
            assert client.post(url, {"danger": "no"}, REMOTE_ADDR="203.0.113.4").status_code == 302


def test_too_many_referral_posts_are_refused_with_429_and_the_numbers(client, settings):
    settings.FRONTDOOR_RATE_LIMITS = {**settings.FRONTDOOR_RATE_LIMITS, "referral-page": (2, 600)}
    journey = _start(client, "203.0.113.5")
    url = reverse("refer:danger", args=[journey])
    assert client.post(url, {"danger": "no"}, REMOTE_ADDR="203.0.113.5").status_code == 302
    assert client.post(url, {"danger": "no"}, REMOTE_ADDR="203.0.113.5").status_code == 302
    response = client.post(url, {"danger": "no"}, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    page = response.content.decode()
    numbers = current_policy().contact_numbers
    assert "Wait 5 minutes" in page
    assert numbers.mash in page and numbers.edt in page
    assert "999" in page
    # Reading a page is never limited, and another address is not affected.
    assert client.get(url, REMOTE_ADDR="203.0.113.5").status_code == 200
    other = Client()
    journey = _start(other, "198.51.100.1")
    url = reverse("refer:danger", args=[journey])
    assert other.post(url, {"danger": "no"}, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_what_was_typed_comes_back_to_be_sent_again(client, settings):
    settings.FRONTDOOR_RATE_LIMITS = {**settings.FRONTDOOR_RATE_LIMITS, "referral-page": (1, 600)}
    journey = _start(client, "203.0.113.6")
    client.post(
        reverse("refer:danger", args=[journey]), {"danger": "no"}, REMOTE_ADDR="203.0.113.6"
    )
    worry = reverse("refer:worry", args=[journey])
    typed = "He said his dad <hit> him & he's scared to go home"
    response = client.post(worry, {"worry": typed}, REMOTE_ADDR="203.0.113.6")
    assert response.status_code == 429
    page = response.content.decode()
    assert f'action="{worry}"' in page
    assert 'name="worry" value="He said his dad &lt;hit&gt; him &amp; he&#x27;s scared' in page
    # The journey saved so far is still in the session once the wait is over.
    cache.clear()
    assert client.session[f"refer:{journey}"]["danger"] == "no"
    assert client.post(worry, {"worry": typed}, REMOTE_ADDR="203.0.113.6").status_code != 429


def test_status_checks_have_their_own_tighter_limit_on_the_page_and_the_api(client, settings):
    settings.FRONTDOOR_RATE_LIMITS = {**settings.FRONTDOOR_RATE_LIMITS, "status": (2, 600)}
    answers = {"reference": "FD-B2C3-D4F5", "status_code": "wrong"}
    for _ in range(2):
        response = client.post(reverse("refer:status"), answers, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 400
    assert (
        client.post(reverse("refer:status"), answers, REMOTE_ADDR="203.0.113.7").status_code == 429
    )
    # The API's check counts against the same bucket, and answers in the API's own shape.
    response = client.post(
        "/api/v1/status",
        {"reference": "FD-B2C3-D4F5", "secret": "wrong"},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429
    assert response.json()["message"].startswith("Too many requests: wait")
    assert int(response["Retry-After"]) > 0


def test_signed_in_staff_pages_are_not_rate_limited(client, make_user, settings):
    settings.FRONTDOOR_RATE_LIMITS = {
        "referral": (1, 600),
        "referral-page": (1, 600),
        "status": (1, 600),
    }
    client.force_login(make_user(Role.CONTACT_OFFICER))
    for _ in range(3):
        assert client.post(reverse("intake:new"), {}).status_code != 429


def test_the_client_address_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8"
    )
    settings.FRONTDOOR_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"
    settings.FRONTDOOR_TRUSTED_PROXIES = 1
    # The left-most entry was written by the client and could be anything: never trusted.
    assert client_ip(request) == "203.0.113.8"
