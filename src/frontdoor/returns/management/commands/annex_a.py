import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdoor import exports
from frontdoor.returns.annex_a import LISTS, produce_annex_a


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Give dates as YYYY-MM-DD, like 2026-04-01 (got {value!r}).") from None


class Command(BaseCommand):
    help = (
        "Write Ofsted's Annex A lists 1 to 5 for a period (London dates, both included) as one "
        "XLSX file, five CSV files beside a .csv name, or a .zip of them, and list the data to "
        "fix. Example: python -m frontdoor annex-a --from 2026-04-01 --to 2027-03-31 "
        "--output annex-a.xlsx"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument(
            "--output", type=Path, required=True, help="FILE.xlsx, FILE.csv or FILE.zip"
        )

    def handle(self, *args, start: str, end: str, output: Path, **options) -> None:
        first, last = _date(start), _date(end)
        try:
            annex, written = produce_annex_a(start=first, end=last, output=output)
        except ValueError as error:
            raise CommandError(str(error)) from None
        exports.record_written(
            export=exports.ANNEX_A,
            by=None,
            paths=written,
            rows=sum(annex.counts.values()),
            filters={"from": first, "to": last},
        )
        self.stdout.write(f"Annex A, {first:%d/%m/%Y} to {last:%d/%m/%Y}: wrote")
        for path in written:
            self.stdout.write(f"  {path}")
        for spec in LISTS:
            self.stdout.write(
                f"  List {spec.number} ({spec.title}): {annex.counts[spec.number]} rows"
            )
        if annex.problems:
            self.stdout.write("Data to fix (left blank in the lists until fixed):")
            for line in annex.problems.lines():
                self.stdout.write(line)
