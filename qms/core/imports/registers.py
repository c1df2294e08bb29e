"""The register framework: a register's columns and key (:class:`Importer`), reading its file, and running every
row through the register's own service (:func:`process`)."""
from __future__ import annotations

import csv
import decimal
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _

from ...extensions import db
from .cells import PROBLEMS, normal, text
from .staging import is_xlsx

#: Rejected rows kept on a check job for the preview (the counts per reason are always complete).
MAX_REJECTIONS = 100
#: The largest file accepted.
MAX_BYTES = 20 * 1024 * 1024

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class RowRejected(Exception):
    """One row cannot be saved; ``reason`` is the same for every row refused this way (it is counted),
    ``message`` may name the value."""

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(message or reason)
        self.reason = reason
        self.message = message or reason

    @classmethod
    def naming(cls, reason: str, value: Any) -> RowRejected:
        """Refused for ``reason`` (counted as one reason), with a message that names the row's value."""
        return cls(reason, f"{reason} (“{value}”)")


class FileRejected(Exception):
    """The file as a whole cannot be read (not a table, a required column missing)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    """One column of a register's file: ``key`` names it in code, ``label`` is its heading (the export's)."""

    key: str
    #: A lazy string (the heading in the reader's language).
    label: Any
    parse: Callable[[Any], Any] = text
    required: bool = False
    #: A longer value is refused (the database column's length).
    max_length: int | None = None


@dataclass(frozen=True)
class Importer:
    """What the framework needs to know of one register."""

    name: str
    title: Any
    #: Needed to import (and to export with :func:`export_rows`).
    permission: str
    columns: tuple[Column, ...]
    #: The column(s) whose values find the row to update (an employee number; person, kind and date; …).
    key: str | tuple[str, ...]
    #: Saves one row through the register's service: (values by column key, context) → CREATED/UPDATED/UNCHANGED.
    save: Callable[[dict[str, Any], Any], str]
    #: Builds what every row needs (lookups of sites by name, …) once per file.
    context: Callable[[], Any] = lambda: None
    #: Exceptions of the register's service whose ``message`` is shown as the row's reason.
    errors: tuple[type[Exception], ...] = ()
    #: The values of one record by column key (what the export writes, so an export imports back unchanged).
    values: Callable[[Any], dict[str, Any]] | None = None
    #: Where the register's list is (the link after an import).
    list_endpoint: str | None = None
    #: A short text shown on the upload page (what a row needs).
    hint: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,) if isinstance(self.key, str) else tuple(self.key)

    def header(self) -> list[str]:
        return [str(str(c.label)) for c in self.columns]

    def row(self, record: Any) -> list[Any]:
        values = self.values(record)
        return [values.get(c.key) for c in self.columns]


# --- the registry (per app) ----------------------------------------------------------------------------------

def importers(app: Flask | None = None) -> dict[str, Importer]:
    """The registers of this app that take a file: the core's and those the norms added in their setup."""
    from ...norms import registry

    return registry(app).importers


def importer(name: str) -> Importer | None:
    return importers().get(name)


# --- reading a file ------------------------------------------------------------------------------------------

def read_rows(data: bytes) -> Iterator[list[Any]]:
    """The rows of the first sheet of an XLSX, or of a CSV (``;``, ``,`` or tab; UTF-8 or Windows-1252)."""
    if is_xlsx(data):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # a damaged or password-protected workbook: openpyxl raises many kinds
            raise FileRejected(_("The file is not a readable Excel workbook.")) from error
        try:
            sheet = book.worksheets[0]
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        finally:
            book.close()
        return
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")
    first = content.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    yield from csv.reader(io.StringIO(content), delimiter=delimiter)


def _column_map(importer: Importer, header: list[Any]) -> dict[int, Column]:
    names: dict[str, Column] = {}
    for column in importer.columns:
        names[normal(column.key)] = column
        for locale in ("nl", "en"):
            with force_locale(locale):
                names[normal(str(column.label))] = column
    found: dict[int, Column] = {}
    for index, heading in enumerate(header):
        column = names.get(normal(heading))
        if column is not None and column not in found.values():
            found[index] = column
    missing = [str(str(c.label)) for c in importer.columns
               if (c.required or c.key in importer.keys) and c not in found.values()]
    if missing:
        raise FileRejected(_("The file has no column %(columns)s; the first row must hold the column names "
                             "(download an export of the register for an example).",
                             columns=", ".join(f"“{m}”" for m in missing)))
    return found


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reasons: Counter = field(default_factory=Counter)
    #: (line, the row's key, the row as text, why)
    rejections: list[tuple[int, str, str, str]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return sum(self.reasons.values())

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "reasons": self.reasons.most_common(),
                "rejections": self.rejections}


def _parse(importer: Importer, columns: dict[int, Column], raw: list[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for index, column in columns.items():
        cell = raw[index] if index < len(raw) else None
        try:
            value = column.parse(cell)
        except (ValueError, decimal.InvalidOperation, ArithmeticError):
            describe = PROBLEMS.get(column.parse, getattr(column.parse, "problem", lambda: _("not understood")))()
            reason = _("Column “%(column)s”: %(problem)s.", column=str(column.label), problem=describe)
            raise RowRejected(reason, _("Column “%(column)s”: “%(value)s” is %(problem)s.", column=str(column.label),
                                        value=text(cell)[:80], problem=describe)) from None
        if column.required and value in (None, ""):
            raise RowRejected(_("Column “%(column)s” is empty.", column=str(column.label)))
        if column.max_length and isinstance(value, str) and len(value) > column.max_length:
            raise RowRejected(_("Column “%(column)s” is longer than %(n)s characters.", column=str(column.label),
                                n=column.max_length))
        values[column.key] = value
    for column in importer.columns:
        values.setdefault(column.key, None)
    return values


def process(importer: Importer, data: bytes, *, dry_run: bool) -> Outcome:
    """Run every row of ``data`` through the register's service. ``dry_run``: inside a savepoint rolled back at
    the end, so nothing changes. Each row has its own savepoint: a refused row leaves nothing behind.
    (No progress is committed meanwhile: a commit would end the savepoints.)"""
    rows = read_rows(data)
    header = next(rows, None)
    if header is None:
        raise FileRejected(_("The file is empty."))
    columns = _column_map(importer, header)
    key_indexes = [next(i for i, c in columns.items() if c.key == key) for key in importer.keys]
    outcome = Outcome()
    outer = db.session.begin_nested() if dry_run else None
    try:
        context = importer.context()
        seen: dict[str, int] = {}
        for line, raw in enumerate(rows, start=2):
            if not any(text(v) for v in raw):
                continue
            key = " / ".join(text(raw[i] if i < len(raw) else "") for i in key_indexes)
            try:
                if key.casefold() in seen:
                    raise RowRejected(_("The same key appears on an earlier line of the file."),
                                      _("“%(key)s” already appears on line %(line)s.", key=key,
                                        line=seen[key.casefold()]))
                values = _parse(importer, columns, raw)
                savepoint = db.session.begin_nested()
                try:
                    result = importer.save(values, context)
                    savepoint.commit()
                except BaseException:
                    savepoint.rollback()
                    raise
                setattr(outcome, result, getattr(outcome, result) + 1)
                seen[key.casefold()] = line
            except RowRejected as error:
                _reject(outcome, line, key, raw, error.reason, error.message)
            except importer.errors as error:
                message = str(getattr(error, "message", error))
                _reject(outcome, line, key, raw, message, message)
    finally:
        if outer is not None:
            outer.rollback()
    return outcome


def _reject(outcome: Outcome, line: int, key: str, raw: list[Any], reason: str, message: str) -> None:
    outcome.reasons[reason] += 1
    if len(outcome.rejections) < MAX_REJECTIONS:
        outcome.rejections.append((line, key, " · ".join(text(v) for v in raw if text(v))[:300], message))


# --- export of the same columns --------------------------------------------------------------------------------

def rows_per_child(records: Iterable[Any], children: Callable[[Any], list]) -> list[tuple[Any, Any]]:
    """A register with a list per record (a supplier's certificates, a room's elements) as file rows: one
    (record, child) per child, and (record, None) for a record without any."""
    out: list[tuple[Any, Any]] = []
    for record in records:
        found = children(record)
        out.extend((record, child) for child in found) if found else out.append((record, None))
    return out


def export_rows(importer: Importer, records: Iterable[Any]) -> Iterator[list[Any]]:
    """The rows an export of the register writes: the importer's columns, so the file imports back unchanged."""
    for record in records:
        yield importer.row(record)
