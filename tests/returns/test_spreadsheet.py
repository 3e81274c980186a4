"""The streaming XLSX writer: what it writes reads back the same in openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import warnings

from openpyxl import load_workbook

from frontdoor.returns.spreadsheet import Workbook


def test_text_numbers_dates_and_blanks_read_back_as_written():
    stream = io.BytesIO()
    with Workbook(stream) as workbook:
        workbook.sheet(
            "List 1",
            ["Child", "Born", "Age", "Note"],
            [["R1", dt.date(2015, 3, 2), 11, "Tom & <Jerry>"], ["R2", None, None, " x\x01y "]],
        )
        workbook.sheet("List 2", ["Empty"], [])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a well-formed file gives openpyxl nothing to warn of
        opened = load_workbook(io.BytesIO(stream.getvalue()))
    assert opened.sheetnames == ["List 1", "List 2"]
    sheet = opened["List 1"]
    assert [cell.value for cell in sheet[1]] == ["Child", "Born", "Age", "Note"]
    assert sheet[1][0].font.b
    assert [cell.value for cell in sheet[2]] == ["R1", dt.datetime(2015, 3, 2), 11, "Tom & <Jerry>"]
    assert sheet[2][1].number_format == "DD/MM/YYYY"
    # Control characters cannot be in XML: they are dropped; spaces are kept.
    assert [cell.value for cell in sheet[3]] == ["R2", None, None, " xy "]
    assert opened["List 2"].max_row == 1
