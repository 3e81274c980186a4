"""Every file of records Front Door serves: CSV, XLSX, a zip of CSV files, the census XML and the
subject access JSON, written one way, guarded one way and audited one way (R45).

A view loads its rows through its selectors (need-to-know stays in the query) and hands them
here with the export's name and the filters it applied. This module writes the file, counts the
rows, writes the audit entry (who, which export, the filters, how many rows) and the access log's
line for the member of staff, and returns the response. `EXPORTS` lists every download there is:
the tests download each one, so a new export cannot be missed.

Text that a spreadsheet would run as a formula (CSV injection: a child's name typed as
`=HYPERLINK(...)`) is written so it shows as text: in a CSV cell with a single quote before it,
as OWASP advises; in an XLSX file as a string cell, which is never a formula, marked as quoted so
editing the cell keeps it text. Numbers and dates stay numbers and dates.

XLSX files are written straight into the sheet's XML inside the zip: openpyxl's write-only mode
spends about 30 microseconds a cell on this machine, and a large council's Annex A is over a
million cells, which made its download take a minute and a half. The lists need none of its
features (formulas, styles beyond a few formats, merged cells): memory stays flat and the file
opens in Excel, LibreOffice and openpyxl alike (the tests read it back with openpyxl).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from xml.sax.saxutils import escape

from django.db import transaction
from django.http import HttpResponse

from frontdoor.audit import services as audit
from frontdoor.audit.models import AuditEvent
from frontdoor.policy.clocks import LONDON

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from frontdoor.accounts.models import User

CSV, XLSX, ZIP, XML, JSON = "csv", "xlsx", "zip", "xml", "json"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ZIP: "application/zip",
    XML: "application/xml",
    JSON: "application/json; charset=utf-8",
}
# The audit trail's action for every download; `changes` says which export and how much.
DOWNLOADED = "export.downloaded"


@dataclass(frozen=True)
class Export:
    """One download: its key on the audit trail, its name in the access log, its formats."""

    key: str
    title: str
    formats: tuple[str, ...]


EXPORTS: dict[str, Export] = {}


def _export(key: str, title: str, *formats: str) -> Export:
    EXPORTS[key] = Export(key=key, title=title, formats=formats)
    return EXPORTS[key]


PARTNER_ENQUIRIES = _export("mash.enquiries", "MASH enquiries sent to the agency", CSV)
DISCLOSURE_LOG = _export("privacy.disclosures", "Disclosure log", CSV)
ACCESS_LOG = _export("privacy.access_log", "Access log", CSV)
SUBJECT_ACCESS = _export("privacy.subject_access", "Subject access export", JSON)
ESCALATION_LOG = _export("escalations.log", "Escalation summary log", CSV, XLSX)
ESCALATION_STEPS = _export("escalations.steps", "Escalations by step", CSV, XLSX)
DASHBOARD_TABLE = _export("returns.dashboards", "Dashboard table", CSV, XLSX)
ANNEX_A = _export("returns.annex_a", "Ofsted Annex A", XLSX, ZIP)
CIN_CENSUS = _export("returns.cin_census", "Children in need census", XML)
DATA_TO_FIX = _export("returns.data_to_fix", "Data to fix for a return", CSV)


# The formula guard.

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def runs_as_formula(value: Any) -> bool:
    """True for text a spreadsheet would run as a formula; numbers are never (-3 is a number)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: str) -> str:
    """Text as a CSV cell: quoted with a leading ' when a spreadsheet would run it."""
    return "'" + value if runs_as_formula(value) else value


# What goes into a file.


@dataclass(frozen=True)
class Sheet:
    """One table: a sheet of an XLSX file, or one CSV file.

    `slug` names its CSV file inside a zip; `date_format` writes dates in CSV (XLSX keeps them
    as dates, shown DD/MM/YYYY).
    """

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    slug: str = ""
    date_format: str = "%Y-%m-%d"


class LondonMinute(dt.datetime):
    """A moment in London's local time to the minute: a date-and-time cell in XLSX, and
    "2026-12-07 10:05" as text (in CSV, and on a page through `stringformat:"s"`)."""

    def __str__(self) -> str:
        return self.strftime("%Y-%m-%d %H:%M")


def london_time(moment: dt.datetime | None) -> LondonMinute | str:
    """A moment as a download shows it: London's local time to the minute, or blank."""
    if not moment:
        return ""
    local = moment.astimezone(LONDON)
    return LondonMinute(local.year, local.month, local.day, local.hour, local.minute)


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _csv_value(value: Any, date_format: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, LondonMinute):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime(date_format)
    if isinstance(value, str):
        return csv_text(value)
    return value


def write_csv(sheet: Sheet, stream: SupportsWrite[str]) -> int:
    """Write `sheet` as CSV, heading first; the number of rows written (the heading not counted)."""
    writer = csv.writer(stream)
    writer.writerow([csv_text(str(title)) for title in sheet.header])
    count = 0
    for row in sheet.rows:
        writer.writerow([_csv_value(value, sheet.date_format) for value in row])
        count += 1
    return count


def write_csv_zip(sheets: Sequence[Sheet], stream: BinaryIO | Path, *, stem: str) -> int:
    """Each sheet as a CSV file `stem-slug.csv` in one zip; the rows written in all."""
    count = 0
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets:
            with (
                archive.open(f"{stem}-{sheet.slug or sheet.name}.csv", "w") as member,
                io.TextIOWrapper(member, encoding="utf-8", newline="") as text,
            ):
                count += write_csv(sheet, text)
    return count


# XLSX, written straight into the zip.

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
# Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
_EPOCH = dt.datetime(1899, 12, 30)
# Control characters other than tab and newlines cannot appear in XML 1.0 at all.
_ILLEGAL = dict.fromkeys(code for code in range(32) if chr(code) not in "\t\n\r")

_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    f'<Override PartName="/xl/worksheets/sheet{{n}}.xml" ContentType="{_OFFICE}.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{sheets}"
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)
_SHEET_REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>'
)
# Styles: 0 the default; 1 a date; 2 a bold heading; 3 text marked as quoted (as a spreadsheet
# marks text typed after a '), so editing it cannot make it a formula; 4 a date and time.
_DATE, _HEADING, _QUOTED, _DATETIME = ' s="1"', ' s="2"', ' s="3"', ' s="4"'
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"


def _text(value: str, style: str = "") -> str:
    """A string cell: whatever it holds, a spreadsheet never runs it."""
    # A carriage return is written as a reference: XML readers turn a bare one into a newline.
    clean = escape(value.translate(_ILLEGAL), {"\r": "&#13;"})
    space = ' xml:space="preserve"' if value != value.strip() else ""
    if not style and runs_as_formula(value):
        style = _QUOTED
    return f'<c t="inlineStr"{style}><is><t{space}>{clean}</t></is></c>'


def _serial(moment: dt.datetime) -> float:
    """Excel's day number with the time as its fraction, in London time for an aware moment."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(LONDON).replace(tzinfo=None)
    return (moment - _EPOCH) / dt.timedelta(days=1)


def _xlsx_cell(value: Any) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        return f"<c{_DATETIME}><v>{_serial(value)}</v></c>"
    if isinstance(value, dt.date):
        return f"<c{_DATE}><v>{(value - _EPOCH.date()).days}</v></c>"
    if isinstance(value, int | float | Decimal) and math.isfinite(value):
        return f"<c><v>{value}</v></c>"
    return _text(str(value))


class Workbook:
    """Sheets written one after another into an XLSX file or stream."""

    def __init__(self, target: BinaryIO | Path):
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
        self._names: list[str] = []

    def sheet(self, sheet: Sheet) -> int:
        """Write one sheet, heading first; the number of rows written (the heading not counted)."""
        self._names.append(sheet.name)
        member = f"xl/worksheets/sheet{len(self._names)}.xml"
        count = 0
        with self._zip.open(member, "w", force_zip64=True) as stream:
            stream.write(_SHEET_START.encode())
            heading = "".join(_text(str(title), _HEADING) for title in sheet.header)
            stream.write(f"<row>{heading}</row>".encode())
            buffer: list[str] = []
            for row in sheet.rows:
                buffer.append("<row>" + "".join(map(_xlsx_cell, row)) + "</row>")
                count += 1
                if len(buffer) >= 1_000:
                    stream.write("".join(buffer).encode())
                    buffer.clear()
            stream.write(("".join(buffer) + _SHEET_END).encode())
        return count

    def close(self) -> None:
        numbers = range(1, len(self._names) + 1)
        sheets = "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
            for n, name in zip(numbers, self._names, strict=True)
        )
        self._zip.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in numbers)),
        )
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        self._zip.writestr("xl/workbook.xml", _WORKBOOK.format(sheets=sheets))
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(sheets="".join(_SHEET_REL.format(n=n) for n in numbers)),
        )
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def write_xlsx(sheets: Sequence[Sheet], stream: BinaryIO | Path) -> int:
    """Each sheet as a sheet of one XLSX file; the rows written in all."""
    with Workbook(stream) as workbook:
        return sum(workbook.sheet(sheet) for sheet in sheets)


# Downloads, and their place on the audit trail and in the access log.


def _jsonable(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters applied, as the audit entry keeps them: empty ones left out, dates in ISO."""
    kept = {}
    for name, value in filters.items():
        if value is None or value == "":
            continue
        kept[name] = value.isoformat() if isinstance(value, dt.date) else value
    return kept


def summary(changes: Mapping[str, Any]) -> str:
    """How the access log describes a download: its format, rows and filters."""
    rows = changes.get("rows", 0)
    words = [f"{str(changes.get('format', '')).upper()} file, {rows} row{'s' * (rows != 1)}"]
    filters = changes.get("filters") or {}
    if filters:
        words.append("; ".join(f"{name} {value}" for name, value in filters.items()))
    return ": ".join(words)


def title(changes: Mapping[str, Any]) -> str:
    """The access log's name for the export an audit entry records."""
    export = EXPORTS.get(str(changes.get("export", "")))
    return f"Download: {export.title if export else changes.get('export', 'a file')}"


def _offered(export: Export, file_format: str) -> None:
    # The registry is the list the tests download: a format not in it would go untested.
    if file_format not in export.formats:
        raise ValueError(f"The {export.title} is not offered as {file_format.upper()}.")


@transaction.atomic
def _record(
    *,
    export: Export,
    by: User | None,
    file_format: str,
    filename: str,
    rows: int,
    filters: Mapping[str, Any] | None = None,
    through: str = "",
) -> AuditEvent:
    """Put one download on the audit trail, and in the access log of the member of staff who made
    it: which export, the filters applied and the rows, never a child's name (R45)."""
    if not through:
        _offered(export, file_format)
    changes = {
        "export": export.key,
        "format": file_format,
        "file": filename,
        "rows": rows,
        "filters": _jsonable(filters or {}),
        **({"through": through} if through else {}),
    }
    event = audit.record(actor=by, action=DOWNLOADED, changes=changes)
    if by is not None and by.is_authenticated:
        audit.record_view(viewer=by, target=event, through=summary(changes), at=event.at)
    return event


def record_written(
    *,
    export: Export,
    by: User | None,
    paths: Sequence[Path],
    rows: int,
    filters: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Put a file a command wrote (Annex A, the census, a subject access export) on the audit
    trail as a download: `by` is the member of staff the command names, or None for the operator.
    A command may write formats the pages do not offer (Annex A as five CSV files)."""
    return _record(
        export=export,
        by=by,
        file_format=paths[0].suffix.lstrip(".").lower() if paths else "",
        filename=", ".join(str(path) for path in paths),
        rows=rows,
        filters=filters,
        through="command line",
    )


# What a file name may hold: anything else becomes "-", so no header can be broken out of.
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._@+-]")


def respond(
    *,
    export: Export,
    by: User | None,
    file_format: str,
    filename: str,
    content: bytes | str,
    rows: int,
    filters: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """A file already written (the census XML, the subject access JSON), audited and served."""
    name = f"{_UNSAFE_IN_NAME.sub('-', filename)}.{file_format}"
    _record(
        export=export, by=by, file_format=file_format, filename=name, rows=rows, filters=filters
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def download(
    *,
    export: Export,
    by: User | None,
    file_format: str,
    filename: str,
    sheets: Sequence[Sheet],
    filters: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Write `sheets` as CSV (one sheet), XLSX (a sheet each) or a zip (a CSV each), guarded,
    audited and served as `filename` with the format's extension."""
    _offered(export, file_format)
    if file_format == CSV:
        if len(sheets) != 1:
            raise ValueError("A CSV file holds one table: offer the others as a zip.")
        text = io.StringIO()
        rows = write_csv(sheets[0], text)
        content: bytes = text.getvalue().encode()
    else:
        buffer = io.BytesIO()
        if file_format == XLSX:
            rows = write_xlsx(sheets, buffer)
        elif file_format == ZIP:
            rows = write_csv_zip(sheets, buffer, stem=_UNSAFE_IN_NAME.sub("-", filename))
        else:
            raise ValueError(f"Tables are written as CSV, XLSX or a zip, not {file_format}.")
        content = buffer.getvalue()
    return respond(
        export=export,
        by=by,
        file_format=file_format,
        filename=filename,
        content=content,
        rows=rows,
        filters=filters,
    )
