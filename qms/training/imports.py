"""Training records and diplomas in and out of a spreadsheet. A row is one diploma or course of one employee,
found again by the employee number, the kind and the exam date; it is saved by the service the form uses
(:func:`services.add_record` / :func:`services.update_record`), so the same rules hold (no exam date in the
future, an expiry after the exam, the default validity of a VCA diploma)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.imports import CREATED, UNCHANGED, UPDATED, Column, Importer, RowRejected, choice, date, text
from ..extensions import db
from ..organisation.models import Employee
from . import services
from .models import TrainingRecord, kind_label, kinds
from .services import TrainingData, TrainingError


@dataclass
class _Lookups:
    employees: dict[str, Employee]
    records: dict[tuple[int, str, object], TrainingRecord]


def _lookups() -> _Lookups:
    employees = {e.number.casefold(): e for e in db.session.scalars(select(Employee))}
    records = {(r.employee_id, r.kind, r.completed_on): r for r in db.session.scalars(select(TrainingRecord))}
    return _Lookups(employees, records)


def _save(values: dict, lookups: _Lookups) -> str:
    employee = lookups.employees.get(values["employee"].casefold())
    if employee is None:
        raise RowRejected.naming(_("There is no employee with this number in the register."), values["employee"])
    existing = lookups.records.get((employee.id, values["kind"], values["completed_on"]))
    data = TrainingData(kind=values["kind"], title=values["title"] or "", completed_on=values["completed_on"],
                        number=values["number"], valid_until=values["valid_until"],
                        note=existing.note if existing is not None else None)
    if existing is not None:
        before = (existing.title, existing.number, existing.valid_until)
        services.update_record(existing, data)
        if (existing.title, existing.number, existing.valid_until) == before:
            return UNCHANGED
        return UPDATED
    record = services.add_record(employee, data)
    lookups.records[(employee.id, record.kind, record.completed_on)] = record
    return CREATED


def _values(record: TrainingRecord) -> dict:
    return {"employee": record.employee.number, "name": record.employee.full_name, "kind": kind_label(record.kind),
            "title": record.title, "number": record.number or "", "completed_on": record.completed_on,
            "valid_until": record.valid_until}


TRAINING = Importer(
    name="training",
    title=_l("Training and diplomas"),
    permission="training.manage",
    key=("employee", "kind", "completed_on"),
    columns=(
        Column("employee", _l("Employee number"), text, required=True, max_length=20),
        #: Written by the export for the reader; the import finds the person by number.
        Column("name", _l("Name"), text),
        Column("kind", _l("Kind"), choice(lambda: {code: kind.label for code, kind in kinds().items()}), required=True),
        Column("title", _l("Title"), text, max_length=200),
        Column("number", _l("Certificate number"), text, max_length=60),
        Column("completed_on", _l("Exam date"), date, required=True),
        Column("valid_until", _l("Valid until"), date),
    ),
    save=_save,
    context=_lookups,
    errors=(TrainingError,),
    values=_values,
    list_endpoint="training.index",
    hint=_l("One row per diploma or course. The employee number, the kind and the exam date find a record "
            "already in the register; for a diploma with a registration number, write it as the certificate number."),
)
