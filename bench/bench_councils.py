"""How a hosted service of many councils answers each council's staff, behind the database's walls.

Run from the repository root (PostgreSQL only, a database of its own, kept between runs):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_councils \\
        .venv/bin/python bench/bench_councils.py [--councils 150] [--contacts-per-council 100000]

It writes a policy file for each council into a folder of its own (FRONTDOOR_POLICY_DIR): Sefton's
own, and for each other council a file that `extends: sefton` under the council's own key
(`council-002` ...), name and ONS code. It registers each council as `add-council` does (its
policy version recorded, its `Council` row), without reloading every policy file per council.
Then, Sefton served (`policy.councils.serving`), it writes Sefton's rows with `bench_search.fill`
(COPY): `--contacts-per-council` contacts over the last five years, each with a report, one or
two children and a parent, and people for two thirds as many (`bench_matching`'s names). All but
`--open` contacts are closed; the open ones are spread over received, screening and awaiting a
decision. Every child of a closed contact received since 1 April 2025 has a decision, and about
one in five of those is a referral, for the returns.

Every other council is a clone of Sefton's rows made on the server (`clone`: INSERT ... SELECT, the
indexes dropped first and made again after, no foreign key checked row by row), so Python writes one
council, not 150: the same contacts, dates, states, decisions and referrals, under ids, references
and NHS numbers of the council's own (no NHS number or reference is in two councils); each child and
person with a first name, a surname and a date of birth (moved by up to a month) each taken from a
different one of Sefton's, shuffled afresh for each council, and a postcode moved into the council's
own streets, so that a child of one council is rarely known to another, as when each council's
people are drawn afresh. `--each` instead writes every council's rows from Python as Sefton's are
(each council its own seed), about 17 s per council of 20,000 contacts on two cores. These are
benchmark shortcuts, never how the system records a contact.

It keeps the database, and the next run reuses it when it holds the same councils and contacts
(`--fresh` writes everything again).

Then it measures as production runs: connected as the role that owns the tables, neither
superuser nor BYPASSRLS, with row-level security on (`tests/row_security.py`'s
`run_as_table_owner`), each request serving the council named by its path (`/council-002/...`,
`policy.councils.CouncilMiddleware`), each council's staff signed in to its own pages. For
`--sample` councils (the first, the last, and others evenly between), it times through Django's
test client the inbox (/contacts/, no filter and overdue) as a contact officer and the MASH
manager's screening queue (/queues/screening/, no filter and awaiting a decision), `--requests`
times each; person matching (`people.matching.candidates`) for `--matches` of the council's people
described with referrers' slips (`bench_matching.corrupt`); and the known-elsewhere check
(`screening.known_elsewhere.known_elsewhere`, its audit entries included) for the same
descriptions, asking every other council. Last, the CIN census of the first council for the year
to 31 March 2026, in a fresh process as bench_returns.py does. It prints p50, p95 and max in
milliseconds (seconds for the census) against the targets. It asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/frontdoor_bench_councils"
POLICY_DIR = Path(tempfile.gettempdir()) / "frontdoor-bench-councils-policies"
FIRST = "sefton"
YEAR = 2026  # the census year 1 April 2025 to 31 March 2026
TARGET_PAGE_MS = 150
TARGET_MATCH_MS = 50
TARGET_ELSEWHERE_MS = 50
TARGET_CENSUS_S = 30


def council_keys(count: int) -> list[str]:
    return [FIRST, *(f"council-{n:03d}" for n in range(2, count + 1))]


def write_policies(count: int) -> None:
    """Sefton's policy, and one extending it for each other council under its own key."""
    POLICY_DIR.mkdir(exist_ok=True)
    wanted = {f"{key}.yaml" for key in council_keys(count)}
    for stale in POLICY_DIR.glob("*.yaml"):
        if stale.name not in wanted:
            stale.unlink()
    (POLICY_DIR / f"{FIRST}.yaml").write_bytes((REPO / "policies" / f"{FIRST}.yaml").read_bytes())
    for n, key in enumerate(council_keys(count)[1:], 2):
        text = (
            f"extends: {FIRST}\nid: {key}\n"
            f'council:\n  name: "Bench Council {n}"\n  ons_code: "E06{n:06d}"\n'
        )
        path = POLICY_DIR / f"{key}.yaml"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


def sample_of(keys: list[str], count: int) -> list[str]:
    """`count` of `keys`: the first, the last and others evenly between."""
    if count >= len(keys):
        return keys
    if count <= 1:
        return keys[:1]
    step = (len(keys) - 1) / (count - 1)
    return [keys[round(i * step)] for i in range(count)]


parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--councils", type=int, default=150)
parser.add_argument("--contacts-per-council", type=int, default=100_000)
parser.add_argument("--open", type=int, default=200, help="open contacts per council")
parser.add_argument("--sample", type=int, default=5, help="councils measured")
parser.add_argument("--requests", type=int, default=100, help="requests per page")
parser.add_argument("--matches", type=int, default=200, help="people matched per council")
parser.add_argument("--fresh", action="store_true", help="write everything again")
parser.add_argument(
    "--each",
    action="store_true",
    help="write every council's rows from Python, not the first's only (slow)",
)
parser.add_argument("--census", metavar="KEY", help=argparse.SUPPRESS)  # the census process
ARGS = parser.parse_args()

os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
if not os.environ["DATABASE_URL"].startswith("postgres"):
    sys.exit("bench_councils needs PostgreSQL (DATABASE_URL=postgres://...)")
if "bench" not in urlparse(os.environ["DATABASE_URL"]).path:
    sys.exit("the database's name must contain 'bench'")
write_policies(ARGS.councils)
os.environ["FRONTDOOR_POLICY_DIR"] = str(POLICY_DIR)
os.environ["FRONTDOOR_COUNCIL"] = FIRST
os.environ.setdefault("FRONTDOOR_ALLOWED_HOSTS", "testserver,localhost")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(REPO))

# bench_matching creates the database if need be and sets Django up; bench_search writes a
# council's contacts; bench_inbox times a page.
import bench_matching  # noqa: E402
import bench_search  # noqa: E402
from bench_inbox import time_page  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from frontdoor.accounts.models import User  # noqa: E402
from frontdoor.accounts.roles import Role  # noqa: E402
from frontdoor.intake.models import Contact, Report, ReportedAdult, ReportedChild  # noqa: E402
from frontdoor.people.matching import candidates  # noqa: E402
from frontdoor.people.models import Person  # noqa: E402
from frontdoor.policy.clocks import LONDON  # noqa: E402
from frontdoor.policy.councils import (  # noqa: E402
    councils_knowing_elsewhere,
    forget_councils,
    serving,
)
from frontdoor.policy.models import Council  # noqa: E402
from frontdoor.policy.registry import current_policy, get_loaded_policy  # noqa: E402
from frontdoor.policy.versions import current_policy_version, record_policy_version  # noqa: E402
from frontdoor.screening.known_elsewhere import known_elsewhere  # noqa: E402
from frontdoor.screening.models import Assignment, Decision, Referral  # noqa: E402
from tests.row_security import run_as_table_owner  # noqa: E402

OUTCOMES = [
    ("child_and_family_assessment", "assessment", 3),
    ("strategy_discussion", "strategy_discussion", 4),
    ("early_help", "early_help", 2),
    ("early_help", "early_help", 2),
    ("information_and_advice", "no_further_action", 1),
    ("information_and_advice", "no_further_action", 1),
    ("information_and_advice", "no_further_action", 1),
    ("information_and_advice", "no_further_action", 1),
    ("information_and_advice", "no_further_action", 1),
    ("information_and_advice", "no_further_action", 1),
]
OPEN_STATES = [
    Contact.State.RECEIVED,
    Contact.State.SCREENING,
    Contact.State.AWAITING_DECISION,
]


def register(keys: list[str]) -> None:
    """What `add-council` records for each council (`policy.councils.add_council`), without
    reading every policy file again for each: the policy files are all loaded at start-up."""
    for key in keys:
        loaded = get_loaded_policy(key)
        record_policy_version(loaded)
        Council.objects.get_or_create(key=key, defaults={"name": loaded.policy.council.name})
    forget_councils()


def open_latest(key: str, count: int) -> None:
    """Close all of the council's contacts but the latest `count`, spread over the open stages."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE intake_contact SET state = %s, progressed_at = received_at "
            "WHERE council_id = %s",
            [Contact.State.CLOSED.value, key],
        )
        cursor.execute(
            "UPDATE intake_contact SET state = (%s::text[])[1 + id %% 3], progressed_at = NULL, "
            "progress_due_at = received_at + interval '1 day' WHERE id IN (SELECT id FROM "
            "intake_contact WHERE council_id = %s ORDER BY received_at DESC LIMIT %s)",
            [[s.value for s in OPEN_STATES], key, count],
        )


def decide(key: str, decider: User, rng: random.Random, next_ids: list[int]) -> int:
    """A decision for each child of the council's closed contacts received since the census
    year began, about one in five of them a referral. Returns the decisions written."""
    policy = current_policy()
    version = current_policy_version()
    start = dt.datetime(YEAR - 1, 4, 1, tzinfo=LONDON)
    children = (
        ReportedChild.objects.filter(
            council_id=key, contact__received_at__gte=start, contact__state=Contact.State.CLOSED
        )
        .values_list("pk", "contact_id", "contact__received_at")
        .iterator(chunk_size=10_000)
    )
    decisions, referrals = [], []
    for child_id, contact_id, received in children:
        outcome_key, effect, level = rng.choice(OUTCOMES)
        outcome = policy.outcome(outcome_key)
        next_ids[0] += 1
        decision = Decision(
            id=next_ids[0],
            contact_id=contact_id,
            child_id=child_id,
            sequence=1,
            level=level,
            outcome=outcome_key,
            outcome_label=outcome.label,
            outcome_effect=effect,
            rationale="A benchmark decision.",
            becomes_referral=outcome.becomes_referral,
            primary_need=rng.choice(["N1", "N2", "N4"]) if outcome.becomes_referral else "",
            decided_by=decider,
            decided_at=received + dt.timedelta(hours=3),
            policy_version=version,
        )
        decisions.append(decision)
        if outcome.becomes_referral:
            next_ids[1] += 1
            referrals.append(
                Referral(
                    id=next_ids[1],
                    decision_id=decision.id,
                    contact_id=contact_id,
                    child_id=child_id,
                    referred_at=decision.decided_at,
                )
            )
    bench_search._write(Decision, decisions)
    bench_search._write(Referral, referrals)
    return len(decisions)


def build(keys: list[str], per_council: int, open_count: int, *, each: bool) -> None:
    """The councils' rows: each council's written from Python (`each`), or the first council's
    only, the template, and the others cloned from it on the server (`clone`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE intake_contact, people_person, screening_decision, screening_referral, "
            "screening_assignment RESTART IDENTITY CASCADE"
        )
        make_indexes(cursor)  # those an interrupted clone left dropped
    register(keys)
    decider, _ = User.objects.get_or_create(
        username="bench-decider", defaults={"role": Role.MASH_MANAGER}
    )
    references: set[str] = set()
    next_ids = [0, 0]
    began = time.perf_counter()
    for n, key in enumerate(keys if each else keys[:1]):
        with serving(key):
            bench_search.fill(
                per_council,
                seed=2026 + n,
                first_id=n * per_council,
                people=per_council * 2 // 3,
                references=references,
                analyze=False,
            )
            open_latest(key, open_count)
            decided = decide(key, decider, random.Random(n), next_ids)
        elapsed = time.perf_counter() - began
        print(
            f"council {n + 1}/{len(keys)} ({key}) written, {decided:,} decisions; "
            f"{elapsed:.0f} s so far",
            flush=True,
        )
    if not each:
        clone(keys, per_council)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(CLONED)):
            cursor.execute(sql)
        began = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        print(f"vacuumed and analysed in {time.perf_counter() - began:.0f} s", flush=True)


# What the clone writes (`clone`), and the ids each council takes past the template's: contacts,
# reports and adults `per_council`, children twice that, people `per_council` (two thirds are
# used), decisions and referrals as many as the template has.
CLONED = (Contact, Report, ReportedChild, ReportedAdult, Person, Decision, Referral)
REFERENCE_SPACE = len(bench_search.ALPHABET) ** 8
# About 0.618 of the space (so that numbers in a row land far apart), odd and not a multiple of
# 7, so coprime with 28 ** 8: each number its own reference.
REFERENCE_STEP = 233_840_669_653
DROPPED = "bench_councils_dropped_index"  # index definitions to make again, in case of a crash
WORKERS = 2  # councils cloned at once, each on a connection (a core) of its own


def reference_sql(number: str) -> str:
    """SQL for the reference of contact `number` (an SQL expression, 0 up): "FD-XXXX-XXXX", the
    number spread over the references' space by a fixed step, so no two numbers share one."""
    value = f"(({REFERENCE_STEP}::numeric * ({number}) + 7919) % {REFERENCE_SPACE})::bigint"
    letters = [
        f"substr('{bench_search.ALPHABET}', ((v / {28**i}) % 28)::int + 1, 1)"
        for i in range(7, -1, -1)
    ]
    spelt = f"'FD-' || {' || '.join(letters[:4])} || '-' || {' || '.join(letters[4:])}"
    return f"(SELECT {spelt} FROM (SELECT {value} AS v) r)"  # noqa: S608


def nhs_sql(number: str) -> str:
    """SQL for `bench_matching.nhs_number` of `number` (an SQL expression)."""
    stem = f"(400000000 + ({number}))"
    total = " + ".join(f"(({stem} / {10 ** (8 - i)}) % 10) * {10 - i}" for i in range(9))
    check = f"((11 - ({total}) % 11) % 11)"
    return (
        f"CASE WHEN {check} = 10 THEN ({stem} + {bench_matching.NHS_STEP})::text || '0' "
        f"ELSE {stem}::text || {check}::text END"
    )


def postcode_sql(column: str, council: int) -> str:
    """SQL moving a postcode into council `council`'s own streets: the same area, its district
    and inward code drawn afresh from the postcode and the council (the same for the same
    postcode, so households stay together)."""
    drawn = f"((hashtextextended({column}, {council}) % 160000 + 160000) % 160000)"
    letters = bench_matching.INWARD_LETTERS
    return (
        f"CASE WHEN {column} = '' THEN '' ELSE "
        f"regexp_replace(split_part({column}, ' ', 1), '[0-9]+$', '') "
        f"|| (1 + {drawn} % 40)::text || ' ' || (({drawn} / 40) % 10)::text "
        f"|| substr('{letters}', (({drawn} / 400) % 20)::int + 1, 1) "
        f"|| substr('{letters}', (({drawn} / 8000) % 20)::int + 1, 1) END"
    )


def shuffle(size: int, rng: random.Random) -> tuple[int, int]:
    """(a, b) of a shuffle of 1..size: k goes to (a * (k - 1) + b) % size + 1."""
    while True:
        a = rng.randrange(1, size)
        if math.gcd(a, size) == 1:
            return a, rng.randrange(size)


def drop_indexes(cursor, tables: list[str]) -> None:
    """Drop the indexes of `tables` but their primary keys, recording each one's definition in
    DROPPED first: writing millions of rows and then indexing them is many times faster than
    keeping every index up to date row by row."""
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {DROPPED} (name text, drop_sql text, make text)")
    cursor.execute(
        f"INSERT INTO {DROPPED} SELECT i.indexrelid::regclass::text, "  # noqa: S608
        "coalesce('ALTER TABLE ' || i.indrelid::regclass::text || ' DROP CONSTRAINT ' "
        "|| quote_ident(c.conname), 'DROP INDEX ' || i.indexrelid::regclass::text), "
        "coalesce('ALTER TABLE ' || i.indrelid::regclass::text || ' ADD CONSTRAINT ' "
        "|| quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), "
        "pg_get_indexdef(i.indexrelid)) "
        "FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
        "AND c.conrelid = i.indrelid AND c.contype IN ('u', 'x') "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary",
        [tables],
    )
    cursor.execute(f"SELECT drop_sql FROM {DROPPED}")  # noqa: S608
    for (sql,) in cursor.fetchall():
        cursor.execute(sql)


def make_indexes(cursor) -> None:
    """Make again the indexes `drop_indexes` dropped (those of an interrupted run too)."""
    cursor.execute("SELECT to_regclass(%s)", [DROPPED])
    if cursor.fetchone()[0] is None:
        return
    cursor.execute(f"SELECT name, make FROM {DROPPED}")  # noqa: S608
    for name, sql in cursor.fetchall():
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is None:
            cursor.execute(sql)
    cursor.execute(f"DROP TABLE {DROPPED}")


def insert_select(cursor, model, source: str, made: dict[str, str], last: int) -> int:
    """INSERT INTO the model's table SELECT each column from `source` (aliased t, the
    template's rows: ids up to `last`) as it is or as `made` makes it (SQL with no parameters:
    `%` is modulo). Returns the rows written."""
    quote = connection.ops.quote_name
    columns = [f.column for f in model._meta.concrete_fields]
    values = ", ".join(made.get(c, f"t.{quote(c)}") for c in columns)
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"SELECT {values} FROM {source} WHERE t.id <= {last}"
    )
    return cursor.rowcount


def clone(keys: list[str], per_council: int) -> None:
    """Write every council after the first (the template) from the template's rows, on the server
    (INSERT ... SELECT): ids past the template's, the council's own policy version, references and
    NHS numbers of its own; each child with the first name of another of the template's children,
    the surname of a third and the date of birth of a fourth (moved by up to a month), shuffled
    afresh for each council, and its postcode moved into the council's own streets (`postcode_sql`);
    each person likewise from the template's people; each parent with the surname and postcode of
    the contact's first child. The template's people are drawn field by field independently
    (`bench_matching.make_people`), so each council's look drawn afresh, and a child of one council
    is rarely known to another. Contacts keep the template's dates and states, so each council has
    the same open contacts, decisions and referrals in the census year."""
    counts = {}
    with connection.cursor() as cursor:
        for model in CLONED:
            cursor.execute(f"SELECT count(*), min(id), max(id) FROM {model._meta.db_table}")  # noqa: S608
            count, low, high = cursor.fetchone()
            if (low, high) != (1, count) and count:
                sys.exit(f"{model._meta.db_table}: the template's ids are not 1 to {count}")
            counts[model] = count
        if (
            counts[Contact] != per_council
            or counts[ReportedChild] > 2 * per_council
            or counts[Person] > per_council
        ):
            sys.exit("the template council is not as clone expects")
        for table, source in (("child", "intake_reportedchild"), ("person", "people_person")):
            cursor.execute(f"DROP TABLE IF EXISTS bench_template_{table}")
            cursor.execute(
                f"CREATE UNLOGGED TABLE bench_template_{table} AS SELECT id AS k, first_name, "  # noqa: S608
                "search_first_name, first_name_key, last_name, search_last_name, surname_key, "
                f"surname_last_key, date_of_birth FROM {source}"
            )
            cursor.execute(f"ALTER TABLE bench_template_{table} ADD PRIMARY KEY (k)")
        cursor.execute("DROP TABLE IF EXISTS bench_template_first")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_template_first AS SELECT contact_id, min(id) AS k "
            "FROM intake_reportedchild GROUP BY contact_id"
        )
        cursor.execute("ALTER TABLE bench_template_first ADD PRIMARY KEY (contact_id)")
        for table in ("child", "person", "first"):
            cursor.execute(f"ANALYZE bench_template_{table}")
        cursor.execute(
            f"UPDATE intake_contact SET reference = {reference_sql('id - 1')}"  # noqa: S608
        )
        drop_indexes(cursor, [model._meta.db_table for model in CLONED])
    versions = {}
    for key in keys[1:]:
        with serving(key):
            versions[key] = current_policy_version().pk
    began = time.perf_counter()
    done = []

    def work(share: list[tuple[int, str]]) -> None:
        """Clone `share` of the councils, on this thread's own connection."""
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                # The rows are whole by construction: no foreign key checked row by row.
                cursor.execute("SET session_replication_role = replica")
            for n, key in share:
                clone_council(n, key, versions[key], keys[0], per_council, counts)
                done.append(key)
                if len(done) % 10 == 0 or len(done) == len(keys) - 1:
                    print(
                        f"{len(done) + 1}/{len(keys)} councils written; "
                        f"{time.perf_counter() - began:.0f} s cloning so far",
                        flush=True,
                    )
        finally:
            connection.close()

    numbered = list(enumerate(keys, 0))[1:]
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for result in [pool.submit(work, numbered[i::WORKERS]) for i in range(WORKERS)]:
                result.result()
    finally:
        with connection.cursor() as cursor:
            began = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '1GB'")
            make_indexes(cursor)
            cursor.execute("RESET maintenance_work_mem")
            for table in ("child", "person", "first"):
                cursor.execute(f"DROP TABLE IF EXISTS bench_template_{table}")
            print(f"indexes made in {time.perf_counter() - began:.0f} s", flush=True)


def clone_council(
    n: int, key: str, version: int, template: str, per_council: int, counts: dict
) -> None:
    """Write council `key`, the `n`th (0 the template), from the template's rows (`clone`)."""
    if not re.fullmatch(r"[a-z0-9-]+", key):
        sys.exit(f"a council's key of letters, digits and hyphens: not {key!r}")
    children, people = counts[ReportedChild], counts[Person]
    rng = random.Random(f"{template}-{key}")
    shuffles = {
        (field, size): shuffle(size, rng)
        for field in ("first", "last", "born")
        for size in (children, people)
    }

    moved = rng.randrange(1, 61), rng.randrange(61)  # gcd(a, 61) = 1: every move as often

    def drawn(field: str, k: str, size: int = children, shuffles=shuffles) -> str:
        a, b = shuffles[field, size]
        return f"({a}::bigint * ({k} - 1) + {b}) % {size} + 1"

    names = (
        "JOIN bench_template_{table} f ON f.k = {first} "
        "JOIN bench_template_{table} s ON s.k = {last} "
        "JOIN bench_template_{table} d ON d.k = {born}"
    )
    person = {
        "first_name": "f.first_name",
        "search_first_name": "f.search_first_name",
        "first_name_key": "f.first_name_key",
        "last_name": "s.last_name",
        "search_last_name": "s.search_last_name",
        "surname_key": "s.surname_key",
        "surname_last_key": "s.surname_last_key",
        # Moved by up to a month either way, so that councils' dates are not all Sefton's.
        "date_of_birth": f"d.date_of_birth + (({moved[0]} * t.id + {moved[1]}) % 61 - 30)::int",
        "postcode": postcode_sql("t.postcode", n),
        "nhs_number": (
            f"CASE WHEN t.nhs_number = '' THEN '' "
            f"ELSE {nhs_sql(f'{2 * n * per_council} + t.id - 1')} END"
        ),
        "council_id": f"'{key}'",
    }
    at = {
        "contact": n * per_council,
        "child": 2 * n * per_council,
        "decision": n * counts[Decision],
        "referral": n * counts[Referral],
    }
    with transaction.atomic(), connection.cursor() as cursor:
        insert_select(
            cursor,
            Contact,
            "intake_contact t",
            {
                "id": f"t.id + {at['contact']}",
                "reference": reference_sql(f"t.id - 1 + {at['contact']}"),
                "policy_version_id": str(version),
                "council_id": f"'{key}'",
            },
            counts[Contact],
        )
        insert_select(
            cursor,
            Report,
            "intake_report t",
            {
                "id": f"t.id + {at['contact']}",
                "contact_id": f"t.contact_id + {at['contact']}",
                "council_id": f"'{key}'",
            },
            counts[Report],
        )
        insert_select(
            cursor,
            ReportedChild,
            "intake_reportedchild t "
            + names.format(
                table="child",
                first=drawn("first", "t.id"),
                last=drawn("last", "t.id"),
                born=drawn("born", "t.id"),
            ),
            {
                **person,
                "id": f"t.id + {at['child']}",
                "contact_id": f"t.contact_id + {at['contact']}",
                "report_id": f"t.report_id + {at['contact']}",
            },
            counts[ReportedChild],
        )
        # A parent: the surname and postcode of the contact's first child, as written.
        insert_select(
            cursor,
            ReportedAdult,
            "intake_reportedadult t JOIN bench_template_first c ON c.contact_id = t.contact_id "
            f"JOIN bench_template_child s ON s.k = {drawn('last', 'c.k')}",
            {
                "id": f"t.id + {at['contact']}",
                "contact_id": f"t.contact_id + {at['contact']}",
                "report_id": f"t.report_id + {at['contact']}",
                "last_name": "s.last_name",
                "search_last_name": "s.search_last_name",
                "surname_key": "s.surname_key",
                "surname_last_key": "s.surname_last_key",
                "postcode": postcode_sql("t.postcode", n),
                "council_id": f"'{key}'",
            },
            counts[ReportedAdult],
        )
        insert_select(
            cursor,
            Person,
            "people_person t "
            + names.format(
                table="person",
                first=drawn("first", "t.id", people),
                last=drawn("last", "t.id", people),
                born=drawn("born", "t.id", people),
            ),
            {**person, "id": f"t.id + {n * per_council}"},
            counts[Person],
        )
        insert_select(
            cursor,
            Decision,
            "screening_decision t",
            {
                "id": f"t.id + {at['decision']}",
                "contact_id": f"t.contact_id + {at['contact']}",
                "child_id": f"t.child_id + {at['child']}",
                "policy_version_id": str(version),
            },
            counts[Decision],
        )
        insert_select(
            cursor,
            Referral,
            "screening_referral t",
            {
                "id": f"t.id + {at['referral']}",
                "contact_id": f"t.contact_id + {at['contact']}",
                "child_id": f"t.child_id + {at['child']}",
                "decision_id": f"t.decision_id + {at['decision']}",
            },
            counts[Referral],
        )


def staff(key: str) -> tuple[User, User, User]:
    """The council's contact officer, MASH manager and MASH social worker."""
    with serving(key):
        made = [
            User.objects.get_or_create(username=f"bench-{role}-{key}", defaults={"role": role})[0]
            for role in (Role.CONTACT_OFFICER, Role.MASH_MANAGER, Role.MASH_SOCIAL_WORKER)
        ]
    return made[0], made[1], made[2]


def assign_open(key: str, worker: User) -> None:
    """The council's contacts being screened or awaiting a decision, assigned to `worker`."""
    with serving(key):
        for pk in Contact.objects.filter(council_id=key, state__in=OPEN_STATES[1:]).values_list(
            "pk", flat=True
        ):
            Assignment.objects.update_or_create(
                contact_id=pk,
                defaults={
                    "worker": worker,
                    "team": "MASH",
                    "assigned_at": dt.datetime.now(dt.UTC),
                    "assigned_by": worker,
                },
            )


def figures(timings: list[float]) -> tuple[float, float, float]:
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1]
    return statistics.median(timings), p95, max(timings)


def row(name: str, timings: list[float], target: float, extra: str = "") -> None:
    p50, p95, top = figures(timings)
    verdict = "meets" if p95 < target else "MISSES"
    print(f"  {name:34} {p50:8.1f} {p95:8.1f} {top:8.1f} {target:>7} ms {verdict} {extra}")


def measure_council(key: str, requests: int, matches: int) -> None:
    officer, manager, _worker = staff(key)
    print(f"{key}: {'':27} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target':>10}")
    client = Client()
    client.force_login(officer)
    for name, params in (("inbox", {}), ("inbox, overdue", {"age": "overdue"})):
        timings, queries = time_page(client, params, requests, path=f"/{key}/contacts/")
        row(name, timings, TARGET_PAGE_MS, f"({queries} queries)")
    client = Client()
    client.force_login(manager)
    for name, params in (
        ("screening queue", {}),
        ("screening queue, awaiting decision", {"state": "awaiting_decision"}),
    ):
        timings, queries = time_page(client, params, requests, path=f"/{key}/queues/screening/")
        row(name, timings, TARGET_PAGE_MS, f"({queries} queries)")

    with serving(key):
        rng = random.Random(key)
        ids = list(Person.objects.values_list("pk", flat=True))
        picked = Person.objects.in_bulk(rng.sample(ids, min(matches, len(ids))))
        described = [(person, bench_matching.corrupt(person, rng)[0]) for person in picked.values()]
        for _person, query in described[:20]:  # warm-up
            candidates(**query)
        times, top5 = [], 0
        for person, query in described:
            began = time.perf_counter()
            found = candidates(**query, limit=5)
            times.append((time.perf_counter() - began) * 1000)
            top5 += person.pk in [c.person.pk for c in found]
        row("person matching", times, TARGET_MATCH_MS, f"(top 5: {top5 / len(described):.3f})")

        contact = Contact.objects.order_by("-received_at").first()
        elsewhere, known = [], 0
        for _person, query in described:
            reported = ReportedChild(
                contact=contact,
                first_name=query["first_name"],
                last_name=query["last_name"],
                date_of_birth=query["date_of_birth"],
                postcode=query["postcode"],
            )
            began = time.perf_counter()
            found = known_elsewhere(reported=reported, contact=contact, by=officer)
            elsewhere.append((time.perf_counter() - began) * 1000)
            known += bool(found)
        row(
            "known elsewhere",
            elsewhere,
            TARGET_ELSEWHERE_MS,
            f"(asks {len(councils_knowing_elsewhere())}; known: {known}/{len(described)})",
        )


def census_process(key: str) -> None:
    """The CIN census of council `key`, in this fresh process, as the table owner."""
    from frontdoor.returns.cin_census import produce_census

    run_as_table_owner(connection)
    output = Path(tempfile.mkdtemp(prefix="frontdoor-bench-cin-")) / "cin.xml"
    with serving(key):
        began = time.perf_counter()
        result = produce_census(year=YEAR, output=output)
        seconds = time.perf_counter() - began
    print(json.dumps({"seconds": round(seconds, 2), "counts": result.census.counts}))


def main() -> None:
    if ARGS.census:
        census_process(ARGS.census)
        return
    keys = council_keys(ARGS.councils)
    per_council = ARGS.contacts_per_council
    if 2 * len(keys) * per_council > bench_matching.NHS_STEP:
        sys.exit("too many contacts for the fictional NHS numbers (bench_matching.nhs_number)")
    print(f"database: {connection.settings_dict['NAME']}; {len(keys)} councils")
    print(f"load average {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores")
    call_command("migrate", verbosity=0)
    register(keys)
    have = Contact.objects.count()
    councils_with_rows = Contact.objects.values("council_id").distinct().count()
    if (
        ARGS.fresh
        or have != len(keys) * per_council
        or councils_with_rows != len(keys)
        or Council.objects.count() != len(keys)
    ):
        if Council.objects.exclude(key__in=keys).exists():
            sys.exit("the database holds other councils: run with --fresh on a new database")
        print(f"writing {len(keys)} councils of {per_council:,} contacts ...")
        began = time.perf_counter()
        build(keys, per_council, ARGS.open, each=ARGS.each)
        print(f"written in {time.perf_counter() - began:.0f} s")
    else:
        print(f"reusing the {have:,} contacts already in the database")
    print(
        f"{Contact.objects.count():,} contacts, {ReportedChild.objects.count():,} children, "
        f"{Person.objects.count():,} people, {Decision.objects.count():,} decisions, "
        f"{Referral.objects.count():,} referrals"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")

    sample = sample_of(keys, ARGS.sample)
    for key in sample:
        _officer, _manager, worker = staff(key)
        assign_open(key, worker)
    # From here on, as production runs: the tables' owner, behind the walls.
    run_as_table_owner(connection)
    print(
        f"as the tables' owner, row-level security on; {ARGS.requests} requests per page, "
        f"{ARGS.matches} people matched per council"
    )
    for key in sample:
        measure_council(key, ARGS.requests, ARGS.matches)
    connection.close()
    command = [sys.executable, __file__, "--councils", str(ARGS.councils), "--census", FIRST]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    census = json.loads(output.strip().splitlines()[-1])
    verdict = "meets" if census["seconds"] < TARGET_CENSUS_S else "MISSES"
    print(
        f"CIN census of {FIRST}, in a fresh process: {census['seconds']:.1f} s "
        f"(target {TARGET_CENSUS_S} s) {verdict}"
    )
    print(f"  {census['counts']}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
