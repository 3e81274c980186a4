"""`python -m frontdoor import-involvements FILE.csv [--source mosaic] [--dry-run]`."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frontdoor.people.involvement_import import (
    RowError,
    check_header,
    import_involvements,
    read_rows,
)

BAR_WIDTH = 30


def _progress(done: int, total: int) -> None:
    """A plain text bar on stderr, redrawn about a hundred times in all."""
    if done != total and done % max(1, total // 100):
        return
    filled = BAR_WIDTH * done // max(1, total)
    sys.stderr.write(
        f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:,}/{total:,} rows"
        + ("\n" if done == total else "")
    )
    sys.stderr.flush()


class Command(BaseCommand):
    help = (
        "Import involvements (early help, social care, plans, missing episodes) from a CSV "
        "export of another system. Safe to run again. Exits 1 when any row was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, first line the header)")
        parser.add_argument(
            "--source",
            default="frontdoor",
            help="the system it came from, e.g. mosaic, liquidlogic, early-help-module",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and change nothing"
        )

    def handle(self, *args, file: Path, source: str, dry_run: bool, **options):
        if not file.exists():
            raise CommandError(f"{file} does not exist")
        with file.open(newline="", encoding="utf-8-sig") as handle:
            header, rows = read_rows(handle)
        try:
            check_header(header)
        except RowError as error:
            raise CommandError(f"{file}: {error}") from error
        result = import_involvements(
            rows=rows,
            source_system=source.strip().lower(),
            dry_run=dry_run,
            progress=_progress if rows else None,
        )
        for line, reason in result.rejected:
            self.stderr.write(f"{file}:{line}: rejected: {reason}")
        self.stdout.write(("Dry run, nothing saved. " if dry_run else "") + result.summary)
        if result.rejected:
            sys.exit(1)
