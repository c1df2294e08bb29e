"""The sampling tables (shipped, and corrected by revisions) and the defect kinds an inspector counts."""
from __future__ import annotations

import json

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from .. import sampling
from ..models import CATEGORIES, DefectKind, SamplingTableRevision
from .common import DEFAULT_KINDS, MeasurementError


def latest_revision() -> SamplingTableRevision | None:
    return db.session.scalar(select(SamplingTableRevision).order_by(SamplingTableRevision.id.desc()).limit(1))


def tables_data() -> dict:
    revision = latest_revision()
    return json.loads(revision.data) if revision is not None else sampling.shipped_data()


def tables() -> sampling.Tables:
    return sampling.tables_from_data(tables_data())


def revisions() -> list[SamplingTableRevision]:
    return list(db.session.scalars(select(SamplingTableRevision).options(
        selectinload(SamplingTableRevision.created_by)).order_by(SamplingTableRevision.id.desc())))


def _save_tables(data: dict, note: str, user) -> SamplingTableRevision:
    if not (note or "").strip():
        raise MeasurementError("note", _("Say what you corrected and why (the source you checked)."))
    revision = SamplingTableRevision(data=json.dumps(data, sort_keys=True), note=note.strip()[:500],
                                     created_by_id=user.id)
    db.session.add(revision)
    db.session.flush()
    return revision


def correct_cell(letter: str, aql: str, cell: str, note: str, user) -> SamplingTableRevision:
    data = tables_data()
    if letter not in data["master"] or aql not in data["aql_values"]:
        raise MeasurementError("letter", _("Choose a code letter and an AQL from the table."))
    try:
        changed = sampling.with_cell(data, letter, aql, cell)
    except sampling.TableError:
        raise MeasurementError("cell", _("Write a plan as Ac/Re (for example 3/4, the rejection number above the "
                                         "acceptance number), or choose an arrow.")) from None
    return _save_tables(changed, note, user)


def correct_letter(lot_min: int, level: str, letter: str, note: str, user) -> SamplingTableRevision:
    if level not in sampling.LEVELS:
        raise MeasurementError("level", _("Choose an inspection level."))
    try:
        changed = sampling.with_letter(tables_data(), lot_min, level, letter)
    except sampling.TableError:
        raise MeasurementError("letter", _("Choose a lot size range and a code letter from the table.")) from None
    return _save_tables(changed, note, user)


def plan_for(lot_size: int, level: str, aql: str) -> sampling.Plan:
    """The sampling plan of a lot, or a MeasurementError the user can act on."""
    if lot_size < 2:
        raise MeasurementError(None, _("The lot has fewer than 2 rooms in scope: add rooms to the inventory first."))
    try:
        return sampling.plan(tables(), lot_size, level, aql)
    except sampling.NoPlan:
        raise MeasurementError("aql", _("The sampling table gives no plan for AQL %(aql)s at this lot size; choose "
                                        "another AQL or inspection level.", aql=aql)) from None


def ensure_default_kinds() -> None:
    if db.session.scalar(select(func.count()).select_from(DefectKind)):
        return
    for code, nl, en, category in DEFAULT_KINDS:
        db.session.add(DefectKind(code=code, name_nl=nl, name_en=en, category=category, active=True))
    db.session.flush()


def active_kinds() -> list[DefectKind]:
    return list(db.session.scalars(select(DefectKind).where(DefectKind.active.is_(True)).order_by(
        DefectKind.category, DefectKind.id)))


def all_kinds() -> list[DefectKind]:
    return list(db.session.scalars(select(DefectKind).order_by(DefectKind.category, DefectKind.id)))


def add_kind(*, code: str, name_nl: str, name_en: str, category: str) -> DefectKind:
    code = (code or "").strip().lower()
    if not code or not code.replace("_", "").isalnum():
        raise MeasurementError("code", _("A code has letters, digits and underscores only."))
    if category not in CATEGORIES:
        raise MeasurementError("category", _("Choose a category from the list."))
    if not (name_nl or "").strip() or not (name_en or "").strip():
        raise MeasurementError("name_nl", _("Give the defect kind a Dutch and an English name."))
    if db.session.scalar(select(DefectKind.id).where(DefectKind.code == code)) is not None:
        raise MeasurementError("code", _("A defect kind with this code already exists."))
    kind = DefectKind(code=code, name_nl=name_nl.strip()[:80], name_en=name_en.strip()[:80], category=category,
                      active=True)
    db.session.add(kind)
    db.session.flush()
    return kind
