"""Planning ahead: the next peiljaar's input from this one plus planned hires. Pure."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..reference import Reference
from .data import CalculationInput, EmployeeInput
from .person import window_end


# --- planning ahead ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """Something that changes the score next year: a counting window or a contract that ends."""

    employee: str
    kind: str  # "window_ends" | "contract_ends"
    on: dt.date


def forecast_input(inp: CalculationInput, ref: Reference, planned: tuple[EmployeeInput, ...] = ()
                   ) -> tuple[CalculationInput, list[Change]]:
    """The next peiljaar's input from this one: contracts carried on at their contract hours (no payroll
    hours yet), people who have left dropped, planned hires added; and the changes that cause the shift."""
    year = inp.peiljaar + 1
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    carried, changes = [], []
    for e in inp.employees:
        if e.end is not None and e.end < first:
            continue
        if e.end is not None and e.end <= last:
            changes.append(Change(e.id, "contract_ends", e.end))
        if e.starting_position:
            end = window_end(e, ref)
            if end is not None and first - dt.timedelta(days=1) <= end < last and (e.end is None or end < e.end):
                changes.append(Change(e.id, "window_ends", end))
        carried.append(replace(e, hours_worked=None))
    carried += list(planned)
    changes.sort(key=lambda c: (c.on, c.employee))
    return CalculationInput(year, tuple(carried), inp.purchases, inp.norm_week_hours), changes
