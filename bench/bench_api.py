"""Contacts accepted per second through the API, with concurrent clients, on SQLite or PostgreSQL.

Run from the repository root:
    .venv/bin/python bench/bench_api.py                      # SQLite, a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_api \
        .venv/bin/python bench/bench_api.py                  # PostgreSQL
    .venv/bin/python bench/bench_api.py --in-process 500     # the app's own cost, no server

It migrates a fresh database (a temporary SQLite file, or the PostgreSQL database named in
DATABASE_URL, created and dropped here: give it a name of its own, never one in use), issues an
API token, starts the app under gunicorn on 127.0.0.1 with persistent database connections, then
has `--clients` threads POST /api/v1/contacts back to back for `--seconds`. It prints contacts per
second, p50 and p95 latency, errors, and checks that the database holds exactly one contact per
201 response (none lost, none doubled). It prints figures and asserts nothing about speed.
gunicorn comes with the pinned requirements. The load average is printed before and after:
on a shared machine, compare runs made under the same load.

`--in-process N` serves nothing: it posts N contacts through Django's test client in this
process, as gunicorn would call the app, and prints the wall and CPU time per request and the
SQL statements per contact. It is the steadiest figure when other work shares the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.intake.factories: the same body the API tests send
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def postgres_admin(url: str, sql: str) -> None:
    """Run CREATE/DROP DATABASE on the server's `postgres` database."""
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql)


def set_up(env: dict[str, str]) -> str:
    """Migrate the fresh database, create a partner user and return an API token for it."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from frontdoor.accounts.roles import Role
    from frontdoor.accounts.services import create_user
    from frontdoor.accounts.tokens import issue_token

    call_command("migrate", verbosity=0)
    user = create_user(
        username="bench", password=None, role=Role.PARTNER_AGENCY, agency_key="police", by=None
    )
    _, token = issue_token(user=user, name="Benchmark", by=None)
    from django.db import connections

    connections.close_all()
    return token


def count_contacts() -> int:
    from frontdoor.intake.models import Contact

    return Contact.objects.count()


def wait_for_server(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped with exit code {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start listening in time")


class Client(threading.Thread):
    """One client: POSTs a contact, waits for the answer, and posts the next, until `stop`."""

    def __init__(
        self,
        number: int,
        port: int,
        token: str,
        body: bytes,
        stop: threading.Event,
        *,
        baseline: bool,
    ):
        super().__init__(daemon=True)
        self.number, self.port, self.token, self.body, self.stop = number, port, token, body, stop
        self.path, self.expected = "/api/v1/contacts", 201
        if baseline:  # one indexed read that finds nothing: the cheapest endpoint with a query
            self.path, self.expected = "/api/v1/status", 404
            self.body = json.dumps({"reference": "FD-NONE-XIST", "secret": "x"}).encode()
        self.latencies: list[float] = []
        self.created = 0
        self.errors: dict[str, int] = {}

    def run(self) -> None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        sent = 0
        while not self.stop.is_set():
            sent += 1
            headers = {
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"bench-{self.number}-{sent}",
            }
            began = time.perf_counter()
            try:
                connection.request("POST", self.path, body=self.body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
                self.errors[type(error).__name__] = self.errors.get(type(error).__name__, 0) + 1
                continue
            self.latencies.append(time.perf_counter() - began)
            if status == self.expected:
                self.created += 1
            else:
                self.errors[str(status)] = self.errors.get(str(status), 0) + 1
        connection.close()


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def in_process(token: str, number: int, *, postgres: bool) -> None:
    """Post `number` contacts through Django's test client here, and time them."""
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.intake.factories import submission_data

    body = json.dumps(submission_data())
    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {token}")

    def post(key: str) -> None:
        close_old_connections()  # what each request starts with under gunicorn
        response = client.post(
            "/api/v1/contacts", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
        if response.status_code != 201:
            raise SystemExit(f"{response.status_code}: {response.content[:500]!r}")

    for sent in range(20):  # warm-up: imports, the kept policy version, the connection
        post(f"warm-{sent}")
    with CaptureQueriesContext(connection) as queries:
        post("counted")
    statements = len(queries.captured_queries)  # read now: each request clears the log
    print(
        f"{'PostgreSQL' if postgres else 'SQLite'}: in process, {number} contacts, "
        f"{os.cpu_count()} cores, load average {load_average()}"
    )
    walls: list[float] = []
    cpu_began = time.process_time()
    for sent in range(number):
        began = time.perf_counter()
        post(f"timed-{sent}")
        walls.append(time.perf_counter() - began)
    cpu = (time.process_time() - cpu_began) / number
    print(
        f"per request: wall p50 {percentile(walls, 0.5) * 1000:.2f} ms, "
        f"p95 {percentile(walls, 0.95) * 1000:.2f} ms; CPU {cpu * 1000:.2f} ms "
        f"(this process only, not the database server's)"
    )
    print(f"SQL statements per contact: {statements}")
    print(f"load average after: {load_average()}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warm-up", type=float, default=2, help="seconds not measured")
    # 2 workers of 4 threads (gthread): the best of those measured on 2 cores (sync workers 2-5,
    # gthread 1x8, 2x4, 2x8, 3x4, 4x4). Threads keep the clients' connections open (a sync
    # worker closes each one) and serve another request while one waits for its commit.
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--in-process",
        type=int,
        metavar="N",
        help="post N contacts through Django's test client in this process: no server",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="POST /api/v1/status instead (one read, no write): the same stack's ceiling",
    )
    args = parser.parse_args()
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("gunicorn is not installed: .venv/bin/pip install gunicorn")

    workdir = Path(tempfile.mkdtemp(prefix="frontdoor-bench-"))
    url = os.environ.get("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    postgres = url.startswith(("postgres://", "postgresql://"))
    env = {
        "DJANGO_SETTINGS_MODULE": "frontdoor.settings",
        "DATABASE_URL": url,
        "FRONTDOOR_VAR_DIR": str(workdir),
        "FRONTDOOR_DB_CONN_MAX_AGE": "600",  # persistent connections, as in production
        "FRONTDOOR_ENV": "embedded",
        "FRONTDOOR_LOG_LEVEL": "ERROR",
        # The baseline posts status checks from one address as fast as it can: the limit on
        # guessing references would answer most with 429. It still runs, with room to spare.
        "FRONTDOOR_RATE_STATUS": "1000000000/1",
    }
    database = urlparse(url).path.lstrip("/")
    if postgres:
        postgres_admin(url, f'DROP DATABASE IF EXISTS "{database}"')
        postgres_admin(url, f'CREATE DATABASE "{database}"')
    server = None
    try:
        token = set_up(env)
        if args.in_process:
            in_process(token, args.in_process, postgres=postgres)
            return
        port = free_port()
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [
                gunicorn,
                "frontdoor.wsgi:application",
                f"--bind={HOST}:{port}",
                f"--workers={args.workers}",
                f"--threads={args.threads}",
                "--log-level=warning",
            ],
            env={**os.environ, **env},
            cwd=REPO,
        )
        wait_for_server(port, server)
        from tests.intake.factories import submission_data

        body = json.dumps(submission_data()).encode()
        print(
            f"{'PostgreSQL' if postgres else 'SQLite'}: gunicorn {args.workers} workers x "
            f"{args.threads} threads, {args.clients} clients, {args.seconds:g} s "
            f"(after {args.warm_up:g} s warm-up), {os.cpu_count()} cores, "
            f"load average {load_average()}"
        )
        warm = threading.Event()
        warm_clients = [
            Client(n, port, token, body, warm, baseline=args.baseline) for n in range(args.clients)
        ]
        for client in warm_clients:
            client.start()
        time.sleep(args.warm_up)
        warm.set()
        for client in warm_clients:
            client.join()
        warm_created = sum(client.created for client in warm_clients)

        stop = threading.Event()
        clients = [
            Client(n + 1000, port, token, body, stop, baseline=args.baseline)
            for n in range(args.clients)
        ]
        began = time.perf_counter()
        for client in clients:
            client.start()
        time.sleep(args.seconds)
        stop.set()
        for client in clients:
            client.join()
        elapsed = time.perf_counter() - began

        latencies = [latency for client in clients for latency in client.latencies]
        created = sum(client.created for client in clients)
        errors: dict[str, int] = {}
        for client in clients:
            for kind, number in client.errors.items():
                errors[kind] = errors.get(kind, 0) + number
        in_database = count_contacts()
        expected = created + warm_created
        what = "status checks answered" if args.baseline else "contacts accepted"
        print(f"{what}: {created} in {elapsed:.1f} s = {created / elapsed:.0f} per second")
        if latencies:
            p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
            print(f"latency: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
            print(
                f"mean {statistics.mean(latencies) * 1000:.1f} ms, max {max(latencies) * 1000:.1f}"
            )
        print(f"errors: {errors or 'none'}; load average after: {load_average()}")
        if args.baseline:
            expected = 0
        lost = expected - in_database
        print(
            f"contacts in the database: {in_database}; 201 responses (warm-up included): "
            f"{expected}; lost: {lost}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if postgres:
            postgres_admin(url, f'DROP DATABASE IF EXISTS "{database}"')
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
