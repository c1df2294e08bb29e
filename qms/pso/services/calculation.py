"""The calculator input built from the register, the score of a peiljaar and the forecast of the next."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ...core.changes import until_changed
from ...extensions import db
from ...organisation.models import Employee
from ...organisation.services import today
from ..models import (PsoConversation, PsoEmployment, PsoHours, PsoPlannedHire, PsoPurchase, PsoReferenceVersion,
                      PsoTargetStatus)
from ..reference import Reference
from ..scoring import CalculationError, CalculationInput, Criteria, EmployeeInput, PurchaseInput, Result, calculate
from .references import reference_in_force
from .register import pseudonyms


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


#: The tables a peiljaar's score reads: it is kept until one of them changes (qms.core.changes).
REGISTER_TABLES = (Employee, PsoEmployment, PsoHours, PsoTargetStatus, PsoConversation, PsoPurchase,
                   PsoReferenceVersion)


def score(year: int, norm_week: float | None = None, ref: Reference | None = None) -> Score:
    """The peiljaar's score, computed once per register change: every surface that shows it (dashboard KPI,
    live evidence, score page, review section) reuses the same result until the register changes."""
    from .references import references

    if ref is not None and references().get(ref.code) != ref:
        return compute_score(year, norm_week, ref)  # a reference of the caller's own (a test, a what-if)
    ref = ref or reference_in_force(today())
    return _kept_score(year, norm_week, ref.code if ref is not None else None)


@until_changed(*REGISTER_TABLES)
def _kept_score(year: int, norm_week: float | None, ref_code: str | None) -> Score:
    from .references import reference_version

    return compute_score(year, norm_week, reference_version(ref_code) if ref_code else None)


def compute_score(year: int, norm_week: float | None = None, ref: Reference | None = None) -> Score:
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
    from .references import references

    current = current or score(year, norm_week)
    if current.result is None:
        return None, []
    if current.year == year and references().get(current.reference.code) == current.reference:
        return _kept_forecast(year, current.register.input.norm_week_hours, current.reference.code)
    return _forecast(current, year)


@until_changed(*REGISTER_TABLES, PsoPlannedHire)
def _kept_forecast(year: int, norm_week: float | None, ref_code: str):
    from .references import reference_version

    return _forecast(score(year, norm_week, reference_version(ref_code)), year)


def _forecast(current: Score, year: int):
    from ..scoring import forecast_input

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
