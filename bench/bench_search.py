"""How fast staff search finds a contact or a person among a large council's records (R18, R45).

Run from the repository root:

    .venv/bin/python bench/bench_search.py                       # SQLite, 50,000 contacts
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_search \
        .venv/bin/python bench/bench_search.py                   # PostgreSQL, 500,000 contacts

Without DATABASE_URL it uses a new SQLite file in a temporary folder. On PostgreSQL it creates the
database if it is missing and keeps it, so a second run reuses the rows already written (--fresh
writes them again). Each contact has a report, one or two children and a parent, with the names,
dates of birth, postcodes and NHS numbers of `bench_matching.make_people` (English-like surname
frequencies); 60% of the children also have a person record. Rows are written straight into the
tables (COPY on PostgreSQL, bulk_create on SQLite) with every field's value as the ORM would give
it, search keys included, but without history rows: a benchmark shortcut, never how the system
records a contact.

It then times `/search/?q=...` through django.test.Client as a contact officer (the whole page:
the search, need-to-know, the audit entry and the template), `--requests` times for each kind of
query, each time with a different record's details, and prints p50, p95 and max in milliseconds
and the query count. Target: p95 under 100 ms on PostgreSQL with 500,000 contacts. It asserts
nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench_matching sets Django up (creating the PostgreSQL database if need be) and makes people.
import bench_matching  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from frontdoor.accounts.models import User  # noqa: E402
from frontdoor.accounts.roles import Role  # noqa: E402
from frontdoor.intake.models import (  # noqa: E402
    Channel,
    Contact,
    Report,
    ReportedAdult,
    ReportedChild,
)
from frontdoor.people.models import Person  # noqa: E402
from frontdoor.policy.versions import current_policy_version  # noqa: E402

TARGET_MS = 100
BATCH = 10_000
ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"
CHANNELS = [c for c in Channel if c != Channel.API]
STATES = list(Contact.State)


def _write(model, objs: list) -> None:
    """Write `objs` with their ids as given: COPY on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


def fill(
    contacts: int,
    *,
    seed: int = 2026,
    first_id: int = 0,
    people: int | None = None,
    references: set[str] | None = None,
    analyze: bool = True,
) -> float:
    """`contacts` contacts over the last five years, each with a report, children and a parent,
    and the person records of 60% of the children (`bench_matching.fill`), or of the first
    `people` of them, all the council served's.

    To write several councils into one database, give each call its own `seed` and a `first_id`
    past the ids already written (contacts and adults then take ids from `first_id + 1`,
    children and the NHS numbers of people from `2 * first_id + 1`), and the same `references`
    set, since a reference is unique across councils."""
    started = time.perf_counter()
    rng = random.Random(seed)
    version = current_policy_version()
    now = timezone.now()
    span = int(dt.timedelta(days=5 * 365).total_seconds())
    # The children: the people bench_matching makes, in its order, so the first 60% of them are
    # also the person records it writes.
    made = bench_matching.make_people(contacts * 2, seed=seed, start=2 * first_id)
    child_id = 2 * first_id
    adult_id = first_id
    references = set() if references is None else references
    written = 0
    while written < contacts:
        size = min(BATCH, contacts - written)
        batch_contacts, reports, children, adults = [], [], [], []
        for n in range(first_id + written + 1, first_id + written + size + 1):
            while True:
                body = "".join(rng.choice(ALPHABET) for _ in range(8))
                if body not in references:
                    references.add(body)
                    break
            received = now - dt.timedelta(seconds=rng.randrange(span))
            batch_contacts.append(
                Contact(
                    id=n,
                    reference=f"FD-{body[:4]}-{body[4:]}",
                    received_at=received,
                    state=rng.choice(STATES),
                    policy_version=version,
                )
            )
            reports.append(
                Report(
                    id=n,
                    contact_id=n,
                    channel=rng.choice(CHANNELS),
                    received_at=received,
                    referrer_type="professional",
                    referrer_name="Bench Referrer",
                    worry="A benchmark contact.",
                    consent="given",
                )
            )
            surname = postcode = ""
            for _ in range(rng.choice((1, 1, 2))):
                first, last, born, postcode_given, nhs, *_keys = next(made)
                surname = surname or last
                postcode = postcode or postcode_given
                child_id += 1
                children.append(
                    ReportedChild(
                        id=child_id,
                        contact_id=n,
                        report_id=n,
                        first_name=first,
                        last_name=last,
                        date_of_birth=born,
                        postcode=postcode_given,
                        nhs_number=nhs,
                    )
                )
            adult_id += 1
            adults.append(
                ReportedAdult(
                    id=adult_id,
                    contact_id=n,
                    report_id=n,
                    first_name=rng.choice(bench_matching.FIRST_NAMES),
                    last_name=surname,
                    date_of_birth=dt.date(1975, 1, 1) + dt.timedelta(days=rng.randrange(7000)),
                    postcode=postcode,
                )
            )
        for model, objs in (
            (Contact, batch_contacts),
            (Report, reports),
            (ReportedChild, children),
            (ReportedAdult, adults),
        ):
            _write(model, objs)
        written += size
        print(f"\r  {written:,} contacts written", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Contact, Report, ReportedChild, ReportedAdult]
        ):
            cursor.execute(sql)
    if people is None:
        people = int((child_id - 2 * first_id) * 0.6)
    bench_matching.fill(people, seed=seed, start=2 * first_id, analyze=analyze)
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _date(day: dt.date, rng: random.Random) -> str:
    return rng.choice([f"{day.day}/{day.month}/{day.year}", day.isoformat(), f"{day:%-d %B %Y}"])


def _nhs(number: str, rng: random.Random) -> str:
    return rng.choice([number, f"{number[:3]} {number[3:6]} {number[6:]}"])


def _postcode(postcode: str, rng: random.Random) -> str:
    return rng.choice([postcode, postcode.replace(" ", "").lower()])


def queries(requests: int, rng: random.Random) -> dict[str, list[str]]:
    """For each kind of search, `requests` different searches for records in the database."""
    top = ReportedChild.objects.order_by("-id").values_list("id", flat=True).first()
    ids = rng.sample(range(1, top + 1), min(top, requests * 3))
    children = list(
        ReportedChild.objects.filter(id__in=ids).select_related("contact").order_by("id")
    )
    rng.shuffle(children)
    with_nhs = [c for c in children if c.nhs_number]
    with_postcode = [c for c in children if c.postcode]
    take = children[:requests]
    return {
        "reference": [c.contact.reference.lower() for c in take],
        "surname": [c.last_name for c in take],
        "first name": [c.first_name for c in take],
        "first name and date of birth": [
            f"{c.first_name} {_date(c.date_of_birth, rng)}" for c in take
        ],
        "first name and surname": [f"{c.first_name} {c.last_name}" for c in take],
        "misspelt name": [f"{c.first_name} {bench_matching.typo(c.last_name, rng)}" for c in take],
        "surname and date of birth": [f"{c.last_name} {_date(c.date_of_birth, rng)}" for c in take],
        "date of birth": [_date(c.date_of_birth, rng) for c in take],
        "postcode": [_postcode(c.postcode, rng) for c in with_postcode[:requests]],
        "NHS number": [_nhs(c.nhs_number, rng) for c in with_nhs[:requests]],
    }


def time_searches(client: Client, searches: list[str]) -> tuple[list[float], list[float], int]:
    """Milliseconds for each search page, wall clock and this process's CPU, and the query
    count of the first. On a loaded machine the CPU time is the steadier figure."""
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/", {"q": searches[0]})
    count = len(captured)
    if response.status_code != 200:
        sys.exit(f"/search/?q={searches[0]} answered {response.status_code}")
    timings, cpu = [], []
    for q in searches:
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get("/search/", {"q": q})
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return timings, cpu, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    postgres = connection.vendor == "postgresql"
    parser.add_argument("--contacts", type=int, default=500_000 if postgres else 50_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--fresh", action="store_true", help="write the rows again")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    have = Contact.objects.count()
    if args.fresh or have != args.contacts:
        with connection.cursor() as cursor:
            for model in (ReportedAdult, ReportedChild, Report, Contact, Person):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
        print(f"writing {args.contacts:,} contacts ...", file=sys.stderr)
        print(f"written in {fill(args.contacts):.0f} s")
    else:
        print(f"reusing the {have:,} contacts already in the database")
    print(
        f"{Contact.objects.count():,} contacts, {ReportedChild.objects.count():,} children, "
        f"{ReportedAdult.objects.count():,} adults, {Person.objects.count():,} people"
    )

    officer, _ = User.objects.get_or_create(
        username="bench-officer", defaults={"role": Role.CONTACT_OFFICER}
    )
    client = Client()
    client.force_login(officer)
    rng = random.Random(11)
    kinds = queries(args.requests, rng)
    for q in [q for searches in kinds.values() for q in searches[:5]]:  # warm-up
        client.get("/search/", {"q": q})
    print(
        f"{args.requests} searches of each kind; target p95 under {TARGET_MS} ms; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'kind':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} "
        f"{'cpu p50':>8} {'cpu p95':>8}"
    )
    # A yardstick: the same page with no search (sign-in, middleware, template), so a loaded
    # machine shows in the figures rather than being read as the search's cost.
    yardstick = []
    for _ in range(args.requests):
        began = time.perf_counter()
        client.get("/search/")
        yardstick.append((time.perf_counter() - began) * 1000)
    print(
        f"{'(the page, no search)':28} {statistics.median(yardstick):8.1f} "
        f"{statistics.quantiles(yardstick, n=20)[-1]:8.1f} {max(yardstick):8.1f}"
    )
    for kind, searches in kinds.items():
        timings, cpu, count = time_searches(client, searches)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{kind:28} {statistics.median(timings):8.1f} {p95:8.1f} {max(timings):8.1f} "
            f"{count:8d} {statistics.median(cpu):8.1f} {statistics.quantiles(cpu, n=20)[-1]:8.1f}"
            f"{'' if p95 < TARGET_MS else '  over target'}"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
