"""How fast the MASH manager's screening queue answers with 500,000 historical contacts (R25).

Run from the repository root:

    .venv/bin/python bench/bench_queue.py [--contacts 500000] [--open 400] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_queue \\
        .venv/bin/python bench/bench_queue.py

It writes the contacts as bench_inbox.py does (a benchmark shortcut), closes all but `--open` of
them (the history a council builds up: decided and closed contacts stay in the tables), assigns
some open ones to a worker, then times /queues/screening/ as a MASH manager: no filter, one
stage, overdue only, and a deep page. It prints p50, p95 and max in milliseconds and each page's
query count. The target is a p95 under 150 ms. It asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_inbox import fill, time_page
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Contact
from frontdoor.screening.models import Assignment

TARGET_MS = 150


def open_some(count: int, worker: User) -> None:
    """Close every contact but the latest `count`; spread those over the open stages."""
    keep = list(Contact.objects.order_by("-received_at").values_list("pk", flat=True)[:count])
    # A closed contact was progressed (R25): at its arrival, as a benchmark shortcut.
    Contact.objects.exclude(pk__in=keep).update(
        state=Contact.State.CLOSED, progressed_at=F("received_at")
    )
    stages = [
        Contact.State.RECEIVED,
        Contact.State.SCREENING,
        Contact.State.AWAITING_DECISION,
    ]
    now = timezone.now()
    for n, pk in enumerate(keep):
        stage = stages[n % len(stages)]
        Contact.objects.filter(pk=pk).update(state=stage)
        if stage != Contact.State.RECEIVED:
            Assignment.objects.update_or_create(
                contact_id=pk,
                defaults={
                    "worker": worker,
                    "team": "MASH",
                    "assigned_at": now,
                    "assigned_by": worker,
                },
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--open", type=int, default=400)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    existing = Contact.objects.count()
    if existing < args.contacts:
        print(f"writing {args.contacts - existing:,} contacts ...")
        began = time.perf_counter()
        fill(args.contacts - existing, seed=existing + 2026)
        print(f"written in {time.perf_counter() - began:.1f} s")
    worker, _ = User.objects.get_or_create(
        username="bench-worker", defaults={"role": Role.MASH_SOCIAL_WORKER, "team": "MASH"}
    )
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.MASH_MANAGER}
    )
    open_some(args.open, worker)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Contact.objects.count()
    still_open = Contact.objects.exclude(state=Contact.State.CLOSED).count()
    print(f"{total:,} contacts, {still_open:,} open")

    client = Client()
    client.force_login(manager)
    cases = [
        ("no filter", {}),
        ("awaiting a decision", {"state": "awaiting_decision"}),
        ("overdue only", {"overdue": "1"}),
        ("page 5", {"page": "5"}),
    ]
    print(f"{args.requests} requests each; target p95 under {TARGET_MS} ms")
    print(f"{'case':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, params in cases:
        timings, queries = time_page(client, params, args.requests, path="/queues/screening/")
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{name:32} {statistics.median(timings):8.1f} {p95:8.1f} {max(timings):8.1f} "
            f"{queries:8d}{'' if p95 < TARGET_MS else '  over target'}"
        )


if __name__ == "__main__":
    main()
