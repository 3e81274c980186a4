"""What the benchmarks that serve the app share: a database of their own, a server on loopback.

Not a benchmark: `bench_api.py` and `bench_load.py` import it. The server is the app as
production runs it: granian (or gunicorn with gthread workers) on 127.0.0.1 with persistent
database connections (FRONTDOOR_DB_CONN_MAX_AGE), started from this repository's virtual
environment.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def postgres_admin(url: str, sql: str) -> None:
    """Run CREATE/DROP DATABASE on the server's `postgres` database."""
    import psycopg

    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql)


def fresh_postgres_database(url: str, *, marker: str = "bench") -> None:
    """Drop and create the database named in `url`, which must be a benchmark's own.

    The name must contain `marker`, so a slip in DATABASE_URL cannot wipe the development,
    test or production database.
    """
    name = database_name(url)
    if marker not in name or name in {"postgres", "template0", "template1"}:
        raise SystemExit(
            f"refusing to drop and create {name!r}: give the benchmark a database of its own, "
            f"whose name contains {marker!r}"
        )
    postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    postgres_admin(url, f'CREATE DATABASE "{name}"')


def drop_postgres_database(url: str) -> None:
    postgres_admin(url, f'DROP DATABASE IF EXISTS "{database_name(url)}"')


SERVERS = ("gunicorn", "granian")


def server_path(server: str) -> str:
    found = shutil.which(server, path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit(f"{server} is not installed: .venv/bin/pip install -r requirements.txt")
    return found


def start_server(
    env: dict[str, str],
    *,
    app: str = "frontdoor.wsgi:application",
    server: str = "gunicorn",
    workers: int,
    threads: int,
    extra: tuple[str, ...] = (),
    log: IO[bytes] | None = None,
) -> tuple[subprocess.Popen, int]:
    """Serve `app` (Front Door by default; a module of bench/ by its name) on a free port of
    127.0.0.1 with gunicorn (gthread workers) or granian (WSGI, its HTTP in Rust); return the
    process and the port once it listens. `log` receives the server's output (its error log and
    Django's), if given."""
    port = free_port()
    if server == "gunicorn":
        arguments = [
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--log-level=warning",
        ]
    else:
        arguments = [
            "--interface=wsgi",
            f"--host={HOST}",
            f"--port={port}",
            f"--workers={workers}",
            f"--blocking-threads={threads}",
            "--log-level=warning",
            "--no-access-log",
        ]
    paths = [str(REPO / "bench"), os.environ.get("PYTHONPATH")]  # bench/ for its own apps
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [server_path(server), *arguments, *extra, app],
        env={**os.environ, **env, "PYTHONPATH": os.pathsep.join(filter(None, paths))},
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
    )
    wait_for_server(port, process)
    return process, port


def stop_server(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wait_for_server(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped with exit code {server.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start listening in time")


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
