"""PSO reference versions: the shipped files, the loaded rows and the version in force on a day."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from ...database import utcnow
from ...extensions import db
from .. import reference as refdata
from ..models import PsoReferenceVersion
from ..reference import Reference, ReferenceError
from .common import PsoError


# --- reference data ---------------------------------------------------------------------------

def references() -> dict[str, Reference]:
    """Every reference version by code: the loaded ones, and shipped ones not loaded (yet)."""
    out = dict(refdata.shipped())
    for row in db.session.scalars(select(PsoReferenceVersion)):
        out[row.code] = Reference.from_json(row.data)
    return dict(sorted(out.items(), key=lambda item: item[1].effective))


def reference_version(code: str) -> Reference | None:
    return references().get(code)


def reference_in_force(on: dt.date) -> Reference | None:
    """The version whose effective date is the latest on or before ``on`` (else the oldest)."""
    refs = list(references().values())
    if not refs:
        return None
    current = [r for r in refs if r.effective <= on]
    return current[-1] if current else refs[0]


def reference_rows() -> list[PsoReferenceVersion]:
    return db.session.scalars(select(PsoReferenceVersion).order_by(PsoReferenceVersion.effective.desc())).all()


def _store_reference(ref: Reference, source: str) -> PsoReferenceVersion:
    row = db.session.scalar(select(PsoReferenceVersion).where(PsoReferenceVersion.code == ref.code))
    if row is None:
        row = PsoReferenceVersion(code=ref.code)
        db.session.add(row)
    row.effective, row.title_nl, row.title_en = ref.effective, ref.title_nl, ref.title_en
    row.data, row.source, row.loaded_at = ref.to_json(), source[:255], utcnow()
    db.session.flush()
    return row


def load_shipped_references() -> int:
    """Load the shipped versions that are not in the database yet; returns how many were added."""
    present = set(db.session.scalars(select(PsoReferenceVersion.code)))
    added = 0
    for code, ref in refdata.shipped().items():
        if code not in present:
            _store_reference(ref, "shipped")
            added += 1
    return added


def load_reference_file(filename: str, data: bytes, version: str | None) -> PsoReferenceVersion:
    """An administrator's upload: a whole version as TOML, or the full norm table as CSV for ``version``."""
    name = (filename or "upload").rsplit("/", 1)[-1][:100]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PsoError("file", _("%(name)s is not a UTF-8 text file.", name=name)) from None
    try:
        if name.lower().endswith(".toml"):
            return _store_reference(refdata.parse_toml(text, name), name)
        if not name.lower().endswith(".csv"):
            raise PsoError("file", _("Upload a .toml file (a whole version) or a .csv file (the norm table)."))
        base = reference_version(version or "")
        if base is None:
            raise PsoError("version", _("Choose the version this norm table belongs to."))
        rows = refdata.parse_norm_csv(text, name)
        return _store_reference(base.with_norm_rows(rows, name, confirmed=True), name)
    except ReferenceError as error:
        raise PsoError("file", str(error)) from None

