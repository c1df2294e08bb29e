"""The reference data of the register: hazard-code texts (shipped in reference/hazard_codes.toml) and the list
of CMR substances (loaded from the published CSV/XLSX). Services: they flush, the caller commits."""
from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import zipfile

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from qms.extensions import db

from . import rules
from .models import HazardKind, VcaCmrSubstance, VcaHazardCode

HAZARD_FILE = pathlib.Path(__file__).parent / "reference" / "hazard_codes.toml"
#: A CMR list is a few thousand rows; anything much larger is not the list.
CMR_MAX_BYTES = 5 * 1024 * 1024


class ReferenceRefused(Exception):
    def __init__(self, message: str, errors: list[tuple[int, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


def load_hazard_codes(text: str) -> tuple[int, int]:
    """Add or update every code of a hazard-code file; codes not in the file stay (products may use them).
    Returns (added, updated)."""
    try:
        version, rows = rules.parse_hazard_codes(text)
    except rules.ReferenceError_ as error:
        raise ReferenceRefused(_("The file could not be read: nothing was changed."), error.errors) from None
    existing = {row.code: row for row in db.session.scalars(select(VcaHazardCode))}
    added = updated = 0
    for row in rows:
        found = existing.get(row.code)
        if found is None:
            db.session.add(VcaHazardCode(code=row.code, kind=HazardKind(row.kind), text_nl=row.text_nl,
                                         text_en=row.text_en, source_version=version or None))
            added += 1
        elif (found.kind.value, found.text_nl, found.text_en, found.source_version) != (
                row.kind, row.text_nl, row.text_en, version or None):
            found.kind, found.text_nl, found.text_en = HazardKind(row.kind), row.text_nl, row.text_en
            found.source_version = version or None
            updated += 1
    db.session.flush()
    return added, updated


def ensure_hazard_codes() -> None:
    """Load the shipped file when the table is still empty (a new installation, the demo)."""
    if db.session.scalar(select(VcaHazardCode.id).limit(1)) is None:
        load_hazard_codes(HAZARD_FILE.read_text(encoding="utf-8"))


def hazard_texts(codes=None) -> dict[str, str]:
    """code → text in the user's language, for the given codes (all when None)."""
    english = str(get_locale() or "nl").startswith("en")
    stmt = select(VcaHazardCode.code, VcaHazardCode.text_nl, VcaHazardCode.text_en)
    if codes is not None:
        codes = list(codes)
        if not codes:
            return {}
        stmt = stmt.where(VcaHazardCode.code.in_(codes))
    return {row.code: (row.text_en if english else row.text_nl) for row in db.session.execute(stmt)}


def known_codes(kind: HazardKind) -> set[str]:
    return set(db.session.scalars(select(VcaHazardCode.code).where(VcaHazardCode.kind == kind)))


# --- the CMR list -----------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReferenceRefused(_("The file is not a CSV or XLSX table."))


def table_rows(filename: str, data: bytes):
    """(line, cells) of the first table of a CSV or XLSX file."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise ReferenceRefused(_("The file is not a CSV or XLSX table.")) from None
        try:
            return [(index, ["" if v is None else str(v) for v in values])
                    for index, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1)]
        finally:
            book.close()
    text = _decode(data)
    if "\x00" in text:
        raise ReferenceRefused(_("The file is not a CSV or XLSX table."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ("\t" if "\t" in first else ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error:
        raise ReferenceRefused(_("The file is not a CSV or XLSX table.")) from None


def preview_cmr(filename: str, data: bytes) -> rules.CmrPreview:
    """What an import of this file would load, with the refused rows and why."""
    if not data:
        raise ReferenceRefused(_("Choose a CSV or XLSX file."))
    if len(data) > CMR_MAX_BYTES:
        raise ReferenceRefused(_("The file is larger than 5 MB."))
    messages = {
        "no_header": _("No header row found: the file needs the columns \"CAS\", \"Naam\" and \"Categorie\" "
                       "(or \"Name\" and \"Category\")."),
        "cas": _("%(value)s is not a valid CAS number."),
        "name": _("The name is missing or too long (%(value)s)."),
        "category": _("Category %(value)s is not C, M or R."),
        "twice": _("CAS number %(value)s appears twice; the first row counts."),
    }
    return rules.parse_cmr_rows(table_rows(filename, data), messages)


def apply_cmr(preview: rules.CmrPreview, source: str, version_date: dt.date | None) -> tuple[int, int, int]:
    """Replace the CMR list with the preview's rows: (added, updated, removed)."""
    if preview.problem or not preview.rows:
        raise ReferenceRefused(preview.problem or _("The file has no usable rows: nothing was changed."))
    existing = {row.cas: row for row in db.session.scalars(select(VcaCmrSubstance))}
    added = updated = 0
    for row in preview.rows:
        found = existing.pop(row.cas, None)
        if found is None:
            db.session.add(VcaCmrSubstance(cas=row.cas, name=row.name, category=row.category, source=source,
                                           version_date=version_date))
            added += 1
        else:
            if (found.name, found.category, found.source, found.version_date) != (row.name, row.category, source,
                                                                                  version_date):
                updated += 1
            found.name, found.category, found.source, found.version_date = row.name, row.category, source, version_date
    removed = len(existing)
    for row in existing.values():  # one by one, so every removal is in the audit trail
        db.session.delete(row)
    db.session.flush()
    return added, updated, removed
