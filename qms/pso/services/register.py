"""The target-group register: pseudonyms, dossier views, employment periods, statuses, conversations, payroll
hours, purchases and planned hires. Functions flush, never commit."""
from __future__ import annotations

import datetime as dt
import base64
import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ...i18n import fmt_day
from ...audit.services import record
from ...database import chunked, insert_rows, update_rows
from ...extensions import db
from ...organisation.models import Employee
from ...organisation.services import today
from ...uploads import services as uploads
from .. import payroll
from ..models import (ConversationKind, PsoConversation, PsoEmployment, PsoHours, PsoPlannedHire, PsoPurchase,
                      PsoTargetStatus, SupplierKind)
from ..reference import Reference
from .common import EVIDENCE_KINDS, PsoError
from .references import reference_in_force


# --- pseudonyms and dossier views ---------------------------------------------------------------

def pseudonyms(employee_ids: list[int]) -> dict[int, str]:
    """Stable pseudonyms ("P-7K3Q9A") for these employees: a keyed hash of the id, so reading a score never
    writes anything and nobody without the application's secret key can link a pseudonym to a person."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    out = {}
    for employee_id in employee_ids:
        digest = hmac.new(key, f"pso-pseudonym:{employee_id}".encode(), hashlib.sha256).digest()
        out[employee_id] = "P-" + base64.b32encode(digest).decode("ascii")[:6]
    return out


def record_dossier_view(employee: Employee, what: str = "dossier") -> None:
    """Write that the current user read a target-group dossier (special personal data)."""
    record(db.session, "view", "pso_target_status", employee.id, new={"viewed": what})


# --- the register -----------------------------------------------------------------------------

def _check_contract(ref: Reference, contract_type: str) -> None:
    if contract_type not in ref.contracts:
        raise PsoError("contract_type", _("Choose one of the contract types."))


def add_employment(employee: Employee, *, start: dt.date, end: dt.date | None, contract_type: str,
                   hours_per_week: Decimal, norm_week_hours: Decimal | None) -> PsoEmployment:
    ref = reference_in_force(today())
    _check_contract(ref, contract_type)
    if end is not None and end < start:
        raise PsoError("end", _("The end date cannot be before the start date."))
    if not Decimal(0) <= hours_per_week <= Decimal(80):
        raise PsoError("hours_per_week", _("Enter between 0 and 80 hours a week."))
    if norm_week_hours is not None and not Decimal(1) <= norm_week_hours <= Decimal(80):
        raise PsoError("norm_week_hours", _("Enter a norm week between 1 and 80 hours."))
    for other in db.session.scalars(select(PsoEmployment).where(PsoEmployment.employee_id == employee.id)):
        if start <= (other.end or dt.date.max) and other.start <= (end or dt.date.max):
            raise PsoError("start", _("This period overlaps the period starting %(date)s.",
                                      date=fmt_day(other.start)))
    period = PsoEmployment(employee_id=employee.id, start=start, end=end, contract_type=contract_type,
                           hours_per_week=hours_per_week, norm_week_hours=norm_week_hours)
    db.session.add(period)
    db.session.flush()
    return period


def delete_employment(period: PsoEmployment) -> None:
    db.session.delete(period)
    db.session.flush()


def set_hours(employee: Employee, year: int, hours: Decimal, source: str = "entered") -> PsoHours:
    if not 1990 <= year <= 2200:
        raise PsoError("year", _("Enter a year between 1990 and 2200."))
    if hours < 0 or hours > payroll.MAX_HOURS:
        raise PsoError("hours_worked", _("Enter between 0 and %(max)s hours.", max=payroll.MAX_HOURS))
    row = db.session.scalar(select(PsoHours).where(PsoHours.employee_id == employee.id, PsoHours.year == year))
    if row is None:
        row = PsoHours(employee_id=employee.id, year=year, hours_worked=hours, source=source)
        db.session.add(row)
    row.hours_worked, row.source = hours, source
    db.session.flush()
    return row


@dataclass
class StatusData:
    starting_position: str
    intake_date: dt.date
    status_until: dt.date | None = None
    education_route: str | None = None
    education_level: int | None = None
    school: str | None = None
    suitable_work: str | None = None
    integration: str | None = None
    support_needed: bool = True
    support: str | None = None
    job_coach: str | None = None


def save_status(employee: Employee, data: StatusData, evidence=None, agreement=None) -> PsoTargetStatus:
    """Record or change an employee's target-group status; files go through the shared upload service."""
    ref = reference_in_force(today())
    position = ref.positions.get(data.starting_position)
    if position is None:
        raise PsoError("starting_position", _("Choose one of the starting positions."))
    if data.status_until is not None and data.status_until < data.intake_date:
        raise PsoError("status_until", _("The end date cannot be before the intake date."))
    if position.window == "until" and data.status_until is None:
        raise PsoError("status_until", _("This starting position counts only until its end date: enter it."))
    if data.starting_position.startswith("bbl") and not data.education_route:
        raise PsoError("education_route", _("Choose BBL or BOL for an apprentice."))
    status = db.session.scalar(select(PsoTargetStatus).where(PsoTargetStatus.employee_id == employee.id))
    if status is None:
        status = PsoTargetStatus(employee_id=employee.id)
        db.session.add(status)
    for key, value in vars(data).items():
        setattr(status, key, value if value != "" else None)
    if evidence is not None and getattr(evidence, "filename", None):
        try:
            status.evidence_file_id = uploads.store(evidence, allowed=EVIDENCE_KINDS).id
        except uploads.UploadRejected as error:
            raise PsoError("evidence", error.message) from None
    if agreement is not None and getattr(agreement, "filename", None):
        try:
            status.agreement_file_id = uploads.store(agreement, allowed=EVIDENCE_KINDS).id
        except uploads.UploadRejected as error:
            raise PsoError("agreement", error.message) from None
    db.session.flush()
    return status


def add_conversation(status: PsoTargetStatus, *, held_on: dt.date, kind: str, summary: str, file=None
                     ) -> PsoConversation:
    if held_on > today():
        raise PsoError("held_on", _("A conversation cannot be recorded before it was held."))
    conversation = PsoConversation(status=status, held_on=held_on, kind=ConversationKind(kind), summary=summary)
    if file is not None and getattr(file, "filename", None):
        try:
            conversation.file_id = uploads.store(file, allowed=EVIDENCE_KINDS).id
        except uploads.UploadRejected as error:
            raise PsoError("file", error.message) from None
    db.session.add(conversation)
    db.session.flush()
    return conversation


def import_hours(rows: list[payroll.PayrollRow]) -> int:
    """Save checked payroll rows (replacing hours of the same employee and year) as a bulk upsert: lookups in
    chunked IN lists, multi-row inserts for new rows, bulk updates for changed rows, and multi-row inserts
    appending to the audit trail for both (the same entries the trail holds for a row entered by hand)."""
    from ...audit.services import entity_name, record_many

    numbers = sorted({r.number for r in rows})
    by_number: dict[str, int] = {}
    for part in chunked(numbers):
        by_number.update(db.session.execute(select(Employee.number, Employee.id)
                                            .where(Employee.number.in_(part))).all())
    years = sorted({r.year for r in rows})
    existing: dict[tuple[int, int], tuple[int, Decimal, str]] = {}
    for part in chunked(sorted(set(by_number.values()))):
        for id_, employee_id, year, hours, source in db.session.execute(
                select(PsoHours.id, PsoHours.employee_id, PsoHours.year, PsoHours.hours_worked, PsoHours.source)
                .where(PsoHours.year.in_(years), PsoHours.employee_id.in_(part))):
            existing[(employee_id, year)] = (id_, hours, source)
    wanted: dict[tuple[int, int], Decimal] = {}
    for r in rows:  # the check refuses duplicates; should one slip through, the last line wins
        wanted[(by_number[r.number], r.year)] = Decimal(str(r.hours))
    name = entity_name(PsoHours)
    entries: list[tuple] = []
    new = [{"employee_id": e, "year": y, "hours_worked": h, "source": "import"}
           for (e, y), h in wanted.items() if (e, y) not in existing]
    if new:
        # Inserted without RETURNING (five times faster on PostgreSQL), then their ids read in one query.
        insert_rows(db.session, PsoHours.__table__, new)
        years = sorted({values["year"] for values in new})
        fresh = {(values["employee_id"], values["year"]) for values in new}
        ids = {(e, y): id_ for id_, e, y in db.session.execute(
            select(PsoHours.id, PsoHours.employee_id, PsoHours.year).where(PsoHours.year.in_(years)))
            if (e, y) in fresh}
        for values in new:
            id_ = ids[(values["employee_id"], values["year"])]
            entries.append(("create", name, id_, None, {"id": id_, **values}))
    changed = []
    for key, hours in wanted.items():
        if key not in existing:
            continue
        id_, before, source = existing[key]
        old_values, new_values = {}, {}
        if Decimal(before) != hours:
            old_values["hours_worked"], new_values["hours_worked"] = before, hours
        if source != "import":
            old_values["source"], new_values["source"] = source, "import"
        if new_values:
            changed.append({"id": id_, "hours_worked": hours, "source": "import"})
            entries.append(("update", name, id_, old_values, new_values))
    if changed:
        update_rows(db.session, PsoHours.__table__, changed)
    record_many(db.session, entries)
    return len(rows)


def preview_payroll(filename: str, data: bytes, year: int | None, progress=None) -> payroll.Preview:
    numbers = list(db.session.scalars(select(Employee.number)))
    preview = payroll.read(filename, data, numbers, year, progress)
    ref = reference_in_force(today())
    if ref is not None:
        preview.full_time_year_hours = ref.full_time_hours * ref.weeks_per_year
        preview.full_time_week = ref.full_time_hours
    return preview


# --- purchases and planned hires ----------------------------------------------------------------

@dataclass
class PurchaseData:
    year: int
    supplier_id: int | None
    supplier_name: str
    kind: str
    certificate_number: str | None
    invoice_value: Decimal
    supplier_turnover: Decimal
    supplier_target_fte: Decimal


def add_purchase(data: PurchaseData) -> PsoPurchase:
    if data.supplier_turnover <= 0:
        raise PsoError("supplier_turnover", _("The supplier's turnover must be more than zero."))
    if data.invoice_value > data.supplier_turnover:
        raise PsoError("invoice_value", _("The invoices cannot exceed the supplier's whole turnover."))
    if data.invoice_value < 0 or data.supplier_target_fte < 0:
        raise PsoError("invoice_value", _("Amounts cannot be negative."))
    if data.supplier_id is not None:
        from ...suppliers.models import Supplier

        supplier = db.session.get(Supplier, data.supplier_id)
        if supplier is None:
            raise PsoError("supplier_id", _("Choose a supplier from the list."))
        data.supplier_name = data.supplier_name or supplier.name
    if not data.supplier_name:
        raise PsoError("supplier_name", _("Choose a supplier or enter its name."))
    purchase = PsoPurchase(year=data.year, supplier_id=data.supplier_id, supplier_name=data.supplier_name,
                           kind=SupplierKind(data.kind), certificate_number=data.certificate_number or None,
                           invoice_value=data.invoice_value, supplier_turnover=data.supplier_turnover,
                           supplier_target_fte=data.supplier_target_fte)
    db.session.add(purchase)
    db.session.flush()
    return purchase


def delete_purchase(purchase: PsoPurchase) -> None:
    db.session.delete(purchase)
    db.session.flush()


def add_planned_hire(*, label: str, start: dt.date, contract_type: str, hours_per_week: Decimal,
                     starting_position: str | None) -> PsoPlannedHire:
    ref = reference_in_force(today())
    _check_contract(ref, contract_type)
    if starting_position and starting_position not in ref.positions:
        raise PsoError("starting_position", _("Choose one of the starting positions."))
    hire = PsoPlannedHire(label=label, start=start, contract_type=contract_type, hours_per_week=hours_per_week,
                          starting_position=starting_position or None)
    db.session.add(hire)
    db.session.flush()
    return hire


def delete_planned_hire(hire: PsoPlannedHire) -> None:
    db.session.delete(hire)
    db.session.flush()


# --- building the calculation from the register -------------------------------------------------
