"""One way to hand a list to a spreadsheet: CSV and XLSX from the same header and rows.

Every text cell goes through :func:`safe_cell`, so a value typed as ``=HYPERLINK(...)`` (or starting with
``+ - @``, a tab or a carriage return) is text in the spreadsheet, never a formula it runs. Codes are shown
as their labels (:func:`cell_value` reads ``.label`` from an enum member), dates and numbers stay typed cells
in XLSX and are written as the CSVs always wrote them (ISO dates, numbers in the reader's notation) in CSV.
Both formats stream: CSV is yielded in chunks, XLSX is written by openpyxl's write-only workbook, so a long
register never sits in memory as cell objects.
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import enum
import io
from typing import Any, Iterable, Sequence

from flask import Response, stream_with_context
from flask_babel import gettext as _

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A cell starting with one of these is read by a spreadsheet as a formula (or a DDE command).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: The formats every list export offers.
FORMATS = ("csv", "xlsx")
#: An export never holds more rows than this (a longer register is read filtered).
MAX_ROWS = 50_000


def safe_cell(value: Any) -> str:
    """The text of a cell that a spreadsheet will not run as a formula (a leading quote makes it text)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_PREFIXES else text


def unsafe_cell(text: str) -> str:
    """The value :func:`safe_cell` neutralised, as it was typed (for reading an exported file back)."""
    return text[1:] if text[:2] and text[0] == "'" and text[1:2] in FORMULA_PREFIXES else text


def cell_value(value: Any) -> Any:
    """A Python value as a typed spreadsheet value: labels for codes, yes/no for booleans, text neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, enum.Enum):
        return safe_cell(getattr(value, "label", value.value))
    if isinstance(value, (int, float, decimal.Decimal, dt.date)):
        return value
    return safe_cell(value)


def csv_text(value: Any) -> str:
    """A typed value as CSV text: ISO dates, numbers in the reader's notation, the rest as :func:`cell_value`."""
    from ..i18n import fmt_number

    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, decimal.Decimal)):
        return fmt_number(value, 2, trim=True)
    return str(value)


def _headers(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """A semicolon CSV with a byte-order mark (Excel opens it in UTF-8), streamed in chunks."""
    @stream_with_context
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        buffer.write("\ufeff")
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([csv_text(v) for v in row])
            if buffer.tell() > 32_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(generate(), mimetype="text/csv", headers=_headers(filename))


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str) -> bytes:
    """One sheet: a bold header, typed cells (dates as dates), formula-looking text neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(sheet_title))
    bold = Font(bold=True)
    heading = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(text))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    sheet.freeze_panes = "A2"
    for row in rows:
        values = []
        for value in row:
            value = cell_value(value)
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
                value = cell
            values.append(value)
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return (title.strip() or "Export")[:31]


def xlsx_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str,
                  sheet_title: str) -> Response:
    return Response(xlsx_bytes(header, rows, sheet_title), mimetype=XLSX_MIMETYPE, headers=_headers(filename))


def response(fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]], name: str,
             sheet_title: str | None = None) -> Response:
    """The export in ``fmt`` ("csv" or "xlsx"); ``name`` is the file name without its extension."""
    if fmt == "xlsx":
        return xlsx_response(header, rows, f"{name}.xlsx", sheet_title or name)
    return csv_response(header, rows, f"{name}.csv")
