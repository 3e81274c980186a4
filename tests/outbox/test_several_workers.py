"""Two task workers on one PostgreSQL, one killed in the middle of a send: every message is sent,
and none twice (docs/several-machines.md).

The workers are real processes (`db_worker`) taking the real tasks and outbox rows, sending
through a local stand-in for GOV.UK Notify; the worker killed has just had its message taken by
Notify and never hears so.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from frontdoor.outbox.models import Message
from frontdoor.outbox.services import CLAIM_EXPIRES, queue_message
from frontdoor.outbox.tasks import send_outbox
from tests import row_security

from .notify_server import API_KEY, EMAIL_TEMPLATE, SMS_TEMPLATE, NotifyServer

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="workers in processes of their own share a database server: PostgreSQL's",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 12
WORKER_OPTIONS = ("--no-startup-delay", "--no-reload", "--interval", "0.2")


def _until(what: str, done: Callable[[], bool], seconds: float = 40) -> None:
    end = time.monotonic() + seconds
    while not done():
        if time.monotonic() > end:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.1)


@pytest.fixture
def notify() -> Iterator:
    with NotifyServer() as state:
        yield state
        state.release.set()


@pytest.fixture
def start_worker(notify) -> Iterator[Callable[[], subprocess.Popen]]:
    database = connection.settings_dict
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "FRONTDOOR_ENV": "test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "FRONTDOOR_OUTBOX_SENDER": "notify",
        "FRONTDOOR_NOTIFY_API_KEY": API_KEY,
        "FRONTDOOR_NOTIFY_BASE_URL": notify.url,
        "FRONTDOOR_NOTIFY_TEMPLATES": f"email={EMAIL_TEMPLATE},sms={SMS_TEMPLATE}",
    }
    if row_security.OWNER_TAKEN:
        # As the suite's own connections: the tables' owner, behind row-level security.
        env["PGOPTIONS"] = f"-c role={row_security.OWNER}"
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "-m", "frontdoor", "db_worker", *WORKER_OPTIONS],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()


def _sent() -> int:
    return Message.objects.filter(sent_at__isnull=False).count()


def _holding(workers: list[subprocess.Popen], port: int) -> subprocess.Popen:
    """The worker whose connection comes from `port` (Linux's /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for worker in workers:
        for fd in Path(f"/proc/{worker.pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return worker
            except OSError:
                continue
    raise AssertionError(f"no worker sends from port {port}")


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(notify, start_worker):
    notify.hold_after_taking = True
    workers = [start_worker(), start_worker()]
    for n in range(MESSAGES):
        # Each queued after its own commit: the first queues a send task.
        queue_message(
            key=f"several-workers-{n}",
            kind="test",
            to=f"worker{n}@example.org",
            subject="Test",
            body="Test",
        )
    send_outbox.enqueue()  # a second, so that both workers send
    _until("a worker's send to be taken", notify.held.is_set)
    # That worker waits for Notify's answer, holding its claim, and dies; the other sends the
    # rest.
    killed = _holding(workers, notify.held_port)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    (survivor,) = (worker for worker in workers if worker is not killed)
    _until("the other worker to send the rest", lambda: _sent() == MESSAGES - 1)
    (held,) = Message.objects.filter(sent_at__isnull=True)
    assert held.attempts == 1 and held.claimed_at is not None

    # Once the dead worker's claim expires, the next run takes the message again.
    Message.objects.filter(pk=held.pk).update(claimed_at=timezone.now() - CLAIM_EXPIRES)
    send_outbox.enqueue()
    _until("the held message to be sent", lambda: _sent() == MESSAGES)
    assert survivor.poll() is None

    references = sorted(n["reference"] for n in notify.sent())
    assert references == sorted(f"several-workers-{n}" for n in range(MESSAGES))
    # Notify was asked whether it had the held message, and not sent it again.
    assert sum(method == "POST" for method, _ in notify.requests) == MESSAGES
    held.refresh_from_db()
    assert held.attempts == 2
    assert held.sent_at is not None and held.sent_at > timezone.now() - dt.timedelta(minutes=1)
