import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdoor import exports
from frontdoor.returns.cin_census import collection_period, produce_census


class Command(BaseCommand):
    help = (
        "Write the DfE children in need census XML for the collection year ending 31 March "
        "YEAR, as far as the front door knows it, and list the data to fix. Exits 1 without "
        "writing when the DfE's error rules would reject it. "
        "Example: python -m frontdoor cin-census --year 2027 --output cin-2027.xml"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, help="e.g. 2027 for 2026 to 2027")
        parser.add_argument("--output", type=Path, required=True, help="the XML file to write")

    def handle(self, *args, year: int, output: Path, **options) -> None:
        if not 2013 <= year <= dt.date.today().year + 1:
            raise CommandError(f"Give a collection year from 2013 to {dt.date.today().year + 1}.")
        start, end = collection_period(year)
        result = produce_census(year=year, output=output)
        census = result.census
        heading = f"CIN census {year - 1} to {year} ({start:%d/%m/%Y} to {end:%d/%m/%Y})"
        if result.written:
            exports.record_written(
                export=exports.CIN_CENSUS,
                by=None,
                paths=[output],
                rows=len(census.children),
                filters={"year": year},
            )
            self.stdout.write(f"{heading}: wrote {output}")
        else:
            self.stdout.write(f"{heading}: NOT written, because of the data to fix below")
        for name, count in census.counts.items():
            self.stdout.write(f"  {name}: {count}")
        if census.problems:
            self.stdout.write("Data to fix:")
            for line in census.problems.lines():
                self.stdout.write(line)
        if not result.written:
            raise CommandError("The census was not written: fix the data listed first.")
