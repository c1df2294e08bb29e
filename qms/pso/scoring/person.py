"""One person in the peiljaar: dates, the norms for the organisation's size, the counting window and the weighted
FTE. Pure functions."""
from __future__ import annotations

import datetime as dt
import math

from ..reference import NormRow, Reference
from .data import TREDES, CalculationError, EmployeeInput, EmployeeResult


# --- dates ------------------------------------------------------------------------------------

def add_years(day: dt.date, years: float) -> dt.date:
    """``day`` plus ``years`` (29 February becomes 28 February; fractions count 365.25 days a year)."""
    whole = int(years)
    try:
        moved = day.replace(year=day.year + whole)
    except ValueError:
        moved = day.replace(year=day.year + whole, day=28)
    return moved + dt.timedelta(days=round((years - whole) * 365.25))


def _overlap(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> int:
    """Days (inclusive) that both ranges share."""
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days + 1)


# --- norms ------------------------------------------------------------------------------------

def norms_for_size(rows: tuple[NormRow, ...], size: float) -> tuple[dict[str, float], bool]:
    """Norms of trede 1-3 at ``size`` FTE and whether they are indicative (interpolated between rows that
    are more than one FTE apart). Beyond the largest row the norms are flat; below the smallest, the
    smallest row applies."""
    if size >= rows[-1].fte:
        row = rows[-1]
        return {"trede1": row.trede1, "trede2": row.trede2, "trede3": row.trede3}, False
    if size <= rows[0].fte:
        row = rows[0]
        return {"trede1": row.trede1, "trede2": row.trede2, "trede3": row.trede3}, size != row.fte
    for row in rows:
        if row.fte == size:
            return {"trede1": row.trede1, "trede2": row.trede2, "trede3": row.trede3}, False
    for lower, upper in zip(rows, rows[1:]):
        if lower.fte < size < upper.fte:
            share = (size - lower.fte) / (upper.fte - lower.fte)
            values = {f"trede{t}": round(getattr(lower, f"trede{t}")
                                         + share * (getattr(upper, f"trede{t}") - getattr(lower, f"trede{t}")), 6)
                      for t in TREDES}
            return values, upper.fte - lower.fte > 1
    raise AssertionError("unreachable: rows are sorted")


# --- one person -------------------------------------------------------------------------------

def _who(e: EmployeeInput) -> str:
    return f"employee {e.id}"


def _check_employee(e: EmployeeInput, ref: Reference) -> None:
    if e.contract_type not in ref.contracts:
        raise CalculationError(f"unknown contract type {e.contract_type!r} (allowed: "
                               f"{', '.join(sorted(ref.contracts))})", _who(e))
    if e.starting_position is not None and e.starting_position not in ref.positions:
        raise CalculationError(f"unknown starting position {e.starting_position!r} (allowed: "
                               f"{', '.join(sorted(ref.positions))})", _who(e))
    if not (0 <= e.hours_per_week <= 80) or math.isnan(e.hours_per_week):
        raise CalculationError(f"hours per week must be between 0 and 80, not {e.hours_per_week:g}", _who(e))
    if e.hours_worked is not None and (e.hours_worked < 0 or math.isnan(e.hours_worked)):
        raise CalculationError(f"hours worked cannot be negative ({e.hours_worked:g})", _who(e))
    if e.hours_worked is not None and e.hours_worked > 366 * 24:
        raise CalculationError(f"{e.hours_worked:g} hours worked do not fit in one year", _who(e))
    if e.end is not None and e.end < e.start:
        raise CalculationError(f"the employment ends ({e.end}) before it starts ({e.start})", _who(e))
    if e.norm_week_hours is not None and not 1 <= e.norm_week_hours <= 80:
        raise CalculationError(f"the norm week must be between 1 and 80 hours, not {e.norm_week_hours:g}", _who(e))
    if e.starting_position is not None:
        if e.intake_date is None:
            raise CalculationError("a target-group employee needs an intake date", _who(e))
        position = ref.positions[e.starting_position]
        if position.window == "until" and e.status_until is None:
            raise CalculationError(f"starting position {e.starting_position!r} counts only until its end date: "
                                   "give status_until", _who(e))
        if e.status_until is not None and e.status_until < e.intake_date:
            raise CalculationError(f"the status ends ({e.status_until}) before the intake ({e.intake_date})", _who(e))


def window_end(e: EmployeeInput, ref: Reference) -> dt.date | None:
    """Last day the person counts as target group (contract limit included); None: no end."""
    ends: list[dt.date] = []
    position = ref.positions[e.starting_position] if e.starting_position else None
    if position is not None and e.intake_date is not None:
        if position.window == "years" and position.years:
            ends.append(add_years(e.intake_date, position.years) - dt.timedelta(days=1))
        elif position.window in ("until", "until_optional") and e.status_until is not None:
            ends.append(e.status_until)
    contract = ref.contracts[e.contract_type]
    if contract.max_years:
        ends.append(add_years(e.start, contract.max_years) - dt.timedelta(days=1))
    return min(ends) if ends else None


def _pso30_counted(e: EmployeeInput, ref: Reference) -> bool:
    if e.contract_type in ref.pso30_excluded_contracts or ref.contracts[e.contract_type].excluded:
        return False
    if e.starting_position in ref.pso30_excluded_positions:
        return False
    return (e.starting_position, e.contract_type) not in {tuple(c) for c in ref.pso30_excluded_combinations}


def score_employee(e: EmployeeInput, year: int, ref: Reference, norm_week: float) -> EmployeeResult:
    _check_employee(e, ref)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days_in_year = (last - first).days + 1
    employed_days = _overlap(e.start, e.end or last, first, last)
    week = e.norm_week_hours or norm_week
    if employed_days == 0:
        if e.hours_worked:
            raise CalculationError(f"{e.hours_worked:g} hours worked in {year}, but not employed in {year}", _who(e))
        fte = 0.0
    elif e.hours_worked is not None:
        fte = e.hours_worked / (ref.weeks_per_year * week)
    else:
        fte = e.hours_per_week / week * employed_days / days_in_year
    contract = ref.contracts[e.contract_type]
    position = ref.positions.get(e.starting_position) if e.starting_position else None
    end = window_end(e, ref)
    counted_days = 0
    if position is not None and employed_days:
        start = max(e.start, e.intake_date or e.start)
        counted_days = _overlap(start, min(e.end or last, end or last), first, last)
    pw = position.weight if position else 0.0
    share = counted_days / employed_days if employed_days else 0.0
    weighted = 0.0 if contract.excluded else fte * share * pw * contract.weight
    counted30 = _pso30_counted(e, ref)
    return EmployeeResult(
        id=e.id, fte=0.0 if contract.excluded else fte, employed_days=employed_days, counted_days=counted_days,
        position_weight=pw, contract_weight=contract.weight, weighted_fte=weighted, excluded=contract.excluded,
        window_end=end if position else None, pso30_counted=counted30,
        pso30_weighted_fte=weighted if counted30 else 0.0)


