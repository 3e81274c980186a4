"""How long the statutory returns take, and how much memory, for a large council's year (R46).

Run from the repository root (PostgreSQL, a database of its own, created here if missing):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_returns \
        .venv/bin/python bench/bench_returns.py [--contacts 100000] [--referrals 20000] [--keep]

It migrates, then writes a collection year (1 April 2025 to 31 March 2026) of contacts with
bulk_create, straight into the tables (a benchmark shortcut, never how the system records a
contact or a decision): one report and one or two children per contact, a decision for every
child, `--referrals` of them referrals (assessments, strategy discussions, emergency legal action;
one in ten later decided no further action), and early help for others. Then it times, each in a
fresh process so the memory figure is that return's alone: the CIN census XML for the year, and
Annex A as XLSX for the same year. It prints seconds, the peak resident memory of the process
(`ru_maxrss`) and of Python's own allocations (`tracemalloc`, in a second run, since tracing
slows the work), against the targets of 30 s each. It drops the database afterwards unless
`--keep` is given. It asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/frontdoor_bench_returns"
TEMP = Path(tempfile.mkdtemp(prefix="frontdoor-bench-returns-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdoor.settings")
os.environ.setdefault("FRONTDOOR_VAR_DIR", str(TEMP))
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)

YEAR = 2026  # the collection year 1 April 2025 to 31 March 2026: wholly in the past
TARGET_SECONDS = 30
BATCH = 5_000
REFERRERS = [
    ("professional", "Exampleton Primary School", "Designated safeguarding lead", ""),
    ("professional", "Merseyside Police", "Constable", ""),
    ("professional", "Sampleford Medical Centre", "GP", ""),
    ("professional", "Health visiting team", "Health visitor", ""),
    ("professional", "Housing options", "Housing officer", ""),
    ("family", "", "", "Grandmother"),
    ("public", "", "", "Neighbour"),
    ("anonymous", "", "", ""),
]
ETHNICITIES = [
    "White British",
    "WBRI",
    "Pakistani",
    "Any other White background",
    "",
    "White English",
]
REFERRAL_OUTCOMES = [
    ("child_and_family_assessment", "assessment", 3),
    ("child_and_family_assessment", "assessment", 3),
    ("strategy_discussion", "strategy_discussion", 4),
    ("emergency_legal_action", "emergency_legal_action", 4),
]


def database_exists_or_create(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fill(*, contacts: int, referrals: int, seed: int = 2026) -> None:
    """A year of contacts, children, decisions and referrals, bulk-inserted."""
    from django.db import connection

    from frontdoor.accounts.models import User
    from frontdoor.accounts.roles import Role
    from frontdoor.intake.models import Channel, Contact, Report, ReportedChild
    from frontdoor.policy.clocks import LONDON
    from frontdoor.policy.registry import current_policy
    from frontdoor.policy.versions import current_policy_version
    from frontdoor.screening.models import Decision, Referral

    rng = random.Random(seed)
    policy = current_policy()
    version = current_policy_version()
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.MASH_MANAGER}
    )
    start = dt.datetime(YEAR - 1, 4, 1, 8, tzinfo=LONDON)
    span = int((dt.datetime(YEAR, 3, 31, 18, tzinfo=LONDON) - start).total_seconds())
    channels = [channel for channel in Channel if channel != Channel.API]
    # About 1.33 children per contact: the share of children to refer to reach `referrals`.
    refer_share = referrals / (contacts * 4 / 3)
    made = referred = 0
    while made < contacts:
        size = min(BATCH, contacts - made)
        batch = [
            Contact(
                reference=f"FD-R{n:07d}",
                received_at=start + dt.timedelta(seconds=rng.randrange(span)),
                state=Contact.State.DECIDED,
                policy_version=version,
            )
            for n in range(made, made + size)
        ]
        Contact.objects.bulk_create(batch)
        saved = list(
            Contact.objects.filter(reference__in=[c.reference for c in batch]).only(
                "id", "received_at"
            )
        )
        reports = []
        for contact in saved:
            kind, agency, role, relationship = rng.choice(REFERRERS)
            reports.append(
                Report(
                    contact_id=contact.pk,
                    channel=rng.choice(channels),
                    received_at=contact.received_at,
                    referrer_type=kind,
                    referrer_name="" if kind == "anonymous" else "Bench Referrer",
                    referrer_agency=agency,
                    referrer_role=role,
                    referrer_relationship=relationship,
                    worry="A benchmark contact.",
                    consent="given",
                )
            )
        reports = Report.objects.bulk_create(reports)
        received = {contact.pk: contact.received_at for contact in saved}
        children = ReportedChild.objects.bulk_create(
            ReportedChild(
                contact_id=report.contact_id,
                report_id=report.pk,
                first_name=f"Child{sibling}",
                last_name="Bench",
                date_of_birth=dt.date(2008 + rng.randrange(17), 1 + rng.randrange(12), 1),
                gender=rng.choice(("male", "female", "female", "male", "not_known")),
                ethnicity=rng.choice(ETHNICITIES),
            )
            for report in reports
            for sibling in range(rng.choice((1, 1, 2)))
        )
        decisions, plans = [], []
        for reported in children:
            decided_at = received[reported.contact_id] + dt.timedelta(hours=3)
            if referred < referrals and rng.random() < refer_share:
                referred += 1
                key, effect, level = rng.choice(REFERRAL_OUTCOMES)
                nfa_later = rng.random() < 0.1
            else:
                key, effect, level = rng.choice(
                    [
                        ("early_help", "early_help", 2),
                        ("information_and_advice", "no_further_action", 1),
                    ]
                )
                nfa_later = False
            outcome = policy.outcome(key)
            decisions.append(
                Decision(
                    contact_id=reported.contact_id,
                    child_id=reported.pk,
                    sequence=1,
                    level=level,
                    outcome=key,
                    outcome_label=outcome.label,
                    outcome_effect=effect,
                    rationale="A benchmark decision.",
                    becomes_referral=outcome.becomes_referral,
                    primary_need=rng.choice(["N1", "N2", "N4", "N5"])
                    if outcome.becomes_referral
                    else "",
                    decided_by=manager,
                    decided_at=decided_at,
                    policy_version=version,
                )
            )
            plans.append(nfa_later)
        decisions = Decision.objects.bulk_create(decisions)
        later = []
        referral_rows = []
        for decision, nfa_later in zip(decisions, plans, strict=True):
            if decision.becomes_referral:
                referral_rows.append(
                    Referral(
                        decision_id=decision.pk,
                        contact_id=decision.contact_id,
                        child_id=decision.child_id,
                        referred_at=decision.decided_at,
                    )
                )
            if nfa_later:
                nfa = policy.outcome("information_and_advice")
                later.append(
                    Decision(
                        contact_id=decision.contact_id,
                        child_id=decision.child_id,
                        sequence=2,
                        level=1,
                        outcome=nfa.key,
                        outcome_label=nfa.label,
                        outcome_effect="no_further_action",
                        rationale="Revised after more information.",
                        decided_by=manager,
                        decided_at=decision.decided_at + dt.timedelta(days=1),
                        policy_version=version,
                    )
                )
        Referral.objects.bulk_create(referral_rows)
        Decision.objects.bulk_create(later)
        made += size
        print(f"  {made:,} contacts, {referred:,} referrals written", end="\r", flush=True)
    print()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(which: str, *, trace: bool) -> dict:
    """Produce one return in this process and report its time and memory."""
    from frontdoor.returns.annex_a import produce_annex_a
    from frontdoor.returns.cin_census import collection_period, produce_census

    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    if which == "cin":
        result = produce_census(year=YEAR, output=TEMP / "cin.xml")
        counts = result.census.counts
        counts["written"] = result.written
        counts["blocking groups"] = sum(g.blocking for g in result.census.problems.groups)
    else:
        start, end = collection_period(YEAR)
        annex, _ = produce_annex_a(start=start, end=end, output=TEMP / "annex-a.xlsx")
        counts = {f"list {number}": count for number, count in annex.counts.items()}
    seconds = time.perf_counter() - began
    figures = {
        "seconds": round(seconds, 2),
        "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "counts": counts,
    }
    if trace:
        figures["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    return figures


def run_measure(which: str, *, trace: bool) -> dict:
    command = [sys.executable, __file__, "--measure", which] + (["--trace"] if trace else [])
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--measure", choices=("cin", "annex"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    url = os.environ["DATABASE_URL"]
    if args.measure is None and url.startswith("postgres"):
        database_exists_or_create(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if args.measure:
        print(json.dumps(measure(args.measure, trace=args.trace)))
        return

    from frontdoor.intake.models import Contact
    from frontdoor.screening.models import Referral

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    call_command("migrate", verbosity=0)
    if not Contact.objects.exists():
        print(f"writing {args.contacts:,} contacts and {args.referrals:,} referrals ...")
        began = time.perf_counter()
        fill(contacts=args.contacts, referrals=args.referrals)
        print(f"written in {time.perf_counter() - began:.1f} s")
    print(f"{Contact.objects.count():,} contacts, {Referral.objects.count():,} referrals")
    connection.close()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this process, Django loaded, has peaked at {baseline:.0f} MB resident)")
    print(f"{'return':26} {'seconds':>8} {'peak RSS MB':>12} {'traced peak MB':>15}")
    for which, name in (("cin", "CIN census XML"), ("annex", "Annex A XLSX")):
        timed = run_measure(which, trace=False)
        traced = run_measure(which, trace=True)
        flag = "" if timed["seconds"] < TARGET_SECONDS else "  over target"
        print(
            f"{name:26} {timed['seconds']:8.1f} {timed['maxrss_mb']:12.1f} "
            f"{traced['traced_peak_mb']:15.1f}{flag}"
        )
        print(f"  {timed['counts']}")
    if not args.keep and url.startswith("postgres"):
        drop_database(url)
        print("database dropped (--keep keeps it)")


if __name__ == "__main__":
    main()
