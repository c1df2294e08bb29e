"""Imported catalogue versions: checking an upload, the preview, activation, and the registry overlay.

The shipped catalogue files stay the seed. Each app's registry holds its own copy of every norm's versions;
the active imports are laid over that copy when the app first needs them, after an import in this process,
and (for other processes) when the database shows a newer import than the one the copy was built from.
A version in use by a frozen measurement, audit or dossier is never changed in place."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from typing import Any, Callable

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..database import utcnow
from ..extensions import db
from ..norms import CatalogueVersion, Level, Norm, NormRegistry, Requirement, registry
from . import compare, spreadsheet
from .models import IMPORT_TRANSITIONS, CatalogueImport, ImportState

#: Seconds between two checks for imports made by another process.
REFRESH_SECONDS = 30


class ImportRefused(Exception):
    """The import cannot go ahead; ``code`` says why (views and the CLI word it), ``detail`` what it concerns."""

    def __init__(self, code: str, detail: str = "", errors: list | None = None):
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.errors = errors or []


# --- (de)serialising a version -----------------------------------------------------------------

def dump(cat: CatalogueVersion, crossref: list[tuple[str, str, str]] | None) -> str:
    return json.dumps({
        "code": cat.code, "title_nl": cat.title_nl, "title_en": cat.title_en,
        "effective": cat.effective.isoformat(), "status": cat.status, "provisional": cat.provisional,
        "note_nl": cat.note_nl, "note_en": cat.note_en, "replaces": cat.replaces,
        "audits_from": cat.audits_from.isoformat() if cat.audits_from else None,
        "transition_deadline": cat.transition_deadline.isoformat() if cat.transition_deadline else None,
        "levels": [[lv.code, lv.name_nl, lv.name_en] for lv in cat.levels],
        "min_supplementary": cat.min_supplementary,
        "requirements": [[r.code, r.parent, r.kind, r.title_nl, r.title_en, r.hint_nl, r.hint_en, r.applicability]
                         for r in cat.requirements.values()],
        "crossref": crossref,
    }, ensure_ascii=False, sort_keys=True)


def load(norm: str, raw: str, revision: int | None = None) -> tuple[CatalogueVersion, list | None]:
    data = json.loads(raw)
    day = lambda v: dt.date.fromisoformat(v) if v else None  # noqa: E731
    requirements: dict[str, Requirement] = {}
    for code, parent, kind, tnl, ten, hnl, hen, applicability in data["requirements"]:
        depth = requirements[parent].depth + 1 if parent else 0
        requirements[code] = Requirement(norm, data["code"], code, parent, kind, tnl, ten, hnl, hen, depth,
                                         applicability)
    cat = CatalogueVersion(
        norm=norm, code=data["code"], title_nl=data["title_nl"], title_en=data["title_en"],
        effective=day(data["effective"]), status=data["status"], provisional=data["provisional"],
        note_nl=data["note_nl"], note_en=data["note_en"], levels=[Level(*lv) for lv in data["levels"]],
        min_supplementary=dict(data["min_supplementary"]), requirements=requirements,
        audits_from=day(data["audits_from"]), replaces=data["replaces"],
        transition_deadline=day(data["transition_deadline"]), source="import", revision=revision)
    crossref = [tuple(x) for x in data["crossref"]] if data["crossref"] is not None else None
    return cat, crossref


# --- the overlay ----------------------------------------------------------------------------------

def _link(versions: dict[str, CatalogueVersion], cat: CatalogueVersion, other: str,
          pairs: list[tuple[str, str, str]]) -> None:
    """Cross-reference ``other`` (the version ``cat`` replaces) -> ``cat``, in both directions."""
    if other not in versions:
        return
    forward: dict[str, list[str]] = {}
    backward: dict[str, list[str]] = {}
    for a, b, _change in pairs:
        if a in versions[other].requirements and b in cat.requirements:
            forward.setdefault(a, []).append(b)
            backward.setdefault(b, []).append(a)
    versions[other].crossrefs[cat.code] = forward
    cat.crossrefs[other] = backward
    cat.changed[other] = {b for _a, b, change in pairs if change and b in cat.requirements}


def inherited_crossref(previous: CatalogueVersion | None, cat: CatalogueVersion,
                       versions: dict[str, CatalogueVersion]) -> list[tuple[str, str, str]]:
    """The cross-reference an import without one gets: the one of the version of the same code it replaces
    (kept where both codes still exist), else requirements with the same code."""
    other = cat.replaces
    if not other or other not in versions:
        return []
    old = versions[other]
    if previous is not None and other in previous.crossrefs:
        changed = previous.changed.get(other, set())
        pairs = [(src, code, "changed" if code in changed else "")
                 for code, sources in previous.crossrefs[other].items() for src in sources
                 if code in cat.requirements and src in old.requirements]
        if pairs:
            return pairs
    return [(code, code, "") for code in cat.requirements if code in old.requirements]


def _fresh_copy(cat: CatalogueVersion) -> CatalogueVersion:
    return dataclasses.replace(cat, crossrefs={k: dict(v) for k, v in cat.crossrefs.items()},
                               changed={k: set(v) for k, v in cat.changed.items()})


def apply(reg: NormRegistry, rows: list[tuple[str, int, str]]) -> None:
    """Rebuild each norm's versions: the shipped ones, with the active imports (norm, revision, content) over them."""
    by_norm: dict[str, list[tuple[int, str]]] = {}
    for norm, revision, content in rows:
        by_norm.setdefault(norm, []).append((revision, content))
    for norm in reg:
        shipped: dict[str, CatalogueVersion] = reg.shipped.get(norm.code, norm.versions)
        reg.shipped.setdefault(norm.code, shipped)
        versions = {code: _fresh_copy(cat) for code, cat in shipped.items()}
        for revision, content in by_norm.get(norm.code, []):
            cat, crossref = load(norm.code, content, revision)
            previous = versions.get(cat.code)
            if previous is not None:  # drop the links the replaced copy had
                for other in previous.crossrefs:
                    if other in versions and other != cat.code:
                        versions[other].crossrefs.pop(cat.code, None)
                        versions[other].changed.pop(cat.code, None)
            versions[cat.code] = cat
            if cat.replaces and cat.replaces in versions:
                pairs = crossref if crossref is not None else inherited_crossref(previous, cat, versions)
                _link(versions, cat, cat.replaces, pairs)
            # Versions that follow this one keep their link to it, re-pointed at the new requirements.
            for other in versions.values():
                if other.replaces == cat.code and other.code != cat.code and previous is not None:
                    back = other.crossrefs.get(cat.code, {})
                    pairs = [(s, c, "changed" if c in other.changed.get(cat.code, set()) else "")
                             for c, srcs in back.items() for s in srcs]
                    _link(versions, other, cat.code, pairs)
        norm.versions = versions


def _stamp() -> tuple[int, int]:
    row = db.session.execute(select(func.count(CatalogueImport.id), func.max(CatalogueImport.id))
                             .where(CatalogueImport.state == ImportState.ACTIVE)).one()
    return int(row[0] or 0), int(row[1] or 0)


def refresh(force: bool = False) -> None:
    """Lay the active imports over this app's registry when they changed since the last look."""
    reg = registry()
    now = time.monotonic()
    state = current_app.extensions.setdefault("qms_catalogue_overlay", {"stamp": None, "checked": 0.0})
    if not force and state["stamp"] is not None and now - state["checked"] < current_app.config.get(
            "QMS_CATALOGUE_REFRESH_SECONDS", REFRESH_SECONDS):
        return
    try:
        stamp = _stamp()
    except SQLAlchemyError:  # no table yet (a database before its migrations): the shipped files only
        db.session.rollback()
        return
    state["checked"] = now
    if stamp == state["stamp"] and not force:
        return
    rows = db.session.execute(select(CatalogueImport.norm, CatalogueImport.revision, CatalogueImport.content)
                              .where(CatalogueImport.state == ImportState.ACTIVE)
                              .order_by(CatalogueImport.id)).all()
    apply(reg, [tuple(r) for r in rows])
    state["stamp"] = stamp


# --- in use by frozen records -------------------------------------------------------------------

UsageCheck = Callable[[str, str], int]


def _core_usage(norm: str, version: str) -> int:
    from ..audits.models import Audit, AuditNorm
    from ..audits.rules import AuditState
    from ..evidence.models import DossierJob
    from ..jobs import JobState

    audits = db.session.scalar(select(func.count()).select_from(AuditNorm).join(Audit, Audit.id == AuditNorm.audit_id)
                               .where(AuditNorm.norm == norm, AuditNorm.version == version,
                                      Audit.state.in_([AuditState.REPORTED, AuditState.CLOSED]))) or 0
    dossiers = db.session.scalar(select(func.count()).select_from(DossierJob).where(
        DossierJob.norm == norm, DossierJob.version == version, DossierJob.state == JobState.DONE)) or 0
    return audits + dossiers


def frozen_uses(norm: str, version: str) -> int:
    """How many frozen audits, dossiers and (through the packages' checks) measurements name this version."""
    checks = [_core_usage, *registry().catalogue_usage]
    return sum(check(norm, version) for check in checks)


# --- importing --------------------------------------------------------------------------------------

def _norm(code: str) -> Norm:
    found = registry().get(code)
    if found is None:
        raise ImportRefused("norm", code)
    return found


def prepare(norm_code: str, version: str, file_name: str, data: bytes, overrides: dict[str, Any] | None = None
            ) -> tuple[CatalogueVersion, list[tuple[str, str, str]] | None]:
    """Read and check an upload; raise ImportRefused("invalid", errors=[RowError …]) when anything is wrong."""
    refresh()
    norm = _norm(norm_code)
    version = (version or "").strip()
    if not version or len(version) > 40 or any(c.isspace() or c in "/\\?#" for c in version):
        raise ImportRefused("version", version)
    parsed = spreadsheet.read_file(file_name, data)
    current = norm.versions.get(version)
    overrides = dict(overrides or {})
    replaces = overrides.get("replaces") or parsed.meta.get("replaces") or (current.replaces if current else None)
    if replaces and replaces not in norm.versions:
        raise ImportRefused("replaces", replaces)
    defaults = current or (norm.versions.get(replaces) if replaces else None)
    if defaults is not None and replaces and not (current and current.replaces):
        defaults = dataclasses.replace(defaults, replaces=replaces)
    known_levels = {lv.code: lv for cat in norm.versions.values() for lv in cat.levels}
    cat, errors = spreadsheet.build(parsed, norm=norm.code, code=version, levels=list(known_levels.values()),
                                    defaults=defaults, overrides={**overrides, "replaces": replaces})
    if cat is not None and parsed.crossref is not None and cat.replaces:
        errors = spreadsheet.check_crossref(parsed.crossref, norm.versions[cat.replaces], cat)
    if errors or cat is None:
        raise ImportRefused("invalid", errors=errors)
    return cat, parsed.crossref


def compared_with(cat: CatalogueVersion) -> CatalogueVersion | None:
    """The version an import is compared with: the one of the same code it replaces, else the one it follows."""
    norm = _norm(cat.norm)
    return norm.versions.get(cat.code) or (norm.versions.get(cat.replaces) if cat.replaces else None)


def stage(norm_code: str, version: str, file_name: str, data: bytes, user_id: int | None,
          overrides: dict[str, Any] | None = None) -> CatalogueImport:
    """Check an upload and keep it as a preview (not in use until :func:`activate`)."""
    cat, crossref = prepare(norm_code, version, file_name, data, overrides)
    latest = db.session.scalar(select(func.max(CatalogueImport.revision)).where(
        CatalogueImport.norm == cat.norm, CatalogueImport.version == cat.code)) or 0
    row = CatalogueImport(norm=cat.norm, version=cat.code, revision=latest + 1, state=ImportState.PREVIEW,
                          file_name=file_name[:255], content=dump(cat, crossref),
                          requirement_count=cat.requirement_count, created_by_id=user_id)
    db.session.add(row)
    db.session.flush()
    return row


def preview(row: CatalogueImport) -> tuple[CatalogueVersion, CatalogueVersion | None, compare.Diff]:
    cat, _crossref = load(row.norm, row.content, row.revision)
    refresh()
    old = compared_with(cat)
    return cat, old, compare.diff(old, cat)


def _move(row: CatalogueImport, target: ImportState) -> None:
    if target not in IMPORT_TRANSITIONS[row.state]:
        raise ImportRefused("state", row.state.value)
    row.state = target


def activate(row: CatalogueImport) -> CatalogueImport:
    """Put a previewed import in use; the active revision of the same version retires. Refused when the version
    it would change is named by a frozen audit, dossier or measurement."""
    refresh(force=True)
    norm = _norm(row.norm)
    if row.version in norm.versions:
        uses = frozen_uses(row.norm, row.version)
        if uses:
            raise ImportRefused("frozen", str(uses))
    for old in db.session.scalars(select(CatalogueImport).where(
            CatalogueImport.norm == row.norm, CatalogueImport.version == row.version,
            CatalogueImport.state == ImportState.ACTIVE)):
        _move(old, ImportState.REPLACED)
    _move(row, ImportState.ACTIVE)
    row.activated_at = utcnow()
    db.session.flush()
    refresh(force=True)
    return row


def discard(row: CatalogueImport) -> CatalogueImport:
    _move(row, ImportState.DISCARDED)
    db.session.flush()
    return row


def history(norm: str | None = None, limit: int = 50) -> list[CatalogueImport]:
    query = select(CatalogueImport).where(CatalogueImport.state != ImportState.PREVIEW)
    if norm:
        query = query.where(CatalogueImport.norm == norm)
    return list(db.session.scalars(query.order_by(CatalogueImport.id.desc()).limit(limit)))


def export(norm_code: str, version: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) of one version as XLSX or CSV."""
    refresh()
    norm = _norm(norm_code)
    cat = norm.versions.get(version)
    if cat is None:
        raise ImportRefused("unknown_version", version)
    if fmt == "csv":
        return spreadsheet.to_csv(cat), f"{norm.code}-{cat.code}.csv", "text/csv"
    return (spreadsheet.to_xlsx(cat), f"{norm.code}-{cat.code}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
