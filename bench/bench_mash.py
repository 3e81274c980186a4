"""MASH figures: a partner agency's enquiry list with 100,000 enquiries, and how late chasers fire.

Run from the repository root:

    .venv/bin/python bench/bench_mash.py list [--enquiries 100000] [--requests 200]
    .venv/bin/python bench/bench_mash.py chase [--requests 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_mash .venv/bin/python ...

`list` writes contacts as bench_inbox.py does, then one enquiry per contact, each sent to one of
ten agencies (a benchmark shortcut straight into the tables), and times /mash/requests/ as a
police user: p50, p95, max and the query count. Target: p95 under 100 ms.

`chase` sends `--requests` Red enquiries whose clocks run out over the next two minutes, starts
`python -m frontdoor run-schedule` as the embedded default does, waits, and prints how long after
each due time the overdue chase was recorded. Target: within 60 s. It asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_inbox import TEMP, fill, time_page
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Contact, ReportedChild
from frontdoor.mash.models import AgencyRequest, Enquiry
from frontdoor.policy.registry import current_policy
from frontdoor.policy.versions import current_policy_version

REPO = Path(__file__).resolve().parents[1]
BATCH = 5_000


def enquire_all(manager: User) -> None:
    """One enquiry per contact without one, each to one of ten agencies, a third answered."""
    agencies = [agency.key for agency in current_policy().agencies][:10]
    version = current_policy_version()
    now = timezone.now()
    done = set(Enquiry.objects.values_list("contact_id", flat=True))
    children = (
        ReportedChild.objects.exclude(contact_id__in=done)
        .order_by("contact_id", "id")
        .values_list("contact_id", "id")
    )
    first_child: dict[int, int] = {}
    for contact_id, child_id in children.iterator():
        first_child.setdefault(contact_id, child_id)
    items = list(first_child.items())
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        enquiries = Enquiry.objects.bulk_create(
            Enquiry(
                contact_id=contact_id,
                child_id=child_id,
                rag="amber",
                reason="Benchmark enquiry.",
                sent_by=manager,
                sent_at=now - dt.timedelta(minutes=n),
                closed_at=None if n % 3 else now,
                policy_version=version,
            )
            for n, (contact_id, child_id) in enumerate(batch, start)
        )
        if enquiries[0].pk is None:  # SQLite before RETURNING: read the ids back
            enquiries = list(
                Enquiry.objects.filter(contact_id__in=[c for c, _ in batch]).order_by("id")
            )
        AgencyRequest.objects.bulk_create(
            AgencyRequest(
                enquiry_id=enquiry.pk,
                agency_key=agencies[enquiry.pk % len(agencies)],
                alerted_at=enquiry.sent_at,
                due_at=enquiry.sent_at + dt.timedelta(hours=6),
                answered_at=enquiry.sent_at + dt.timedelta(hours=2)
                if enquiry.pk % 3 == 0
                else None,
            )
            for enquiry in enquiries
        )
        print(f"  {start + len(batch):,} enquiries written", end="\r", flush=True)
    print()


def bench_list(args) -> None:
    existing = Contact.objects.count()
    if existing < args.enquiries:
        print(f"writing {args.enquiries - existing:,} contacts ...")
        fill(args.enquiries - existing, seed=existing + 2026)
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.MASH_MANAGER}
    )
    enquire_all(manager)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    police, _ = User.objects.get_or_create(
        username="bench-police", defaults={"role": Role.PARTNER_AGENCY, "agency_key": "police"}
    )
    print(
        f"{Enquiry.objects.count():,} enquiries, "
        f"{AgencyRequest.objects.filter(agency_key='police').count():,} sent to the police"
    )
    client = Client()
    client.force_login(police)
    print(f"{args.requests} requests each; target p95 under 100 ms")
    print(f"{'case':24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, params in (("first page", {}), ("page 20", {"page": "20"})):
        timings, queries = time_page(client, params, args.requests, path="/mash/requests/")
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{name:24} {statistics.median(timings):8.1f} {p95:8.1f} {max(timings):8.1f} "
            f"{queries:8d}{'' if p95 < 100 else '  over target'}"
        )


def bench_chase(args) -> None:
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.MASH_MANAGER}
    )
    if not Contact.objects.exists():
        fill(args.requests)
    version = current_policy_version()
    now = timezone.now()
    contacts = list(Contact.objects.order_by("-id")[: args.requests])
    requests = []
    for n, contact in enumerate(contacts):
        child = ReportedChild.objects.filter(contact=contact).first()
        Enquiry.objects.filter(child=child).update(closed_at=now)
        enquiry = Enquiry.objects.create(
            contact=contact,
            child=child,
            rag="red",
            reason="Chase benchmark.",
            sent_by=manager,
            sent_at=now,
            policy_version=version,
        )
        due = now + dt.timedelta(seconds=20 + n * 100 / max(1, args.requests))
        requests.append(
            AgencyRequest.objects.create(
                enquiry=enquiry,
                agency_key="police",
                alerted_at=now - dt.timedelta(hours=2),
                due_at=due,
            )
        )
    last_due = max(request.due_at for request in requests)
    print(f"{len(requests)} requests due between 20 s and 2 minutes from now; running run-schedule")
    schedule = subprocess.Popen(
        [sys.executable, "-m", "frontdoor", "run-schedule"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    try:
        while timezone.now() < last_due + dt.timedelta(seconds=75):
            time.sleep(5)
    finally:
        schedule.terminate()
        schedule.wait(timeout=30)
    lateness = []
    missed = 0
    for request in AgencyRequest.objects.filter(pk__in=[r.pk for r in requests]):
        if request.reminded_overdue_at is None:
            missed += 1
        else:
            lateness.append((request.reminded_overdue_at - request.due_at).total_seconds())
    if lateness:
        print(
            f"overdue chase after the due time: median {statistics.median(lateness):.1f} s, "
            f"max {max(lateness):.1f} s; not chased within 75 s: {missed} (target: all within 60 s)"
        )
    else:
        print(f"no chase recorded; not chased: {missed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("part", choices=["list", "chase"])
    parser.add_argument("--enquiries", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} (files in {TEMP})")
    call_command("migrate", verbosity=0)
    if args.part == "list":
        bench_list(args)
    else:
        args.requests = min(args.requests, 50)
        bench_chase(args)


if __name__ == "__main__":
    main()
