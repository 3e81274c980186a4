"""How many due times the clocks compute per second, for each unit, on Sefton's calendar.

Run from the repository root: .venv/bin/python bench/bench_clocks.py [--seconds 1.5]
Needs no Django settings: it imports only frontdoor.policy.clocks, loader and schema.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal
from pathlib import Path

from frontdoor.policy.clocks import LONDON, UTC, WorkingCalendar, due_at
from frontdoor.policy.loader import load_policy_file
from frontdoor.policy.schema import Unit

REPO = Path(__file__).resolve().parents[1]

# Sefton's timescales: Red 2 clock hours, Amber 6 core hours, Green 1 working day (R36), and the
# 45 working days of a Child and Family assessment.
CASES = [
    ("Red", Decimal(2), Unit.CLOCK_HOURS),
    ("Amber", Decimal(6), Unit.CORE_HOURS),
    ("Green", Decimal(1), Unit.WORKING_DAYS),
    ("assessment", Decimal(45), Unit.WORKING_DAYS),
]


def start_times(count: int, *, seed: int = 2026) -> list[dt.datetime]:
    """Instants spread evenly over 2026 and 2027, nights, weekends and holidays included."""
    rng = random.Random(seed)
    first = dt.datetime(2026, 1, 1, tzinfo=UTC)
    span = int((dt.datetime(2028, 1, 1, tzinfo=UTC) - first).total_seconds())
    return [
        (first + dt.timedelta(seconds=rng.randrange(span))).astimezone(LONDON) for _ in range(count)
    ]


def measure(
    starts: list[dt.datetime],
    length: Decimal,
    unit: Unit,
    calendar: WorkingCalendar,
    seconds: float,
) -> tuple[int, float]:
    """Computations done and time taken, running whole passes over `starts` for about `seconds`."""
    done, elapsed = 0, 0.0
    while elapsed < seconds:
        began = time.perf_counter()
        for start in starts:
            due_at(start=start, length=length, unit=unit, calendar=calendar)
        elapsed += time.perf_counter() - began
        done += len(starts)
    return done, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="time per case (default 1.5)")
    args = parser.parse_args()

    calendar = WorkingCalendar(load_policy_file(REPO / "policies" / "sefton.yaml").policy.calendar)
    starts = start_times(2_000)
    for _, length, unit in CASES:  # warm up: bank holidays for every year are computed once
        measure(starts, length, unit, calendar, seconds=0.0)

    print(f"Sefton calendar, {len(starts)} start times over 2026-2027, {args.seconds:g} s per case")
    for name, length, unit in CASES:
        done, elapsed = measure(starts, length, unit, calendar, args.seconds)
        label = f"{unit.value} ({name}, {length})"
        print(
            f"{label:32} {done / elapsed:12,.0f} computations/s {elapsed / done * 1e6:8.1f} us each"
        )


if __name__ == "__main__":
    main()
