"""Bulk import of a register from XLSX or CSV: one framework, one definition per register.

A register describes itself with an :class:`Importer` (its columns, its stable key and the function that
saves one row through the register's own service function) and registers it on the app with
the app's registry (``registry(app).add_importer``) — the core registers its registers in :func:`init_app`, a
norm in its ``setup(app)``, so the core never names a norm. The registry lives on ``app.extensions``: every app
has its own.

Every file goes through two jobs (:mod:`qms.jobs`), whatever its size, so a large file never holds a web
worker: the *check* runs every row through the service inside a savepoint that is rolled back (the preview
is exactly what the import would do, and changes nothing), the *import* runs them again and the worker
commits once. A row the service refuses is rejected with the service's message, in the requester's
language; the preview counts the rejections per reason and keeps the first :data:`MAX_REJECTIONS`.
Re-importing a file updates the rows found by the key instead of adding them again.
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import pathlib
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import jobs
from ..extensions import db
from ..jobs import Job, JobError
from .exports import unsafe_cell

CHECK = "imports.check"
RUN = "imports.run"
TASKS = (CHECK, RUN)
#: Rejected rows kept on a check job for the preview (the counts per reason are always complete).
MAX_REJECTIONS = 100
#: The largest file accepted.
MAX_BYTES = 20 * 1024 * 1024
#: A file nobody confirmed is removed after this long.
KEEP_SECONDS = 24 * 3600

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class RowRejected(Exception):
    """One row cannot be saved; ``reason`` is the same for every row refused this way (it is counted),
    ``message`` may name the value."""

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(message or reason)
        self.reason = reason
        self.message = message or reason


class FileRejected(Exception):
    """The file as a whole cannot be read (not a table, a required column missing)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- cell parsers: a file's value → the value the service takes ------------------------------------------------

def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return unsafe_cell(str(value)).strip()


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    if not raw:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(raw)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email(value: Any) -> str:
    raw = text(value)
    if raw and not _EMAIL.fullmatch(raw):
        raise ValueError(raw)
    return raw


_YES = {"yes", "ja", "y", "j", "true", "waar", "1", "x"}
_NO = {"no", "nee", "n", "false", "onwaar", "0", ""}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).casefold()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValueError(raw)


def number(value: Any) -> decimal.Decimal | None:
    from ..i18n import parse_number

    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, (int, float, decimal.Decimal)):
        return decimal.Decimal(str(value))
    raw = text(value)
    if not raw:
        return None
    return decimal.Decimal(str(parse_number(raw)))


def integer(value: Any) -> int | None:
    amount = number(value)
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise ValueError(str(value))
    return int(amount)


class choice:
    """A parser for a coded column: the file may hold the label (Dutch or English, as an export writes it) or the
    code; the result is the code."""

    def __init__(self, labels: dict[str, Any] | Callable[[], dict[str, Any]]):
        #: code → lazy label, or a function giving them in the current app (choices the norms register)
        self._labels = labels

    @property
    def labels(self) -> dict[str, Any]:
        return self._labels() if callable(self._labels) else self._labels

    def __call__(self, value: Any) -> str | None:
        raw = text(value)
        if not raw:
            return None
        wanted = _normal(raw)
        for code, label in self.labels.items():
            if wanted == _normal(code):
                return code
            for locale in ("nl", "en"):
                with force_locale(locale):
                    if wanted == _normal(str(label)):
                        return code
        raise ValueError(raw)

    @staticmethod
    def problem() -> str:
        return _("not one of the choices")


_KIND_MESSAGES: dict[Callable, Callable[[], str]] = {
    date: lambda: _("not a date (write it as 2026-03-31 or 31-03-2026)"),
    boolean: lambda: _("not yes or no"),
    number: lambda: _("not a number"),
    integer: lambda: _("not a whole number"),
    email: lambda: _("not an e-mail address"),
}


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
    from ..norms import registry

    return registry(app).importers


def importer(name: str) -> Importer | None:
    return importers().get(name)


# --- reading a file ------------------------------------------------------------------------------------------

def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


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


def _normal(heading: Any) -> str:
    return " ".join(str(heading or "").replace("*", "").split()).casefold()


def _column_map(importer: Importer, header: list[Any]) -> dict[int, Column]:
    names: dict[str, Column] = {}
    for column in importer.columns:
        names[_normal(column.key)] = column
        for locale in ("nl", "en"):
            with force_locale(locale):
                names[_normal(str(column.label))] = column
    found: dict[int, Column] = {}
    for index, heading in enumerate(header):
        column = names.get(_normal(heading))
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
            describe = _KIND_MESSAGES.get(column.parse, getattr(column.parse, "problem", lambda: _("not understood")))()
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

def export_rows(importer: Importer, records: Iterable[Any]) -> Iterator[list[Any]]:
    """The rows an export of the register writes: the importer's columns, so the file imports back unchanged."""
    for record in records:
        yield importer.row(record)


# --- the jobs ------------------------------------------------------------------------------------------------

def folder() -> pathlib.Path:
    """Where an uploaded file waits for its confirmation (inside the upload folder, never served)."""
    path = pathlib.Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    stale = time.time() - KEEP_SECONDS
    for old in path.iterdir():
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    return path


def _file(job: Job) -> pathlib.Path:
    data = job.data
    token, suffix = data.get("token", ""), data.get("suffix", "")
    if not (len(token) == 32 and all(c in "0123456789abcdef" for c in token)) or suffix not in (".csv", ".xlsx"):
        raise JobError(_("The import could not be found; upload the file again."))
    return folder() / f"{token}{suffix}"


def submit_check(importer: Importer, filename: str, data: bytes, user, locale: str) -> Job:
    """Keep the file and queue its check (flushed, not committed)."""
    token = secrets.token_hex(16)
    suffix = ".xlsx" if is_xlsx(data) else ".csv"
    (folder() / f"{token}{suffix}").write_bytes(data)
    return jobs.submit(Job(task=CHECK), user=user, locale=locale, register=importer.name, token=token,
                       suffix=suffix, filename=filename[:200])


def submit_run(check: Job, user, locale: str) -> Job:
    """Queue the import of a checked file (flushed, not committed)."""
    data = check.data
    return jobs.submit(Job(task=RUN), user=user, locale=locale, register=data["register"], check_id=check.id,
                       token=data["token"], suffix=data["suffix"], filename=data["filename"])


def _job_importer(job: Job) -> Importer:
    found = importer(job.data.get("register", ""))
    if found is None:
        raise JobError(_("This register cannot be imported."))
    return found


def _job_data(job: Job) -> bytes:
    path = _file(job)
    if not path.is_file():
        raise JobError(_("The import could not be found; upload the file again."))
    return path.read_bytes()


@jobs.handler(CHECK)
def check(job: Job) -> dict:
    """The preview: what the import would create and update, and every rejected row with its reason."""
    target = _job_importer(job)
    data = _job_data(job)
    try:
        outcome = process(target, data, dry_run=True)
    except FileRejected as error:
        _file(job).unlink(missing_ok=True)
        return {"file_error": error.message}
    return outcome.as_dict()


@jobs.handler(RUN)
def run(job: Job) -> dict:
    """Save the rows (one commit, by the worker); the file is removed once that commit is made."""
    target = _job_importer(job)
    data = _job_data(job)
    try:
        outcome = process(target, data, dry_run=False)
    except FileRejected as error:
        raise JobError(error.message) from error
    jobs.after_done(lambda path=_file(job): path.unlink(missing_ok=True))
    return outcome.as_dict()


def init_app(app: Flask) -> None:
    """Register the core's own registers; norms add theirs from their ``setup(app)``."""
    from ..evidence.imports import EVIDENCE
    from ..incidents.imports import HOURS
    from ..organisation.imports import EMPLOYEES
    from ..suppliers.imports import SUPPLIERS
    from ..training.imports import TRAINING
    from ..quality_measurement.imports import INVENTORY

    from ..norms import registry

    for importer in (EMPLOYEES, TRAINING, SUPPLIERS, HOURS, EVIDENCE, INVENTORY):
        registry(app).add_importer(importer)
