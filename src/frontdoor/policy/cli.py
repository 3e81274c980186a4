"""`python -m frontdoor check-policy` and `python -m frontdoor due`.

Both work on policy files alone, without the database or the rest of the system starting, so an
administrator can check a draft file, and an analyst a deadline, on any machine with the code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from frontdoor.policy.clocks import LONDON, WorkingCalendar, due_at
from frontdoor.policy.loader import LoadedPolicy, PolicyError, load_policy_dir, load_policy_file
from frontdoor.policy.partners import partner_problems
from frontdoor.policy.schema import TimescaleKey, Unit


def _policy_dir() -> Path:
    from django.conf import settings

    return Path(settings.FRONTDOOR_POLICY_DIR)


def check_policy(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="frontdoor check-policy",
        description="Check council policy files against the schema. Exit 0 when all are valid.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    status = 0
    checked: list[LoadedPolicy] = []
    for path in args.files:
        try:
            loaded = load_policy_file(path)
        except PolicyError as error:
            sys.stderr.write(f"{error}\n")
            status = 1
            continue
        checked.append(loaded)
        catalogue = loaded.policy.level_of_need
        indicators = sum(
            len(lines) for level in catalogue.levels for lines in level.indicators.values()
        )
        unset = sorted(key.value for key in TimescaleKey if loaded.policy.timescale(key) is None)
        print(
            f"{path}: valid: {loaded.id} version {loaded.version}, "
            f"{loaded.policy.council.name}, {indicators} Level of Need indicators"
            + (f"; timescales left unset: {', '.join(unset)}" if unset else "")
        )
    problems = partner_problems([*checked, *_other_councils(checked)])
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    return 1 if problems else status


def _other_councils(checked: list[LoadedPolicy]) -> list[LoadedPolicy]:
    """The policies in the policy folder of councils other than those `checked`, which share
    partner agencies with them; none where the folder cannot be read here."""
    try:
        folder = load_policy_dir(_policy_dir())
    except (PolicyError, ImproperlyConfigured):
        return []
    ids = {loaded.id for loaded in checked}
    return [loaded for key, loaded in folder.items() if key not in ids]


def _read_policy(value: str) -> LoadedPolicy:
    path = Path(value)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return load_policy_file(path)
    return load_policy_file(_policy_dir() / f"{value}.yaml")


def _read_start(value: str) -> dt.datetime:
    try:
        start = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date and time: write it as 2026-12-24T17:00"
        ) from None
    if start.tzinfo is None:
        start = start.replace(tzinfo=LONDON)  # read as London time, as staff speak of it
    return start


def _read_length(value: str) -> Decimal:
    try:
        length = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not length.is_finite() or length <= 0:
        raise argparse.ArgumentTypeError("the length must be more than 0")
    return length


def due(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="frontdoor due",
        description=(
            "Print when a clock started at --from is due, in ISO 8601 with its offset "
            "(Europe/London), by a council's calendar."
        ),
    )
    parser.add_argument("policy", metavar="POLICY", help="a policy id such as sefton, or a file")
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--timescale",
        choices=[key.value for key in TimescaleKey],
        metavar="KEY",
        help="a timescale of the policy: " + ", ".join(key.value for key in TimescaleKey),
    )
    what.add_argument("--length", type=_read_length, help="a length, with --unit")
    parser.add_argument("--unit", choices=[unit.value for unit in Unit])
    parser.add_argument(
        "--from",
        dest="start",
        required=True,
        type=_read_start,
        help="the start, read as Europe/London time unless it carries an offset",
    )
    args = parser.parse_args(argv)
    if args.length is not None and args.unit is None:
        parser.error("--length needs --unit (clock_hours, core_hours or working_days)")
    if args.timescale and args.unit:
        parser.error("--unit goes with --length; a timescale has its own unit")
    if not args.timescale and not args.unit:
        parser.error("give --timescale, or --length with --unit (or --unit same_day alone)")
    if args.unit == Unit.SAME_DAY and args.length is not None:
        parser.error("--unit same_day takes no --length: it ends with the day")
    if args.unit and args.unit != Unit.SAME_DAY and args.length is None:
        parser.error(f"--unit {args.unit} needs --length")

    try:
        loaded = _read_policy(args.policy)
    except PolicyError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    if args.timescale:
        timescale = loaded.policy.timescale(args.timescale)
        if timescale is None:
            sys.stderr.write(
                f"{loaded.id} sets no {args.timescale} timescale: there is no clock to run.\n"
            )
            return 3
        length, unit = timescale.length, timescale.unit
    else:
        length, unit = args.length, Unit(args.unit)
        whole = length is None or length == length.to_integral_value()
        if unit == Unit.WORKING_DAYS and not whole:
            parser.error("working days must be a whole number")

    calendar = WorkingCalendar(loaded.policy.calendar)
    moment = due_at(start=args.start, length=length, unit=unit, calendar=calendar)
    print(moment.astimezone(LONDON).isoformat())
    return 0


COMMANDS = {"check-policy": check_policy, "due": due}
