"""Two web processes on one PostgreSQL and one shared Redis cache, as behind a load balancer
(docs/several-machines.md): referrals and staff actions sent to both in turn are all kept, the
same submission sent to both at once makes one contact, the rate limits count both processes
together, and a member of staff signed in on one is signed in on the other.

The servers are real processes (granian serving `frontdoor.wsgi:application`, as in
production) on two ports of 127.0.0.1, sharing the suite's database and a Redis.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path

import pytest
import redis
import requests
from django.db import connection

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.intake.models import Contact, Report
from tests import row_security
from tests.accounts.factories import PASSWORD
from tests.intake.factories import submission_data
from tests.intake.test_staff_pages import contact_form_data

# The shared cache: FRONTDOOR_TEST_REDIS_URL, or a Redis on this machine's usual port.
REDIS_URL = os.environ.get("FRONTDOOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="web processes of their own share a database server: PostgreSQL's",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# The status checks one address may make: few, so that the test reaches the limit quickly.
STATUS_CHECKS = 4
REFERRALS = 6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _listening(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.poll() is not None:
            raise AssertionError(f"the server on port {port} stopped ({server.returncode})")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for the server on port {port}")


@pytest.fixture
def servers(tmp_path) -> Iterator[list[str]]:
    """The addresses of two web processes serving the suite's database, with one Redis."""
    if not _redis_answers():
        pytest.skip(f"no Redis answers at {REDIS_URL} (set FRONTDOOR_TEST_REDIS_URL)")
    database = connection.settings_dict
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "FRONTDOOR_ENV": "test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or HOST}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "FRONTDOOR_CACHE_URL": REDIS_URL,
        # Every machine of one service has the same secret key (it signs the sessions).
        "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(50),
        # Behind one load balancer, which names the client in X-Forwarded-For.
        "FRONTDOOR_TRUSTED_PROXIES": "1",
        "FRONTDOOR_RATE_STATUS": f"{STATUS_CHECKS}/600",
        "FRONTDOOR_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    if row_security.OWNER_TAKEN:
        # As the suite's own connections: the tables' owner, behind row-level security.
        env["PGOPTIONS"] = f"-c role={row_security.OWNER}"
    granian = Path(sys.executable).with_name("granian")
    started: list[tuple[subprocess.Popen, int]] = []
    try:
        for _ in range(2):
            port = _free_port()
            server = subprocess.Popen(
                [
                    str(granian),
                    "--interface=wsgi",
                    f"--host={HOST}",
                    f"--port={port}",
                    "--workers=1",
                    "--blocking-threads=4",
                    "--log-level=warning",
                    "--no-access-log",
                    "frontdoor.wsgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            started.append((server, port))
        for server, port in started:
            _listening(port, server)
        yield [f"http://{HOST}:{port}" for _, port in started]
    finally:
        for server, _ in started:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()


@pytest.fixture
def client_address() -> str:
    """An address of the test's own, as the load balancer names it: the limits this test uses
    up are its own, whatever else the shared Redis holds."""
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def _browser(client_address: str) -> requests.Session:
    browser = requests.Session()
    browser.headers["X-Forwarded-For"] = client_address
    return browser


def _csrf(page: requests.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, f"no form on {page.url}"
    return unescape(found.group(1))


def _in_turn(servers: list[str]) -> Callable[[int], str]:
    return lambda n: servers[n % len(servers)]


def _at_once(*calls: Callable[[], requests.Response]) -> list[requests.Response]:
    with ThreadPoolExecutor(len(calls)) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def test_referrals_sent_to_either_process_are_all_kept_and_a_double_submit_makes_one(
    servers, make_user, client_address
):
    partner = make_user(Role.PARTNER_AGENCY)
    _, token = issue_token(user=partner, name="Merseyside Police system", by=None)
    api = _browser(client_address)
    api.headers["Authorization"] = f"Bearer {token}"
    server = _in_turn(servers)

    references = []
    for n in range(REFERRALS):
        answer = api.post(
            f"{server(n)}/api/v1/contacts",
            json=submission_data(),
            headers={"Idempotency-Key": f"referral-{n}"},
        )
        assert answer.status_code == 201, answer.text
        references.append(answer.json()["reference"])
    assert len(set(references)) == REFERRALS

    # The same referral sent to both processes at the same moment (a retry through the other
    # machine): one contact, and both answers name it.
    first, second = _at_once(
        *(
            lambda base=base: api.post(
                f"{base}/api/v1/contacts",
                json=submission_data(),
                headers={"Idempotency-Key": "sent-to-both"},
            )
            for base in servers
        )
    )
    assert sorted([first.status_code, second.status_code]) == [200, 201]
    assert first.json()["reference"] == second.json()["reference"]
    # Both got the same secret back, so the referrer cannot tell which was first.
    assert first.json()["status_secret"] == second.json()["status_secret"]
    references.append(first.json()["reference"])

    assert sorted(Contact.objects.values_list("reference", flat=True)) == sorted(references)
    assert Report.objects.filter(submission_key__endswith=":sent-to-both").count() == 1


def test_a_member_of_staff_signed_in_on_one_process_works_on_the_other(
    servers, make_user, client_address
):
    officer = make_user(Role.CONTACT_OFFICER)
    browser = _browser(client_address)
    one, other = servers

    page = browser.get(f"{one}/accounts/login/")
    signed_in = browser.post(
        f"{one}/accounts/login/",
        data={
            "username": officer.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": _csrf(page),
        },
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, signed_in.text
    assert signed_in.headers["Location"] == "/"

    # The other process knows the session: its pages open without signing in again...
    form = browser.get(f"{other}/contacts/new/", allow_redirects=False)
    assert form.status_code == 200

    # ...and staff actions go to either process in turn.
    server = _in_turn(servers)
    recorded = []
    for n in range(4):
        data = {**contact_form_data(), "csrfmiddlewaretoken": _csrf(form)}
        answer = browser.post(f"{server(n)}/contacts/new/", data=data, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        recorded.append(answer.headers["Location"])
    assert len(set(recorded)) == 4

    # The same form sent twice, to each process at the same moment (a double click through a
    # load balancer): one contact, to which both answers lead.
    data = {**contact_form_data(), "csrfmiddlewaretoken": _csrf(form)}
    first, second = _at_once(
        *(
            lambda base=base: browser.post(
                f"{base}/contacts/new/", data=data, allow_redirects=False
            )
            for base in servers
        )
    )
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert Report.objects.filter(submission_key=data["submission_key"]).count() == 1
    assert Contact.objects.filter(reports__recorded_by=officer).count() == 5

    # Signing out on the other process ends the session on both.
    browser.post(
        f"{other}/accounts/logout/",
        data={"csrfmiddlewaretoken": _csrf(form)},
        allow_redirects=False,
    )
    after = browser.get(f"{one}/contacts/new/", allow_redirects=False)
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/accounts/login/")


def test_the_rate_limits_count_both_processes_together(servers, client_address):
    public = _browser(client_address)
    server = _in_turn(servers)
    wrong = {"reference": "ABCD2345", "secret": "not-the-secret"}
    for n in range(STATUS_CHECKS):
        assert public.post(f"{server(n)}/api/v1/status", json=wrong).status_code == 404
    # Each process has had only half of the address's checks, and both refuse the next.
    for base in servers:
        refused = public.post(f"{base}/api/v1/status", json=wrong)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
    # Another address is not held back by this one's checks.
    other = _browser(f"{client_address.rsplit('.', 1)[0]}.255")
    assert other.post(f"{servers[1]}/api/v1/status", json=wrong).status_code == 404
