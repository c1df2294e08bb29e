"""Reading a payroll export (CSV or XLSX) of hours worked per employee and peiljaar: pure, nothing saved.

Columns (header names in Dutch or English, any order, case-insensitive): employee number
(``personeelsnummer`` / ``number``), year (``jaar`` / ``year``), hours worked (``uren`` / ``hours``).
Every row is either accepted or rejected with a reason code and its line, so the user sees the whole file
before anything is stored. Hours may be written in Dutch ("1.597,5") or English ("1,597.5") notation: the
notation is decided by the whole hours column (qms.i18n.detect_notation), and a value that stays ambiguous
("1.597" in a file that never shows which notation it uses) is rejected, never guessed.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..i18n import AmbiguousNumber, detect_notation, parse_number

HEADERS = {
    "number": {"personeelsnummer", "number", "employee number", "employee_number", "nummer", "pnr"},
    "year": {"jaar", "year", "peiljaar"},
    "hours": {"uren", "hours", "hours worked", "hours_worked", "gewerkte uren"},
}
MAX_HOURS = 366 * 24


@dataclass(frozen=True)
class PayrollRow:
    line: int
    number: str
    year: int
    hours: float


@dataclass(frozen=True)
class Rejection:
    line: int
    #: What the row said, shortened, for the user to recognise it.
    raw: str
    #: unknown_employee, bad_year, bad_hours, ambiguous_hours, negative_hours, too_many_hours, duplicate,
    #: missing_value, wrong_year
    reason: str
    value: str = ""


@dataclass
class Preview:
    rows: list[PayrollRow] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    #: The number notation of the hours column: "nl", "en" or None (nothing told, or values contradict).
    notation: str | None = None
    #: Hours of one full-time year (norm week × weeks per year) for the FTE total; None: not known.
    full_time_year_hours: float | None = None
    full_time_week: float | None = None

    @property
    def total_fte(self) -> float | None:
        """Hours over a full-time year: a quick check that the file is the right one (CAO weeks differ)."""
        return self.total_hours / self.full_time_year_hours if self.full_time_year_hours else None

    @property
    def persons(self) -> int:
        return len({r.number for r in self.rows})

    @property
    def total_hours(self) -> float:
        return round(sum(r.hours for r in self.rows), 2)


class ExactNumber(str):
    """A spreadsheet cell that held a number: its text for display, its value exact (no notation to read)."""

    number: float

    def __new__(cls, value: float):
        whole = isinstance(value, int) or float(value).is_integer()
        made = super().__new__(cls, str(int(value)) if whole else repr(float(value)))
        made.number = float(value)
        return made


class PayrollError(ValueError):
    """The file as a whole cannot be read (reason code; ``value`` gives detail)."""

    def __init__(self, reason: str, value: str = ""):
        super().__init__(f"{reason}: {value}" if value else reason)
        self.reason = reason
        self.value = value


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PayrollError("encoding")


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    if "\x00" in text:
        raise PayrollError("not_a_table")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ("\t" if "\t" in first else ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        raise PayrollError("not_a_table", str(error)) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise PayrollError("not_a_table", str(error)[:100]) from None
    try:
        sheet = book.worksheets[0]
        for index, values in enumerate(sheet.iter_rows(values_only=True), 1):
            yield index, ["" if v is None else (ExactNumber(v) if isinstance(v, (int, float)) and
                                                not isinstance(v, bool) else str(v)) for v in values]
    finally:
        book.close()


def rows_of(filename: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of the file's first table; XLSX by its content, anything else read as CSV."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _xlsx_rows(data)
    return _csv_rows(data)


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    found = {}
    for key, aliases in HEADERS.items():
        for index, name in enumerate(names):
            if name in aliases:
                found[key] = index
                break
    missing = [k for k in HEADERS if k not in found]
    if missing:
        raise PayrollError("missing_columns", ", ".join(missing))
    return found


def _number(text: str, notation: str | None) -> float:
    if isinstance(text, ExactNumber):
        value = text.number
    else:
        value = parse_number(text, notation)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


#: ``read`` reports its progress every this many lines.
PROGRESS_EVERY = 2000


def estimate_lines(filename: str, data: bytes) -> int:
    """About how many lines the file has, for a progress bar: the line breaks of a CSV, the rows of the
    first sheet of an XLSX (counted in its XML; a sheet's declared dimension is often missing)."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
                if not sheets:
                    return 0
                count, tail = 0, b""
                with archive.open(sheets[0]) as sheet:
                    while chunk := sheet.read(1024 * 1024):
                        block = tail + chunk
                        count += block.count(b"<row ") + block.count(b"<row>")
                        tail = block[-5:]
                        count -= tail.count(b"<row ") + tail.count(b"<row>")
                return count + tail.count(b"<row ") + tail.count(b"<row>")
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
            return 0  # read() reports what is wrong with the file
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def read(filename: str, data: bytes, known_numbers: Iterable[str], year: int | None = None,
         progress: Callable[[int], None] | None = None) -> Preview:
    """Check every row; ``known_numbers`` are the employee numbers in the register, ``year`` the only
    peiljaar accepted (None: any plausible year); ``progress`` gets the line reached now and then."""
    known = set(known_numbers)
    rows = rows_of(filename, data)
    header = None
    for line, cells in rows:
        if any(c.strip() for c in cells):
            header = (line, cells)
            break
    if header is None:
        raise PayrollError("empty")
    cols = _columns(header[1])
    body = [(line, cells) for line, cells in rows if any(str(c).strip() for c in cells)]

    def get(cells, key):
        if cols[key] >= len(cells):
            return ""
        cell = cells[cols[key]]
        return cell if isinstance(cell, ExactNumber) else cell.strip()

    notation = detect_notation(get(cells, "hours") for _line, cells in body
                               if not isinstance(get(cells, "hours"), ExactNumber))
    preview = Preview(notation=notation)
    seen: dict[tuple[str, int], int] = {}
    for line, cells in body:
        if progress is not None and line % PROGRESS_EVERY == 0:
            progress(line)
        raw = ";".join(cells)[:120]
        number, year_text, hours_text = get(cells, "number"), get(cells, "year"), get(cells, "hours")
        if not number or not year_text or not hours_text:
            preview.rejected.append(Rejection(line, raw, "missing_value"))
            continue
        if number not in known:
            preview.rejected.append(Rejection(line, raw, "unknown_employee", number[:40]))
            continue
        try:
            row_year = int(_number(year_text, None))
            if not 1990 <= row_year <= 2200 or row_year != _number(year_text, None):
                raise ValueError
        except ValueError:
            preview.rejected.append(Rejection(line, raw, "bad_year", year_text[:20]))
            continue
        if year is not None and row_year != year:
            preview.rejected.append(Rejection(line, raw, "wrong_year", str(row_year)))
            continue
        try:
            hours = _number(hours_text, notation)
        except AmbiguousNumber:
            preview.rejected.append(Rejection(line, raw, "ambiguous_hours", hours_text[:20]))
            continue
        except ValueError:
            preview.rejected.append(Rejection(line, raw, "bad_hours", hours_text[:20]))
            continue
        if hours < 0:
            preview.rejected.append(Rejection(line, raw, "negative_hours", hours_text[:20]))
            continue
        if hours > MAX_HOURS:
            preview.rejected.append(Rejection(line, raw, "too_many_hours", hours_text[:20]))
            continue
        key = (number, row_year)
        if key in seen:
            preview.rejected.append(Rejection(line, raw, "duplicate", str(seen[key])))
            continue
        seen[key] = line
        preview.rows.append(PayrollRow(line, number, row_year, round(hours, 2)))
    return preview
