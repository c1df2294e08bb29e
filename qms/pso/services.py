"""PSO business rules: reference versions, the register, purchases, measurements and the forecast.

Functions change state and flush but never commit; the Audited mixin writes the trail. Reading a
target-group dossier is written to the trail with :func:`record_dossier_view`.
"""
from __future__ import annotations

import datetime as dt
import base64
import hashlib
import hmac
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, insert, inspect, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from ..i18n import fmt_day
from ..audit.services import record
from ..database import chunked, utcnow
from ..extensions import db
from ..organisation.models import Employee
from ..organisation.services import today
from ..uploads import services as uploads
from . import payroll, reference as refdata
from .jsonio import input_to_json
from .models import (MEASUREMENT_TRANSITIONS, ConversationKind, MeasurementState, PsoConversation, PsoEmployment,
                     PsoHours, PsoMeasurement, PsoPlannedHire, PsoPurchase, PsoReferenceVersion,
                     PsoTargetStatus, SupplierKind)
from .reference import Reference, ReferenceError
from .scoring import CalculationError, CalculationInput, Criteria, EmployeeInput, PurchaseInput, Result, calculate

EVIDENCE_KINDS = frozenset({"pdf", "image", "docx"})
PAYROLL_MAX_BYTES = 20 * 1024 * 1024
FROZEN_FIELDS = frozenset({"inputs", "results", "content_sha256", "year", "reference_code", "total_pct", "level",
                           "corrects_id", "created_at", "created_by_id"})


class PsoError(Exception):
    """A business rule refused the change; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


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
    chunked IN lists, one multi-row insert for new rows, one executemany for changed rows, and one multi-row
    append to the audit trail for both (the same entries the trail holds for a row entered by hand)."""
    from ..audit.services import entity_name, record_many

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
        ids = db.session.scalars(insert(PsoHours).returning(PsoHours.id, sort_by_parameter_order=True), new).all()
        entries += [("create", name, id_, None, {"id": id_, **values}) for id_, values in zip(ids, new)]
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
        db.session.execute(update(PsoHours), changed)
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
        from ..suppliers.models import Supplier

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

@dataclass
class Register:
    """The calculator input for one peiljaar, plus what the page needs to explain it."""

    input: CalculationInput
    #: Pseudonym -> employee id (the named version; only shown to HR).
    names: dict[str, int] = field(default_factory=dict)
    #: Pseudonyms of people without a PSO employment period: counted full-time from the employee register.
    assumed: list[str] = field(default_factory=list)


def criteria_for(status: PsoTargetStatus, year: int) -> Criteria:
    """Which qualitative criteria the dossier documents for the peiljaar."""
    return Criteria(
        suitable_work=bool(status.suitable_work),
        integration=bool(status.integration),
        conversations=any(c.held_on.year == year for c in status.conversations),
        support=(not status.support_needed) or bool(status.support),
    )


def _split(hours: float | None, periods: list, year: int) -> list[float | None]:
    """Share a year's payroll hours over several periods by their days in the year."""
    if hours is None or len(periods) == 1:
        return [hours] * len(periods)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = [max(0, (min(p.end or last, last) - max(p.start, first)).days + 1) for p in periods]
    total = sum(days) or 1
    return [hours * d / total for d in days]


def build_register(year: int, norm_week: float | None = None) -> Register:
    """Everyone employed in the peiljaar (employee register and PSO periods), under pseudonyms."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    periods = db.session.scalars(select(PsoEmployment).where(
        PsoEmployment.start <= last, or_(PsoEmployment.end.is_(None), PsoEmployment.end >= first))
        .order_by(PsoEmployment.employee_id, PsoEmployment.start)).all()
    by_employee: dict[int, list[PsoEmployment]] = defaultdict(list)
    for p in periods:
        by_employee[p.employee_id].append(p)
    employees = db.session.execute(select(Employee.id, Employee.hired_on, Employee.left_on).where(
        Employee.hired_on <= last, or_(Employee.left_on.is_(None), Employee.left_on >= first),
        Employee.id.not_in(list(by_employee) or [0])).order_by(Employee.id)).all()
    ids = sorted(set(by_employee) | {e.id for e in employees})
    names = pseudonyms(ids)
    hours = dict(db.session.execute(select(PsoHours.employee_id, PsoHours.hours_worked)
                                    .where(PsoHours.year == year)).all())
    statuses = {s.employee_id: s for s in db.session.scalars(
        select(PsoTargetStatus).options(selectinload(PsoTargetStatus.conversations)))}
    week = norm_week or None
    out: list[EmployeeInput] = []
    assumed: list[str] = []

    def person(employee_id, ident, contract, per_week, start, end, worked, norm_week_hours):
        status = statuses.get(employee_id)
        return EmployeeInput(
            id=ident, contract_type=contract, hours_per_week=per_week, start=start, end=end,
            hours_worked=worked, starting_position=status.starting_position if status else None,
            intake_date=status.intake_date if status else None, status_until=status.status_until if status else None,
            education_level=str(status.education_level) if status and status.education_level else None,
            norm_week_hours=norm_week_hours, criteria=criteria_for(status, year) if status else None)

    for employee_id, spans in by_employee.items():
        worked = float(hours[employee_id]) if employee_id in hours else None
        for index, (p, share) in enumerate(zip(spans, _split(worked, spans, year))):
            ident = names[employee_id] if len(spans) == 1 else f"{names[employee_id]}/{index + 1}"
            out.append(person(employee_id, ident, p.contract_type, float(p.hours_per_week), p.start, p.end, share,
                              float(p.norm_week_hours) if p.norm_week_hours else None))
    full_time = week or (reference_in_force(first).full_time_hours if employees else 40.0)
    for e in employees:
        worked = float(hours[e.id]) if e.id in hours else None
        out.append(person(e.id, names[e.id], "regular", full_time, e.hired_on, e.left_on, worked, None))
        assumed.append(names[e.id])
    lookup = {v: k for k, v in names.items()}
    bought = db.session.scalars(select(PsoPurchase).where(PsoPurchase.year == year).order_by(PsoPurchase.id)).all()
    purchases = tuple(PurchaseInput(p.supplier_name, float(p.invoice_value), float(p.supplier_turnover),
                                    float(p.supplier_target_fte)) for p in bought)
    return Register(CalculationInput(year, tuple(out), purchases, week), lookup, assumed)


@dataclass
class Score:
    year: int
    reference: Reference
    register: Register
    result: Result | None
    error: CalculationError | None = None


def score(year: int, norm_week: float | None = None, ref: Reference | None = None) -> Score:
    """Calculate the peiljaar from the register (an impossible register gives ``error``, never a crash)."""
    ref = ref or reference_in_force(today())
    register = build_register(year, norm_week)
    try:
        return Score(year, ref, register, calculate(register.input, ref))
    except CalculationError as error:
        return Score(year, ref, register, None, error)


def forecast(year: int, norm_week: float | None = None, current: Score | None = None):
    """Next peiljaar from this one (``current``, computed when not given) plus the planned hires:
    (Score, changes)."""
    from .scoring import forecast_input

    current = current or score(year, norm_week)
    if current.result is None:
        return None, []
    nxt = year + 1
    hires = db.session.scalars(select(PsoPlannedHire).where(
        PsoPlannedHire.start <= dt.date(nxt, 12, 31)).order_by(PsoPlannedHire.start)).all()
    planned = tuple(EmployeeInput(
        id=f"+{h.id} {h.label}"[:60], contract_type=h.contract_type, hours_per_week=float(h.hours_per_week),
        start=h.start, starting_position=h.starting_position, intake_date=h.start if h.starting_position else None,
        status_until=None, criteria=Criteria(True, True, True, True) if h.starting_position else None)
        for h in hires if h.start.year >= nxt or h.start > today())
    inp, changes = forecast_input(current.register.input, current.reference, planned)
    try:
        result = calculate(inp, current.reference)
    except CalculationError as error:
        return Score(nxt, current.reference, Register(inp), None, error), changes
    return Score(nxt, current.reference, Register(inp, current.register.names), result), changes


# --- measurements -----------------------------------------------------------------------------

def _freeze(year: int, user, norm_week: float | None) -> PsoMeasurement:
    current = score(year, norm_week)
    if current.result is None:
        raise PsoError("year", _("The register for %(year)s cannot be calculated: %(error)s",
                                 year=year, error=str(current.error)))
    inputs = json.dumps(input_to_json(current.register.input), sort_keys=True, ensure_ascii=False)
    results = json.dumps(current.result.to_dict(), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256((inputs + "\n" + results).encode("utf-8")).hexdigest()
    return PsoMeasurement(year=year, reference_code=current.reference.code, inputs=inputs, results=results,
                          content_sha256=digest, total_pct=Decimal(str(round(current.result.total_pct, 4))),
                          level=current.result.level, created_by_id=getattr(user, "id", None),
                          state=MeasurementState.DRAFT)


def create_measurement(year: int, user, norm_week: float | None = None) -> PsoMeasurement:
    """Freeze the peiljaar as it stands now (inputs, results, reference version)."""
    m = _freeze(year, user, norm_week)
    db.session.add(m)
    db.session.flush()
    return m


def _transition(m: PsoMeasurement, to: MeasurementState) -> None:
    if to not in MEASUREMENT_TRANSITIONS[m.state]:
        raise PsoError("state", _("A measurement that is %(state)s cannot change.", state=state_label(m.state)))
    m.state = to


def current_submission(year: int) -> PsoMeasurement | None:
    """The submitted measurement that stands for the peiljaar: the end of its chain of corrections."""
    submitted = db.session.scalars(select(PsoMeasurement).where(
        PsoMeasurement.year == year, PsoMeasurement.state == MeasurementState.SUBMITTED)).all()
    corrected = {m.corrects_id for m in submitted if m.corrects_id is not None}
    heads = [m for m in submitted if m.id not in corrected]
    return max(heads, key=lambda m: m.id) if heads else None


def _check_submittable(m: PsoMeasurement) -> None:
    """One submission per peiljaar: a later one must be a correction of the submission that stands now."""
    standing = current_submission(m.year)
    if standing is None:
        if m.corrects_id is not None:
            raise PsoError("state", _("This correction belongs to a measurement that is not submitted."))
        return
    if m.corrects_id is None:
        raise PsoError("state", _("A measurement of %(year)s is already submitted (#%(id)s); correct that one "
                                  "instead.", year=m.year, id=standing.id))
    if m.corrects_id != standing.id:
        raise PsoError("state", _("This correction is outdated: measurement #%(id)s now stands for %(year)s; "
                                  "correct that one.", id=standing.id, year=m.year))


def submit_measurement(m: PsoMeasurement) -> PsoMeasurement:
    """Mark as submitted for certification: from now on it never changes."""
    if m.state is MeasurementState.DRAFT:
        _check_submittable(m)
    _transition(m, MeasurementState.SUBMITTED)
    m.submitted_at = utcnow()
    db.session.flush()
    return m


def discard_measurement(m: PsoMeasurement) -> PsoMeasurement:
    _transition(m, MeasurementState.DISCARDED)
    db.session.flush()
    return m


def correct_measurement(m: PsoMeasurement, user, reason: str, norm_week: float | None = None) -> PsoMeasurement:
    """A correction of a submitted measurement: a new draft linked to it; the original stays as it was."""
    if m.state is not MeasurementState.SUBMITTED:
        raise PsoError("reason", _("Only a submitted measurement is corrected; change a draft by measuring again."))
    if not reason.strip():
        raise PsoError("reason", _("Say why the measurement is corrected."))
    standing = current_submission(m.year)
    if standing is not None and standing.id != m.id:
        raise PsoError("reason", _("This correction is outdated: measurement #%(id)s now stands for %(year)s; "
                                   "correct that one.", id=standing.id, year=m.year))
    new = _freeze(m.year, user, norm_week)
    new.corrects_id, new.reason = m.id, reason.strip()
    db.session.add(new)
    db.session.flush()
    return new


@event.listens_for(Session, "before_flush")
def guard_frozen(session, flush_context, instances) -> None:
    """Refuse any change to a measurement's frozen content, and any change at all once it is submitted,
    whoever tries it (views, the CLI, a script)."""
    for obj in session.dirty:
        if not isinstance(obj, PsoMeasurement):
            continue
        state = inspect(obj)
        changed = {a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()}
        was = state.attrs["state"].history.deleted
        old_state = was[0] if was else obj.state
        if changed & FROZEN_FIELDS or (changed and old_state is MeasurementState.SUBMITTED):
            raise PsoError("state", _("A frozen measurement cannot change."))
    for obj in session.deleted:
        if isinstance(obj, PsoMeasurement):
            raise PsoError("state", _("A frozen measurement cannot be deleted."))


def state_label(state: MeasurementState) -> str:
    return {MeasurementState.DRAFT: _("draft"), MeasurementState.SUBMITTED: _("submitted"),
            MeasurementState.DISCARDED: _("discarded")}[state]


def measurement_result(m: PsoMeasurement) -> dict:
    return json.loads(m.results)


def measurements(year: int | None = None) -> list[PsoMeasurement]:
    stmt = select(PsoMeasurement).order_by(PsoMeasurement.year.desc(), PsoMeasurement.id.desc())
    if year is not None:
        stmt = stmt.where(PsoMeasurement.year == year)
    return db.session.scalars(stmt).all()


def history() -> list[tuple[int, float]]:
    """Score per peiljaar from the latest non-discarded measurement of each year (for the chart)."""
    rows = db.session.execute(select(PsoMeasurement.year, PsoMeasurement.total_pct, PsoMeasurement.id)
                              .where(PsoMeasurement.state != MeasurementState.DISCARDED)
                              .order_by(PsoMeasurement.year, PsoMeasurement.id)).all()
    latest: dict[int, float] = {}
    for year, pct, _id in rows:
        latest[year] = float(pct)
    return sorted(latest.items())
