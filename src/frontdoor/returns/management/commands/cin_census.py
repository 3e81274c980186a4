import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdoor import exports
from frontdoor.returns.cin_census import DATA_TO_FIX_HEADER, collection_period, produce_census


class Command(BaseCommand):
    help = (
        "Write the DfE children in need census XML for the collection year ending 31 March "
        "YEAR, as far as the front door knows it, and list the data to fix. Exits 1 without "
        "writing when the DfE's error rules would reject it; with --draft, writes it without "
        "the children whose records would, and lists them in FILE-left-out.csv beside it. "
        "Example: python -m frontdoor cin-census --year 2027 --output cin-2027.xml"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, help="e.g. 2027 for 2026 to 2027")
        parser.add_argument("--output", type=Path, required=True, help="the XML file to write")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="leave out the children whose records block the file, listed beside it",
        )
        parser.add_argument(
            "--data-to-fix",
            type=Path,
            help="also write every item of the data to fix, with links, to this CSV file",
        )

    def handle(
        self, *args, year: int, output: Path, draft: bool, data_to_fix: Path | None, **options
    ) -> None:
        if not 2013 <= year <= dt.date.today().year + 1:
            raise CommandError(f"Give a collection year from 2013 to {dt.date.today().year + 1}.")
        start, end = collection_period(year)
        result = produce_census(year=year, output=output, draft_only=draft)
        census = result.census
        heading = f"CIN census {year - 1} to {year} ({start:%d/%m/%Y} to {end:%d/%m/%Y})"
        if result.written:
            exports.record_written(
                export=exports.CIN_CENSUS,
                by=None,
                paths=[output, *([result.manifest] if result.manifest else [])],
                rows=len(census.children),
                filters={"year": year, **({"draft": True} if result.manifest else {})},
            )
            self.stdout.write(f"{heading}: wrote {output}")
            if result.manifest:
                count = len(result.left_out)
                self.stdout.write(
                    f"DRAFT: {count} {'child' if count == 1 else 'children'} left out, listed "
                    f"with why in {result.manifest}"
                )
        else:
            self.stdout.write(f"{heading}: NOT written, because of the data to fix below")
        for name, count in census.counts.items():
            self.stdout.write(f"  {name}: {count}")
        if result.problems:
            self.stdout.write("Data to fix:")
            for line in result.problems.lines():
                self.stdout.write(line)
        if data_to_fix:
            with data_to_fix.open("w", encoding="utf-8", newline="") as text:
                exports.write_csv(
                    exports.Sheet("Data to fix", DATA_TO_FIX_HEADER, result.problems.rows()), text
                )
            self.stdout.write(f"Every item of the data to fix: {data_to_fix}")
        if not result.written:
            raise CommandError(
                "The census was not written: fix the data listed first, or give --draft to "
                "write it without the children listed."
            )
