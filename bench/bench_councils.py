"""How a hosted service of many councils answers each council's staff, behind the database's walls.

Run from the repository root (PostgreSQL only, a database of its own, kept between runs):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_councils \\
        .venv/bin/python bench/bench_councils.py [--councils 150] [--contacts-per-council 100000]

It writes a policy file for each council into a folder of its own (FRONTDOOR_POLICY_DIR): Sefton's
own, and for each other council a file that `extends: sefton` under the council's own key
(`council-002` ...), name and ONS code. It registers each council as `add-council` does (its
policy version recorded, its `Council` row), without reloading every policy file per council.
Then, each council served in turn (`policy.councils.serving`), it writes the council's rows with
`bench_search.fill` (COPY): `--contacts-per-council` contacts over the last five years, each with
a report, one or two children and a parent, and people for two thirds as many (the first
children's details, with `bench_matching`'s names; NHS numbers differ between councils). All but
`--open` contacts per council are closed; the open ones are spread over received, screening and
awaiting a decision. Every child of a closed contact received since 1 April 2025 has a decision,
and about one in five of those is a referral, for the returns. These are benchmark shortcuts,
never how the system records a contact.

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
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from frontdoor.accounts.models import User  # noqa: E402
from frontdoor.accounts.roles import Role  # noqa: E402
from frontdoor.intake.models import Contact, ReportedChild  # noqa: E402
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


def build(keys: list[str], per_council: int, open_count: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE intake_contact, people_person, screening_decision, screening_referral, "
            "screening_assignment CASCADE"
        )
    register(keys)
    decider, _ = User.objects.get_or_create(
        username="bench-decider", defaults={"role": Role.MASH_MANAGER}
    )
    references: set[str] = set()
    next_ids = [0, 0]
    began = time.perf_counter()
    for n, key in enumerate(keys):
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
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Decision, Referral, Person]):
            cursor.execute(sql)
        cursor.execute("ANALYZE")


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
        build(keys, per_council, ARGS.open)
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
