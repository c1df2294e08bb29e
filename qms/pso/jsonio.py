"""The calculator's JSON format (``qms pso calculate FILE.json``, documented in CALCULATE.md): pure parsing.

Snapshots of measurements use the same format, so a frozen measurement can be recomputed from the CLI.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

from .scoring import CRITERIA, CalculationError, CalculationInput, Criteria, EmployeeInput, PurchaseInput


def _date(value: Any, what: str, record: str | None, required: bool = False) -> dt.date | None:
    if value is None:
        if required:
            raise CalculationError(f"{what} is missing", record)
        return None
    if not isinstance(value, str):
        raise CalculationError(f"{what} must be a date as \"YYYY-MM-DD\", not {value!r}", record)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CalculationError(f"{what} {value!r} is not a date as \"YYYY-MM-DD\"", record) from None


def _num(value: Any, what: str, record: str | None, required: bool = True) -> float | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value):
        raise CalculationError(f"{what} must be a number, not {value!r}", record)
    return float(value)


def _text(value: Any, what: str, record: str | None, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise CalculationError(f"{what} is missing", record)
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise CalculationError(f"{what} must be a non-empty text, not {value!r}", record)
    return value.strip()


def parse_input(data: Any) -> CalculationInput:
    """Turn the decoded JSON into a CalculationInput; raise CalculationError naming the record."""
    if not isinstance(data, dict):
        raise CalculationError("the input must be a JSON object with peiljaar, employees and purchases")
    year = data.get("peiljaar")
    if isinstance(year, bool) or not isinstance(year, int):
        raise CalculationError(f"peiljaar must be a whole year such as 2025, not {year!r}")
    employees = data.get("employees")
    if not isinstance(employees, list):
        raise CalculationError("employees must be a list")
    purchases = data.get("purchases", [])
    if not isinstance(purchases, list):
        raise CalculationError("purchases must be a list")
    out = []
    for index, item in enumerate(employees, 1):
        record = f"employee #{index}"
        if not isinstance(item, dict):
            raise CalculationError("must be an object", record)
        ident = _text(item.get("id"), "id", record, required=True)
        record = f"employee {ident}"
        crit = item.get("criteria")
        if crit is not None:
            if not isinstance(crit, dict) or set(crit) - set(CRITERIA):
                raise CalculationError(f"criteria must be an object with only {', '.join(CRITERIA)}", record)
            crit = Criteria(**{k: bool(v) for k, v in crit.items()})
        out.append(EmployeeInput(
            id=ident, contract_type=_text(item.get("contract_type"), "contract_type", record, required=True),
            hours_per_week=_num(item.get("hours_per_week"), "hours_per_week", record),
            start=_date(item.get("start"), "start", record, required=True), end=_date(item.get("end"), "end", record),
            hours_worked=_num(item.get("hours_worked"), "hours_worked", record, required=False),
            starting_position=_text(item.get("starting_position"), "starting_position", record),
            intake_date=_date(item.get("intake_date"), "intake_date", record),
            status_until=_date(item.get("status_until"), "status_until", record),
            education_level=_text(item.get("education_level"), "education_level", record),
            norm_week_hours=_num(item.get("norm_week_hours"), "norm_week_hours", record, required=False),
            criteria=crit))
    bought = []
    for index, item in enumerate(purchases, 1):
        record = f"purchase #{index}"
        if not isinstance(item, dict):
            raise CalculationError("must be an object", record)
        name = _text(item.get("supplier"), "supplier", record, required=True)
        record = f"supplier {name}"
        bought.append(PurchaseInput(
            supplier=name, invoice_value=_num(item.get("invoice_value"), "invoice_value", record),
            supplier_turnover=_num(item.get("supplier_turnover"), "supplier_turnover", record),
            supplier_target_fte=_num(item.get("supplier_target_fte"), "supplier_target_fte", record)))
    norm_week = _num(data.get("norm_week_hours"), "norm_week_hours", None, required=False)
    return CalculationInput(peiljaar=year, employees=tuple(out), purchases=tuple(bought), norm_week_hours=norm_week)


def input_to_json(inp: CalculationInput) -> dict:
    """The inverse of :func:`parse_input` (what a measurement freezes)."""
    def day(value):
        return value.isoformat() if value else None

    employees = []
    for e in inp.employees:
        row = {"id": e.id, "contract_type": e.contract_type, "hours_per_week": e.hours_per_week,
               "start": day(e.start), "end": day(e.end), "hours_worked": e.hours_worked,
               "starting_position": e.starting_position, "intake_date": day(e.intake_date),
               "status_until": day(e.status_until), "education_level": e.education_level,
               "norm_week_hours": e.norm_week_hours}
        if e.criteria is not None:
            row["criteria"] = {k: getattr(e.criteria, k) for k in CRITERIA}
        employees.append(row)
    return {"peiljaar": inp.peiljaar, "norm_week_hours": inp.norm_week_hours, "employees": employees,
            "purchases": [{"supplier": p.supplier, "invoice_value": p.invoice_value,
                           "supplier_turnover": p.supplier_turnover, "supplier_target_fte": p.supplier_target_fte}
                          for p in inp.purchases]}
