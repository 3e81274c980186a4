"""Rows printed as aligned columns, for reading in a terminal: the commands' tables."""

from __future__ import annotations

from collections.abc import Sequence


def write_columns(out, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Write `header` and `rows` to `out` (a command's stdout), each column as wide as its
    widest cell."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        out.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
