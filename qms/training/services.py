"""Adding and changing training records; the queries other packages use (records_for, expiring).

Functions change state and flush but never commit; the Audited mixin writes the trail."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from flask_babel import gettext as _
from flask_babel import to_user_timezone
from sqlalchemy import Select, select

from ..core.dates import today
from ..core.errors import FieldError
from ..extensions import db
from ..organisation.models import Employee
from ..permissions import has_permission
from ..uploads import services as uploads
from . import rules
from .models import TrainingRecord, kinds



class TrainingError(FieldError):
    """A business rule refused the change; ``field`` names the form field the message belongs to."""


@dataclass
class TrainingData:
    kind: str
    title: str
    completed_on: dt.date
    number: str | None = None
    valid_until: dt.date | None = None
    note: str | None = None


def _apply(record: TrainingRecord, data: TrainingData, file) -> None:
    kind = kinds().get(data.kind)
    if kind is None:
        raise TrainingError("kind", _("Choose a kind of training from the list."))
    if data.valid_until is not None and data.valid_until < data.completed_on:
        raise TrainingError("valid_until", _("The expiry date cannot lie before the exam date."))
    if data.completed_on > today():
        raise TrainingError("completed_on", _("The exam date cannot lie in the future."))
    record.kind = kind.code
    record.title = data.title.strip() or str(kind.label)
    record.number = (data.number or "").strip() or None
    record.completed_on = data.completed_on
    record.valid_until = data.valid_until or rules.default_valid_until(kind, data.completed_on)
    record.note = (data.note or "").strip() or None
    if file is not None and getattr(file, "filename", None):
        record.file = uploads.store(file, allowed={"pdf", "image"})


def add_record(employee: Employee, data: TrainingData, file=None) -> TrainingRecord:
    """Register a diploma or course for ``employee``; a kind with a fixed validity gets its expiry when none
    is given."""
    record = TrainingRecord(employee_id=employee.id)
    _apply(record, data, file)
    db.session.add(record)
    db.session.flush()
    return record


def update_record(record: TrainingRecord, data: TrainingData, file=None) -> TrainingRecord:
    _apply(record, data, file)
    db.session.flush()
    return record


# --- queries for other packages -----------------------------------------------------------------

def records_for(employee_ids: Iterable[int]) -> dict[int, list[TrainingRecord]]:
    """Training records per employee id (newest exam first), in one query; ids without records are absent."""
    ids = sorted({int(i) for i in employee_ids})
    found: dict[int, list[TrainingRecord]] = defaultdict(list)
    if not ids:
        return {}
    stmt = (select(TrainingRecord).where(TrainingRecord.employee_id.in_(ids))
            .order_by(TrainingRecord.employee_id, TrainingRecord.completed_on.desc(), TrainingRecord.id.desc()))
    for record in db.session.scalars(stmt):
        found[record.employee_id].append(record)
    return dict(found)


class RecordFact(NamedTuple):
    """The columns of a training record the rules read (VCA diplomas, ISO 9001 competence)."""

    kind: str
    title: str
    valid_until: dt.date | None


def record_facts(employee_ids: Select, kinds: Iterable[str] | None = None) -> dict[int, list[RecordFact]]:
    """Like :func:`records_for` (same order), as plain columns, for the employees a select of ids names: the
    figures over thousands of people read these without loading records or binding thousands of ids."""
    stmt = (select(TrainingRecord.employee_id, TrainingRecord.kind, TrainingRecord.title, TrainingRecord.valid_until)
            .where(TrainingRecord.employee_id.in_(employee_ids))
            .order_by(TrainingRecord.employee_id, TrainingRecord.completed_on.desc(), TrainingRecord.id.desc()))
    if kinds is not None:
        stmt = stmt.where(TrainingRecord.kind.in_(list(kinds)))
    found: dict[int, list[RecordFact]] = defaultdict(list)
    for employee_id, kind, title, valid_until in db.session.execute(stmt):
        found[employee_id].append(RecordFact(kind, title, valid_until))
    return dict(found)


def expiring(within_days: int = rules.WARNING_DAYS, on: dt.date | None = None,
             include_expired: bool = False) -> list[TrainingRecord]:
    """Records of employed people that expire within ``within_days`` from ``on`` (today), soonest first.

    With ``include_expired`` records already past their expiry are included too."""
    on = on or today()
    stmt = (select(TrainingRecord).join(TrainingRecord.employee)
            .where(TrainingRecord.valid_until.is_not(None),
                   TrainingRecord.valid_until <= on + dt.timedelta(days=within_days),
                   Employee.left_on.is_(None) | (Employee.left_on > on))
            .order_by(TrainingRecord.valid_until, TrainingRecord.id))
    if not include_expired:
        stmt = stmt.where(TrainingRecord.valid_until >= on)
    return list(db.session.scalars(stmt))


# --- access -------------------------------------------------------------------------------------

def can_see_employee(user, employee: Employee) -> bool:
    """Everyone's records for training.view holders; one's own for everyone else."""
    if has_permission(user, "training.view"):
        return True
    return employee.user_id is not None and employee.user_id == getattr(user, "id", None)


def employee_of(user) -> Employee | None:
    return db.session.scalar(select(Employee).where(Employee.user_id == user.id)) if user.is_authenticated else None
