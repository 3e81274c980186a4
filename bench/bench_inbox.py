"""How fast the front door inbox page answers with 100,000 contacts in the database (R25).

Run from the repository root:

    .venv/bin/python bench/bench_inbox.py [--contacts 100000] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_bench .venv/bin/python bench/bench_inbox.py

Without DATABASE_URL it uses a new SQLite file in a temporary folder. It migrates, then writes the
contacts with bulk_create (one report and one or two children each, straight into the tables: a
benchmark shortcut, never how the system records a contact), signs in a contact officer, and times
requests of /contacts/ through django.test.Client: no filter, a channel filter, the overdue filter
and a deep page. It prints p50, p95 and max in milliseconds and each page's query count, and the
database's plan for the page's main query. The target is a p95 under 150 ms. It asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

TEMP = Path(tempfile.mkdtemp(prefix="frontdoor-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
os.environ.setdefault("FRONTDOOR_VAR_DIR", str(TEMP))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TEMP / 'bench.sqlite3'}")
os.environ.setdefault("FRONTDOOR_ALLOWED_HOSTS", "testserver,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from frontdoor.accounts.models import User  # noqa: E402
from frontdoor.accounts.roles import Role  # noqa: E402
from frontdoor.intake import selectors  # noqa: E402
from frontdoor.intake.models import Channel, Contact, Report, ReportedChild  # noqa: E402
from frontdoor.policy.clocks import start_clock  # noqa: E402
from frontdoor.policy.registry import calendar_for, current_loaded_policy  # noqa: E402
from frontdoor.policy.schema import TimescaleKey  # noqa: E402
from frontdoor.policy.versions import current_policy_version  # noqa: E402

TARGET_MS = 150
BATCH = 5_000
CHANNELS = [c for c in Channel if c != Channel.API]
FIRST_NAMES = ["Ellis", "Robin", "Sam", "Alex", "Jordan", "Casey", "Riley", "Morgan"]


def fill(contacts: int, *, seed: int = 2026) -> None:
    """`contacts` new contacts received over the last 60 days, each with a report and children."""
    rng = random.Random(seed)
    loaded = current_loaded_policy()
    calendar = calendar_for(loaded)
    timescale = loaded.policy.timescale(TimescaleKey.CONTACT_PROGRESSED)
    version = current_policy_version()
    now = timezone.now()
    span = int(dt.timedelta(days=60).total_seconds())
    made = 0
    while made < contacts:
        size = min(BATCH, contacts - made)
        batch = []
        for n in range(made, made + size):
            received = now - dt.timedelta(seconds=rng.randrange(span))
            due = start_clock(timescale=timescale, start=received, calendar=calendar)
            batch.append(
                Contact(
                    reference=f"FD-B{n:07d}",
                    received_at=received,
                    progress_due_at=due.due if due else None,
                    policy_version=version,
                )
            )
        Contact.objects.bulk_create(batch)
        saved = list(
            Contact.objects.filter(reference__in=[c.reference for c in batch]).only(
                "id", "received_at"
            )
        )
        reports = Report.objects.bulk_create(
            Report(
                contact_id=contact.pk,
                channel=rng.choice(CHANNELS),
                received_at=contact.received_at,
                referrer_type="professional",
                referrer_name="Bench Referrer",
                worry="A benchmark contact.",
                consent="given",
            )
            for contact in saved
        )
        if connection.vendor == "sqlite" or reports[0].pk is None:
            reports = list(
                Report.objects.filter(contact_id__in=[c.pk for c in saved]).only("id", "contact_id")
            )
        ReportedChild.objects.bulk_create(
            ReportedChild(
                contact_id=report.contact_id,
                report_id=report.pk,
                first_name=rng.choice(FIRST_NAMES),
                last_name=f"Bench{sibling}",
            )
            for report in reports
            for sibling in range(rng.choice((1, 1, 2)))
        )
        made += size
        print(f"  {made:,} contacts written", end="\r", flush=True)
    print()


def time_page(
    client: Client, params: dict, requests: int, *, path: str = "/contacts/"
) -> tuple[list[float], int]:
    """Milliseconds for each of `requests` GETs of `path`, and the query count of one."""
    client.get(path, params)  # warm up
    # What is loaded is kept out of the collector's way, as `frontdoor.wsgi` does when a server
    # starts (there, before the first request).
    gc.freeze()
    # Django empties the query log when a request starts: start the count from an empty log.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    count = len(queries)  # read now: the next request empties the log it is read from
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        client.get(path, params)
        timings.append((time.perf_counter() - began) * 1000)
    return timings, count


def explain(user: User, params: dict) -> str:
    contacts = selectors.inbox(
        user=user, channel=params.get("channel", ""), age=params.get("age", "")
    )
    return contacts[:50].explain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    existing = Contact.objects.count()
    if existing < args.contacts:
        print(f"writing {args.contacts - existing:,} contacts ...")
        began = time.perf_counter()
        fill(args.contacts - existing, seed=existing + 2026)
        print(f"written in {time.perf_counter() - began:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{Contact.objects.count():,} contacts, {Report.objects.count():,} reports")

    officer, _ = User.objects.get_or_create(
        username="bench-officer", defaults={"role": Role.CONTACT_OFFICER}
    )
    client = Client()
    client.force_login(officer)
    cases = [
        ("no filter", {}),
        ("channel: police notification", {"channel": "police_notification"}),
        ("overdue only", {"age": "overdue"}),
        ("received today", {"age": "today"}),
        ("page 100", {"page": "100"}),
    ]
    print(f"{args.requests} requests each; target p95 under {TARGET_MS} ms")
    print(f"{'case':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, params in cases:
        timings, queries = time_page(client, params, args.requests)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{name:32} {statistics.median(timings):8.1f} {p95:8.1f} {max(timings):8.1f} "
            f"{queries:8d}{'' if p95 < TARGET_MS else '  over target'}"
        )
        if args.explain:
            print(explain(officer, params))


if __name__ == "__main__":
    main()
