"""The one writer of every file Front Door serves: its formula guard, its CSV and its streaming
XLSX, read back with csv and openpyxl (R45). Each download's audit entry and the guard through
the public form are in tests/test_downloads.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from frontdoor import exports
from frontdoor.audit.models import AuditEvent
from frontdoor.exports import Sheet

# A cell starting with each of these is run by a spreadsheet (OWASP, CSV injection).
FORMULAS = [
    '=HYPERLINK("http://evil.example","Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


def _csv(sheet: Sheet) -> list[list[str]]:
    text = io.StringIO()
    exports.write_csv(sheet, text)
    return list(csv.reader(io.StringIO(text.getvalue(), newline="")))


def _xlsx(*sheets: Sheet):
    stream = io.BytesIO()
    exports.write_xlsx(list(sheets), stream)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a well-formed file gives openpyxl nothing to warn of
        return load_workbook(io.BytesIO(stream.getvalue()))


@pytest.mark.parametrize("typed", FORMULAS)
def test_r45_text_a_spreadsheet_would_run_is_quoted_in_csv(typed):
    [_, row] = _csv(Sheet("S", ["Child"], [[typed]]))
    assert row == ["'" + typed]


@pytest.mark.parametrize("typed", FORMULAS)
def test_r45_text_a_spreadsheet_would_run_is_a_quoted_string_cell_in_xlsx(typed):
    cell = _xlsx(Sheet("S", ["Child"], [[typed]])).active["A2"]
    assert cell.data_type == "s"  # a string cell is never a formula
    assert cell.quotePrefix  # and stays text if someone edits it
    assert cell.value == typed  # shown exactly as typed


def test_numbers_and_dates_stay_numbers_and_dates():
    born, seen = dt.date(2015, 3, 2), dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
    row = [-3, 2.5, born, seen, "Ellis", None]
    assert _csv(Sheet("S", list("abcdef"), [row]))[1] == [
        "-3",  # a negative number is not text: no quote
        "2.5",
        "2015-03-02",
        "2026-07-01T09:30:00+00:00",
        "Ellis",
        "",
    ]
    cells = _xlsx(Sheet("S", list("abcdef"), [row])).active[2]
    assert [cell.value for cell in cells] == [
        -3,
        2.5,
        dt.datetime(2015, 3, 2),
        dt.datetime(2026, 7, 1, 10, 30),  # shown in London time
        "Ellis",
        None,
    ]
    assert [cell.data_type for cell in cells[:4]] == ["n", "n", "d", "d"]
    assert not cells[4].quotePrefix
    assert cells[3].number_format == exports.DATETIME_FORMAT


def test_a_sheet_can_write_dates_as_its_readers_expect():
    sheet = Sheet("S", ["Born"], [[dt.date(2015, 3, 2)]], date_format="%d/%m/%Y")
    assert _csv(sheet)[1] == ["02/03/2015"]


def test_text_numbers_dates_and_blanks_read_back_as_written():
    opened = _xlsx(
        Sheet(
            "List 1",
            ["Child", "Born", "Age", "Note"],
            [["R1", dt.date(2015, 3, 2), 11, "Tom & <Jerry>"], ["R2", None, None, " x\x01y "]],
        ),
        Sheet("List 2", ["Empty"], []),
    )
    assert opened.sheetnames == ["List 1", "List 2"]
    sheet = opened["List 1"]
    assert [cell.value for cell in sheet[1]] == ["Child", "Born", "Age", "Note"]
    assert sheet[1][0].font.b
    assert [cell.value for cell in sheet[2]] == ["R1", dt.datetime(2015, 3, 2), 11, "Tom & <Jerry>"]
    assert sheet[2][1].number_format == "DD/MM/YYYY"
    # Control characters cannot be in XML: they are dropped; spaces are kept.
    assert [cell.value for cell in sheet[3]] == ["R2", None, None, " xy "]
    assert opened["List 2"].max_row == 1


def test_a_carriage_return_reads_back_as_one():
    assert _xlsx(Sheet("S", ["Note"], [["\rfirst\r\nsecond"]])).active["A2"].value == (
        "\rfirst\r\nsecond"
    )


def test_the_writers_count_the_rows_they_write(tmp_path):
    def sheets():
        return [Sheet("One", ["a"], [[1], [2]], slug="one"), Sheet("Two", ["a"], [[3]], slug="two")]

    assert exports.write_xlsx(sheets(), io.BytesIO()) == 3
    assert exports.write_csv(sheets()[0], io.StringIO()) == 2
    archive = tmp_path / "lists.zip"
    assert exports.write_csv_zip(sheets(), archive, stem="lists") == 3
    with zipfile.ZipFile(archive) as opened:
        assert opened.namelist() == ["lists-one.csv", "lists-two.csv"]


def test_a_download_outside_its_formats_is_refused_before_anything_is_written(make_user):
    with pytest.raises(ValueError, match="not offered as XLSX"):
        exports.download(
            export=exports.PARTNER_ENQUIRIES,
            by=make_user(),
            file_format=exports.XLSX,
            filename="x",
            sheets=[Sheet("S", ["a"], [])],
        )
    assert not AuditEvent.objects.exists()


def test_a_file_name_cannot_break_out_of_its_header(make_user):
    response = exports.respond(
        export=exports.CIN_CENSUS,
        by=make_user(),
        file_format=exports.XML,
        filename='census"; evil=1\r\n',
        content=b"<Message/>",
        rows=0,
    )
    assert response["Content-Disposition"] == 'attachment; filename="census---evil-1--.xml"'


SRC = Path(exports.__file__).parent
# What writes a file for download: only the exports module may.
WRITERS = re.compile(r"csv\.(writer|DictWriter)|openpyxl|Content-Disposition|attachment; filename")


def test_r45_no_other_module_writes_a_file_for_download():
    """Every download goes through the one guard and the one audit entry: a view that wrote its
    own CSV would escape both, as the partner agency's CSV and the disclosure log once did."""
    elsewhere = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path != Path(exports.__file__) and WRITERS.search(path.read_text(encoding="utf-8"))
    )
    assert elsewhere == []
