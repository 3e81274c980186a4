"""Contacts accepted per second through the API, with concurrent clients, on SQLite or PostgreSQL.

Run from the repository root:
    .venv/bin/python bench/bench_api.py                      # SQLite, a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_api \
        .venv/bin/python bench/bench_api.py                  # PostgreSQL
    .venv/bin/python bench/bench_api.py --in-process 500     # the app's own cost, no server
    .venv/bin/python bench/bench_api.py --bare               # the yardstick: bare Django

It migrates a fresh database (a temporary SQLite file, or the PostgreSQL database named in
DATABASE_URL, created and dropped here: give it a name of its own, never one in use), issues an
API token, starts the app under granian (or `--server gunicorn`) on 127.0.0.1 with persistent
database connections, then has `--clients` connections POST /api/v1/contacts back to back for
`--seconds`, from wrk (a load generator in C, `apt-get install wrk`) when installed, else from
Python threads. It prints contacts per second, p50, p95 and p99 latency, errors, and checks that
the database holds a contact for every 201 response (none lost). It prints figures and asserts
nothing about speed. granian and gunicorn come with the pinned requirements. The load average is
printed before and after: on a shared machine, compare runs made under the same load.

`--baseline` and `--bare` time yardsticks instead of contacts: a progress check through Front
Door's whole stack, and a bare Django view reading one row by primary key (bare_django.py).

`--in-process N` serves nothing: it posts N contacts through Django's test client in this
process, as the server would call the app, and prints the wall and CPU time per request and the
SQL statements per contact. It is the steadiest figure when other work shares the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from serving import (
    HOST,
    REPO,
    SERVERS,
    database_name,
    drop_postgres_database,
    fresh_postgres_database,
    is_postgres,
    load_average,
    percentile,
    start_server,
    stop_server,
)

sys.path.insert(0, str(REPO))  # for tests.intake.factories: the same body the API tests send


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


@dataclass(frozen=True)
class Route:
    """What the clients post, the status that counts as answered, and how the figure is named."""

    path: str
    expected: int
    answered: str
    body: str | None = None  # None: the contact from the API tests
    app: str = "frontdoor.wsgi:application"


ROUTES = {
    "contacts": Route("/api/v1/contacts", 201, "contacts accepted"),
    # One indexed read that finds nothing (404): Front Door's cheapest route with a query.
    "status": Route(
        "/api/v1/status",
        404,
        "status checks answered",
        body=json.dumps({"reference": "FD-NONE-XIST", "secret": "x"}),
    ),
    # Django alone: one read by primary key, no middleware (bare_django.py).
    "bare": Route("/", 200, "bare Django reads answered", body="", app="bare_django:application"),
}


def count_contacts() -> int:
    from frontdoor.intake.models import Contact

    return Contact.objects.count()


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
        route: Route,
    ):
        super().__init__(daemon=True)
        self.number, self.port, self.token, self.stop = number, port, token, stop
        self.path, self.expected = route.path, route.expected
        self.body = body if route.body is None else route.body.encode()
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


def in_process(token: str, number: int, *, postgres: bool) -> None:
    """Post `number` contacts through Django's test client here, and time them."""
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.intake.factories import submission_data

    body = json.dumps(submission_data())
    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {token}")

    def post(key: str) -> None:
        close_old_connections()  # what each request starts with under a server
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


WRK_SCRIPT = r"""
-- Each connection POSTs back to back; each request has an Idempotency-Key of its own.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end
local sent = 0
request = function()
  sent = sent + 1
  wrk.headers["Idempotency-Key"] = RUN .. "-" .. number .. "-" .. sent
  return wrk.format("POST", PATH, nil, BODY)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max))
end
"""


class Measured:
    """What one timed run gave: requests answered as expected, errors, time and latencies."""

    def __init__(self, *, answered: int, errors: dict[str, int], elapsed: float, latency_ms):
        self.answered, self.errors, self.elapsed = answered, errors, elapsed
        self.p50, self.p95, self.p99, self.max = latency_ms


def run_wrk(
    port: int, token: str, body: bytes, *, clients: int, seconds: float, run: str, route: Route
) -> Measured:
    """Drive the server with wrk (Debian's `wrk`), a load generator in C: on two shared cores it
    takes a small share of the CPU, where Python client threads take a large one."""
    body_text = body.decode() if route.body is None else route.body
    script = WRK_SCRIPT.replace("RUN ..", f"{json.dumps(run)} ..")
    script = script.replace("PATH", json.dumps(route.path)).replace("BODY", f"[==[{body_text}]==]")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        result = subprocess.run(  # noqa: S603 - wrk with our own arguments
            [
                shutil.which("wrk") or "wrk",
                f"--threads={min(2, clients)}",
                f"--connections={clients}",
                f"--duration={max(1, round(seconds))}s",
                "--timeout=30s",
                f"--script={file.name}",
                f"--header=Authorization: Bearer {token}",
                "--header=Content-Type: application/json",
                f"http://{HOST}:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(file.name)
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("RESULT "))
    requests, status_errors, socket_errors, duration_us, *latency_us = map(int, line.split()[1:])
    errors = {}
    expected_error = route.expected >= 400  # wrk counts every status of 400 and up as an error
    if status_errors and not expected_error:
        errors["status >= 400"] = status_errors
    if socket_errors:
        errors["socket"] = socket_errors
    answered = requests - (0 if expected_error else status_errors) - socket_errors
    return Measured(
        answered=answered,
        errors=errors,
        elapsed=duration_us / 1e6,
        latency_ms=[value / 1000 for value in latency_us],
    )


def run_python_clients(
    port: int, token: str, body: bytes, *, clients: int, seconds: float, run: str, route: Route
) -> Measured:
    """Drive the server with `clients` Python threads (for a machine without wrk)."""
    stop = threading.Event()
    offset = 0 if run == "warm" else 1000
    threads = [Client(n + offset, port, token, body, stop, route=route) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies = sorted(latency for thread in threads for latency in thread.latencies)
    errors: dict[str, int] = {}
    for thread in threads:
        for kind, number in thread.errors.items():
            errors[kind] = errors.get(kind, 0) + number
    if not latencies:
        latencies = [0.0]
    return Measured(
        answered=sum(thread.created for thread in threads),
        errors=errors,
        elapsed=elapsed,
        latency_ms=[
            percentile(latencies, 0.5) * 1000,
            percentile(latencies, 0.95) * 1000,
            percentile(latencies, 0.99) * 1000,
            latencies[-1] * 1000,
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warm-up", type=float, default=2, help="seconds not measured")
    # granian, 2 workers of 4 threads: the best of those measured on 2 cores (granian 1x8, 2x2,
    # 2x3, 2x4, 2x8, 3x1, 3x2, 3x3, 4x1, 4x2, 6x1; gunicorn gthread 2x4 was the best of its
    # own, about two thirds of granian's rate). Threads serve another request while one waits
    # for the database.
    parser.add_argument("--server", choices=SERVERS, default="granian")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument(
        "--generator",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="the load generator: wrk (apt-get install wrk; the default when installed) or "
        "Python threads",
    )
    parser.add_argument(
        "--in-process",
        type=int,
        metavar="N",
        help="post N contacts through Django's test client in this process: no server",
    )
    yardstick = parser.add_mutually_exclusive_group()
    yardstick.add_argument(
        "--baseline",
        action="store_true",
        help="POST /api/v1/status instead (one read, no write): the same stack's ceiling",
    )
    yardstick.add_argument(
        "--bare",
        action="store_true",
        help="serve a bare Django view reading one row by primary key instead (bare_django.py)",
    )
    args = parser.parse_args()
    route = ROUTES["bare" if args.bare else "status" if args.baseline else "contacts"]

    workdir = Path(tempfile.mkdtemp(prefix="frontdoor-bench-"))
    url = os.environ.get("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    postgres = is_postgres(url)
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
    if postgres:
        fresh_postgres_database(url)
    server = None
    try:
        token = set_up(env)
        if args.in_process:
            in_process(token, args.in_process, postgres=postgres)
            return
        server, port = start_server(
            env, app=route.app, server=args.server, workers=args.workers, threads=args.threads
        )
        from tests.intake.factories import submission_data

        body = json.dumps(submission_data()).encode()
        drive = run_wrk if args.generator == "wrk" else run_python_clients
        print(
            f"{'PostgreSQL' if postgres else 'SQLite'} ({database_name(url)}): {args.server} "
            f"{args.workers} workers x {args.threads} threads, {args.clients} clients "
            f"({args.generator}), {args.seconds:g} s (after {args.warm_up:g} s warm-up), "
            f"{os.cpu_count()} cores, load average {load_average()}"
        )
        load = {"clients": args.clients, "route": route}
        warm = drive(port, token, body, seconds=args.warm_up, run="warm", **load)
        measured = drive(port, token, body, seconds=args.seconds, run="timed", **load)

        rate = measured.answered / measured.elapsed
        print(
            f"{route.answered}: {measured.answered} in {measured.elapsed:.1f} s "
            f"= {rate:.0f} per second"
        )
        print(
            f"latency: p50 {measured.p50:.1f} ms, p95 {measured.p95:.1f} ms, "
            f"p99 {measured.p99:.1f} ms, max {measured.max:.1f} ms"
        )
        print(f"errors: {measured.errors or 'none'}; load average after: {load_average()}")
        if route is ROUTES["contacts"]:
            in_database = count_contacts()
            answered = warm.answered + measured.answered
            # A load generator stops with requests in flight: the server may record those
            # without their answer being counted, so the database may hold a few more.
            print(
                f"contacts in the database: {in_database}; accepted answers (warm-up included): "
                f"{answered}; lost: {max(0, answered - in_database)}; recorded while the run "
                f"was stopping: {max(0, in_database - answered)} (at most {2 * args.clients})"
            )
    finally:
        stop_server(server)
        from django.db import connections

        connections.close_all()
        if postgres:
            drop_postgres_database(url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
