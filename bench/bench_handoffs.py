"""Hand-offs from a decision to a record system's webhook, end to end, and through an outage (R44).

Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/bench_handoffs.py [--latency 100] [--rate 2]
        [--outage 60] [--burst 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_handoffs \\
        PYTHONPATH=src .venv/bin/python bench/bench_handoffs.py

It migrates a fresh database (a temporary SQLite file, or the PostgreSQL database named in
DATABASE_URL, which it drops and creates: its name must contain "bench"), records contacts, then
runs what production runs, as processes of their own: the receiver (`python -m frontdoor
handoff-receiver`, which checks each signature), the background worker (`db_worker`, which
delivers straight after each decision's commit) and the scheduler (`run-schedule`, whose
`deliver-handoffs` job retries those due every minute), with `FRONTDOOR_HANDOFF_WEBHOOKS`
pointing at the receiver. This process records the managers' decisions (as the decision page
does, through `record_decision`) and reads the receiver's output to time each arrival.

1. Latency: `--latency` decisions, `--rate` a second; the time from each decision's commit to
   its webhook's arrival: p50, p95, max. The target is a p95 under 10 s.
2. Throughput: `--burst` decisions at once; hand-offs delivered a second until all arrive.
3. Outage: the receiver is stopped for `--outage` seconds while decisions go on at `--rate`,
   then started again; how long until every hand-off arrived, the slowest decision-to-arrival,
   and that none was lost (each hand-off's `webhook-id` arrived at least once).

It asserts nothing and prints the figures.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # the tests' submission factory
sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import fresh_postgres_database, is_postgres  # noqa: E402

TEMP = Path(tempfile.mkdtemp(prefix="frontdoor-bench-handoffs-"))
SECRET = "whsec_" + base64.b64encode(os.urandom(24)).decode()
TARGET_P95_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = free_port()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
os.environ.setdefault("FRONTDOOR_VAR_DIR", str(TEMP))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TEMP / 'bench.sqlite3'}")
os.environ["FRONTDOOR_HANDOFF_WEBHOOKS"] = (
    f'{{"lcs": {{"url": "http://127.0.0.1:{PORT}/handoffs", "secret": "{SECRET}"}}}}'
)
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
)
if is_postgres(os.environ["DATABASE_URL"]):
    fresh_postgres_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from frontdoor.accounts.models import User  # noqa: E402
from frontdoor.accounts.roles import Role  # noqa: E402
from frontdoor.handoffs.models import HandOff  # noqa: E402
from frontdoor.intake.models import Channel  # noqa: E402
from frontdoor.intake.services import record_contact  # noqa: E402
from frontdoor.screening.decisions import record_decision  # noqa: E402
from tests.intake.factories import make_submission  # noqa: E402

ARRIVAL = re.compile(r"^handoff\.\w+ (\d+) for ")


class Arrivals:
    """Each hand-off id's arrival times at the receiver, read from its output."""

    def __init__(self) -> None:
        self.times: dict[int, list[float]] = {}
        self.lock = threading.Lock()

    def read(self, stream) -> None:
        for line in stream:
            found = ARRIVAL.match(line)
            if found:
                with self.lock:
                    self.times.setdefault(int(found[1]), []).append(time.time())

    def first(self, handoff_id: int) -> float | None:
        with self.lock:
            times = self.times.get(handoff_id)
            return times[0] if times else None

    def duplicates(self) -> int:
        with self.lock:
            return sum(len(times) - 1 for times in self.times.values())


def start(args: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603  # this Python, Front Door's own commands
        [sys.executable, "-m", "frontdoor", *args],
        cwd=ROOT,
        start_new_session=True,
        **kwargs,
    )


def start_receiver(arrivals: Arrivals) -> subprocess.Popen:
    process = start(
        ["handoff-receiver", "--port", str(PORT), "--secret", SECRET],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        bufsize=1,
    )
    threading.Thread(target=arrivals.read, args=(process.stdout,), daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the receiver did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Decider:
    """Records contacts ahead, then a decision on each when asked: the hand-off and its time."""

    def __init__(self, officer: User, manager: User) -> None:
        self.officer = officer
        self.manager = manager
        self.waiting: list = []
        self.decided: dict[int, float] = {}  # hand-off id: when its decision committed

    def prepare(self, count: int) -> None:
        for _ in range(count):
            contact = record_contact(
                submission=make_submission(),
                channel=Channel.TELEPHONE,
                received_at=timezone.now(),
                by=self.officer,
            ).contact
            self.waiting.append((contact, contact.children.first()))

    def decide(self) -> int:
        contact, child = self.waiting.pop()
        decision = record_decision(
            contact=contact,
            child=child,
            by=self.manager,
            level=3,
            outcome="child_and_family_assessment",
            rationale="Bruising with an account of being hit: an assessment is needed.",
            primary_need="N1",
        )
        committed = time.time()
        (handoff_id,) = HandOff.objects.filter(decision=decision).values_list("pk", flat=True)
        self.decided[handoff_id] = committed
        return handoff_id

    def at_rate(self, rate: float, seconds: float | None = None, count: int | None = None):
        began = time.monotonic()
        ids = []
        n = 0
        while True:
            if count is not None and n >= count:
                break
            if seconds is not None and time.monotonic() - began >= seconds:
                break
            due = began + n / rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            ids.append(self.decide())
            n += 1
        return ids


def wait_for(arrivals: Arrivals, ids: list[int], timeout: float) -> float | None:
    """Wait until every hand-off in `ids` has arrived; when the last did, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        times = [arrivals.first(i) for i in ids]
        if all(t is not None for t in times):
            return max(times)  # type: ignore[type-var]
        time.sleep(0.2)
    return None


def latencies(decider: Decider, arrivals: Arrivals, ids: list[int]) -> list[float]:
    return sorted(
        arrivals.first(i) - decider.decided[i]  # type: ignore[operator]
        for i in ids
        if arrivals.first(i) is not None
    )


def p(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=int, default=100, help="decisions timed one by one")
    parser.add_argument("--rate", type=float, default=2.0, help="decisions a second")
    parser.add_argument("--burst", type=int, default=200, help="decisions made at once")
    parser.add_argument("--outage", type=float, default=60.0, help="seconds the receiver is down")
    parser.add_argument("--after", type=float, default=10.0, help="decisions after it is back")
    parser.add_argument("--wait", type=float, default=600.0, help="longest wait for arrivals")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(
        "retries: first after "
        f"{os.environ.get('FRONTDOOR_HANDOFF_FIRST_RETRY_SECONDS', '30')} s, doubling; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    call_command("migrate", verbosity=0)
    officer, _ = User.objects.get_or_create(
        username="bench-officer", defaults={"role": Role.CONTACT_OFFICER}
    )
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.MASH_MANAGER}
    )
    decider = Decider(officer, manager)
    outage_count = int(args.rate * (args.outage + args.after)) + 5
    total = args.latency + args.burst + outage_count
    began = time.perf_counter()
    decider.prepare(total)
    print(f"recorded {total} contacts in {time.perf_counter() - began:.1f} s")

    arrivals = Arrivals()
    receiver = start_receiver(arrivals)
    worker = start(["db_worker"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scheduler = start(["run-schedule"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)  # the worker and the scheduler start

        # 1. Latency, one decision at a time.
        ids = decider.at_rate(args.rate, count=args.latency)
        wait_for(arrivals, ids, args.wait)
        times = latencies(decider, arrivals, ids)
        print(
            f"\nlatency, decision committed to webhook received ({len(times)} of {len(ids)} "
            f"at {args.rate:g}/s): p50 {p(times, 50):.2f} s, p95 {p(times, 95):.2f} s, "
            f"max {times[-1]:.2f} s; target p95 < {TARGET_P95_SECONDS:g} s: "
            + ("met" if p(times, 95) < TARGET_P95_SECONDS else "NOT met")
        )

        # 2. Throughput: a burst of decisions at once.
        began_burst = time.time()
        ids = [decider.decide() for _ in range(args.burst)]
        decided_in = time.time() - began_burst
        last = wait_for(arrivals, ids, args.wait)
        times = latencies(decider, arrivals, ids)
        if last is not None:
            print(
                f"\nthroughput: {args.burst} decisions in {decided_in:.1f} s "
                f"({args.burst / decided_in:.1f}/s); all delivered {last - began_burst:.1f} s "
                f"after the first: {args.burst / (last - began_burst):.1f} hand-offs/s "
                f"end to end; latency p50 {p(times, 50):.2f} s, p95 {p(times, 95):.2f} s"
            )
        else:
            print(f"\nthroughput: only {len(times)} of {args.burst} arrived in {args.wait:g} s")

        # 3. The receiver down for a while, decisions going on.
        stop(receiver)
        down_at = time.time()
        during = decider.at_rate(args.rate, seconds=args.outage)
        receiver = start_receiver(arrivals)
        up_at = time.time()
        after = decider.at_rate(args.rate, seconds=args.after)
        ids = during + after
        last = wait_for(arrivals, ids, args.wait)
        times = latencies(decider, arrivals, ids)
        lost = [i for i in ids if arrivals.first(i) is None]
        backlog = [arrivals.first(i) for i in during]
        print(
            f"\noutage: receiver down {up_at - down_at:.0f} s; {len(during)} decisions while "
            f"down, {len(after)} after"
        )
        if last is not None:
            drained = max(t for t in backlog if t is not None) - up_at
            print(
                f"  the backlog all arrived {drained:.1f} s after the receiver was back "
                f"({len(during) / max(drained, 0.001):.1f} hand-offs/s over that time)"
            )
        print(
            f"  decision to arrival: p50 {p(times, 50):.1f} s, p95 {p(times, 95):.1f} s, "
            f"max {times[-1]:.1f} s"
        )
        after_times = latencies(decider, arrivals, after)
        if after_times:
            print(
                f"  decisions made after it was back: p95 {p(after_times, 95):.2f} s, "
                f"max {after_times[-1]:.2f} s"
            )
        print(
            f"  lost: {len(lost)}; arrived more than once: {arrivals.duplicates()} "
            "(kept once by webhook-id)"
        )
        attempts = list(HandOff.objects.filter(pk__in=during).values_list("attempts", flat=True))
        if attempts:
            print(
                f"  tries per hand-off made while down: median {statistics.median(attempts):g}, "
                f"most {max(attempts)}"
            )
    finally:
        for process in (scheduler, worker, receiver):
            stop(process)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
