"""How fast the dashboards page answers on a large council's year: 100,000 contacts (R46).

Run from the repository root:

    .venv/bin/python bench/bench_dashboard.py [--contacts 100000] [--referrals 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/frontdoor_bench_dashboard \\
        .venv/bin/python bench/bench_dashboard.py

It migrates, then writes a year of contacts straight into the tables with bulk_create (a
benchmark shortcut, never how the system records anything): each with a report, one or two
children, an assignment to one of three teams, and, for all but the last few hundred, a decision
for each child (some revised by a second one) and the time the contact was progressed,
`--referrals` referrals (about a fifth of them re-referrals) and a few transfers; all but the
open ones are closed. On PostgreSQL it keeps the database and reuses the rows on the next run
(`--fresh` drops them first). Then it times
/dashboards/ as a performance analyst through django.test.Client: the default four weeks, one
team, a quarter and the whole year. It prints p50, p95 and max in milliseconds and each page's
query count. The target is a p95 under 300 ms. It asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_inbox import time_page
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel, Contact, ReferrerType, Report, ReportedChild
from frontdoor.policy.clocks import LONDON, start_clock
from frontdoor.policy.registry import calendar_for, current_loaded_policy
from frontdoor.policy.schema import TimescaleKey
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.models import (
    Assignment,
    Decision,
    Referral,
    Transfer,
)

TARGET_MS = 300
BATCH = 5_000
OPEN = 400  # the newest contacts, still being worked on
TEAMS = ("MASH North", "MASH South", "Duty and Assessment")
CHANNELS = (
    (Channel.ONLINE_FORM, 42),
    (Channel.TELEPHONE, 20),
    (Channel.EMAIL, 12),
    (Channel.POLICE_NOTIFICATION, 14),
    (Channel.EDT, 6),
    (Channel.API, 4),
    (Channel.LETTER, 2),
)
SOURCES = (
    (ReferrerType.PROFESSIONAL, 80),
    (ReferrerType.PUBLIC, 8),
    (ReferrerType.FAMILY, 8),
    (ReferrerType.ANONYMOUS, 4),
)
# (level, outcome key, label, effect, becomes a referral, weight)
OUTCOMES = (
    (1, "information_and_advice", "Information, advice or signposting", "no_further_action", 0, 38),
    (2, "early_help", "Early Help: Team Around the Family", "early_help", 0, 26),
    (3, "early_help", "Early Help: Team Around the Family", "early_help", 0, 8),
    (3, "child_and_family_assessment", "Child and Family assessment", "assessment", 1, 13),
    (
        4,
        "strategy_discussion",
        "Child protection: strategy discussion",
        "strategy_discussion",
        1,
        4,
    ),
    (2, "allocated_worker", "Passed to the allocated worker", "allocated_worker", 0, 8),
    (2, "another_council", "Transferred to another local authority", "transfer_to_council", 0, 3),
)
RAGS = ("", "", "", "green", "amber", "red")


def _weighted(rng: random.Random, options):
    return rng.choices(options, [option[-1] for option in options])[0]


def fill(contacts: int, referrals: int, *, manager: User, seed: int = 2026) -> None:
    """A year of contacts up to now, decided and mostly closed, with `referrals` referrals."""
    rng = random.Random(seed)
    loaded = current_loaded_policy()
    calendar = calendar_for(loaded)
    timescale = loaded.policy.timescale(TimescaleKey.CONTACT_PROGRESSED)
    version = current_policy_version()
    now = timezone.now()
    year = int(dt.timedelta(days=365).total_seconds())
    received_times = sorted(
        now - dt.timedelta(seconds=rng.randrange(year)) for _ in range(contacts)
    )
    newest = received_times[-OPEN] if contacts > OPEN else now
    # Aim the share of referral outcomes so that about `referrals` are made.
    referral_share = referrals / (contacts * 1.3)
    made_referrals = 0
    for first in range(0, contacts, BATCH):
        batch_times = received_times[first : first + BATCH]
        with transaction.atomic():
            made = []
            for n, received in enumerate(batch_times, start=first):
                due = start_clock(timescale=timescale, start=received, calendar=calendar)
                is_open = received >= newest
                made.append(
                    Contact(
                        reference=f"FD-D{n:07d}",
                        received_at=received,
                        progress_due_at=due.due if due else None,
                        state=rng.choice(("received", "screening", "awaiting_decision"))
                        if is_open
                        else "closed",
                        policy_version=version,
                    )
                )
            made = Contact.objects.bulk_create(made)
            reports = Report.objects.bulk_create(
                Report(
                    contact=contact,
                    channel=_weighted(rng, CHANNELS)[0],
                    received_at=contact.received_at,
                    referrer_type=_weighted(rng, SOURCES)[0],
                    worry="A benchmark contact.",
                    consent="given",
                )
                for contact in made
            )
            children = ReportedChild.objects.bulk_create(
                ReportedChild(
                    contact=report.contact,
                    report=report,
                    first_name="Bench",
                    last_name=f"Child{sibling}",
                )
                for report in reports
                for sibling in range(1 if rng.random() < 0.7 else 2)
            )
            Assignment.objects.bulk_create(
                Assignment(
                    contact=contact,
                    team=rng.choice(TEAMS),
                    assigned_at=contact.received_at + dt.timedelta(minutes=30),
                    assigned_by=manager,
                )
                for contact in made
                if contact.state != "received"
            )
            decisions = []
            for child in children:
                contact = child.contact
                if contact.state != "closed":
                    continue
                due = contact.progress_due_at or contact.received_at + dt.timedelta(days=1)
                late = rng.random() < 0.14
                decided = (
                    due + dt.timedelta(hours=rng.randint(1, 40))
                    if late
                    else contact.received_at + (due - contact.received_at) * rng.uniform(0.1, 0.9)
                )
                level, key, label, effect, referral, _ = _weighted(rng, OUTCOMES)
                if referral and rng.random() > referral_share / 0.17:
                    level, key, label, effect, referral, _ = OUTCOMES[1]
                for sequence in range(1, 2 if rng.random() < 0.97 else 3):
                    decisions.append(
                        Decision(
                            contact=contact,
                            child=child,
                            sequence=sequence,
                            level=level,
                            rag=rng.choice(RAGS) if level >= 2 else "",
                            outcome=key,
                            outcome_label=label,
                            outcome_effect=effect,
                            rationale="A benchmark decision.",
                            becomes_referral=bool(referral),
                            primary_need="N1" if referral else "",
                            decided_by=manager,
                            decided_at=decided + dt.timedelta(hours=sequence - 1),
                            policy_version=version,
                        )
                    )
            decisions = Decision.objects.bulk_create(decisions)
            # R25: progressed at the last of its children's first decisions, as
            # `screening.decisions.record_decision` stores it.
            progressed: dict[int, Contact] = {}
            for decision in decisions:
                contact = decision.contact
                if decision.sequence == 1 and (
                    contact.progressed_at is None or decision.decided_at > contact.progressed_at
                ):
                    contact.progressed_at = decision.decided_at
                    progressed[contact.pk] = contact
            Contact.objects.bulk_update(progressed.values(), ["progressed_at"])
            new_referrals = [
                Referral(
                    decision=decision,
                    contact=decision.contact,
                    child=decision.child,
                    referred_at=decision.decided_at,
                    is_re_referral=rng.random() < 0.2,
                )
                for decision in decisions
                if decision.becomes_referral and decision.sequence == 1
            ][: max(referrals - made_referrals, 0)]
            Referral.objects.bulk_create(new_referrals)
            made_referrals += len(new_referrals)
            Transfer.objects.bulk_create(
                Transfer(
                    contact=decision.contact,
                    decision=decision,
                    to_council_code="E08000012",
                    to_council_name="Liverpool",
                    sent_how="Secure e-mail",
                    what_was_sent="The contact.",
                    sent_at=decision.decided_at,
                    sent_by=manager,
                )
                for decision in decisions
                if decision.outcome == "another_council" and decision.sequence == 1
            )
        print(f"  {first + len(batch_times):,} contacts written", end="\r", flush=True)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--referrals", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--fresh", action="store_true", help="delete the contacts written before")
    args = parser.parse_args()

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"role": Role.MASH_MANAGER}
    )
    analyst, _ = User.objects.get_or_create(
        username="bench-analyst", defaults={"role": Role.PERFORMANCE_ANALYST}
    )
    if args.fresh:
        with connection.cursor() as cursor:
            for model in (Transfer, Referral, Decision, Assignment, ReportedChild, Report, Contact):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - our tables
    if not Contact.objects.exists():
        print(f"writing {args.contacts:,} contacts ...")
        began = time.perf_counter()
        fill(args.contacts, args.referrals, manager=manager)
        print(f"written in {time.perf_counter() - began:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{Contact.objects.count():,} contacts, {ReportedChild.objects.count():,} children, "
        f"{Decision.objects.count():,} decisions, {Referral.objects.count():,} referrals, "
        f"{Contact.objects.exclude(state='closed').count():,} open"
    )

    client = Client()
    client.force_login(analyst)
    today = timezone.now().astimezone(LONDON).date()

    def period(days: int) -> dict[str, str]:
        start = today - dt.timedelta(days=days - 1)
        return {
            "start-day": str(start.day),
            "start-month": str(start.month),
            "start-year": str(start.year),
            "end-day": str(today.day),
            "end-month": str(today.month),
            "end-year": str(today.year),
        }

    cases = [
        ("last 4 weeks (default)", {}),
        ("last 4 weeks, one team", {"team": TEAMS[0]}),
        ("a quarter", period(91)),
        ("the whole year (by week)", period(365)),
        ("CSV download, the year", {**period(365), "download": "outcomes", "format": "csv"}),
    ]
    print(f"{args.requests} requests each; target p95 under {TARGET_MS} ms")
    print(f"{'case':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, params in cases:
        timings, queries = time_page(client, params, args.requests, path="/dashboards/")
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(
            f"{name:32} {statistics.median(timings):8.1f} {p95:8.1f} {max(timings):8.1f} "
            f"{queries:8d}{'' if p95 < TARGET_MS else '  over target'}"
        )


if __name__ == "__main__":
    main()
