"""The PSO calculation over one peiljaar: pure functions over plain data (no Flask, no database).

Follows the domain notes: a person counts by hours worked relative to the full-time (or CAO) week; the
weighted target-group FTE is FTE x weight(starting position) x weight(contract type), counted only on the
days inside the person's counting window; indirect contribution comes from purchases at PSO-certified
suppliers and SW companies and is capped at a share of the total; the total is compared with the norms for
the organisation's size. Every value comes from a :class:`~qms.pso.reference.Reference`, never from here.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field, replace

from .reference import NormRow, Reference

TREDES = (1, 2, 3)
CRITERIA = ("suitable_work", "integration", "conversations", "support")


class CalculationError(ValueError):
    """Impossible input; ``record`` names the employee or supplier it concerns (None: the whole input)."""

    def __init__(self, message: str, record: str | None = None):
        super().__init__(f"{record}: {message}" if record else message)
        self.record = record
        self.detail = message


@dataclass(frozen=True)
class Criteria:
    """Qualitative criteria documented in one target-group dossier."""

    suitable_work: bool = False
    integration: bool = False
    conversations: bool = False
    support: bool = False


@dataclass(frozen=True)
class EmployeeInput:
    id: str
    contract_type: str
    hours_per_week: float
    start: dt.date
    end: dt.date | None = None
    #: Hours actually worked in the peiljaar (payroll); None: estimated from the contract hours.
    hours_worked: float | None = None
    starting_position: str | None = None
    intake_date: dt.date | None = None
    #: End of the Wsw indication, wage subsidy or training, where the position's window needs it.
    status_until: dt.date | None = None
    education_level: str | None = None
    #: CAO norm week of this person; None: the input's norm week.
    norm_week_hours: float | None = None
    criteria: Criteria | None = None


@dataclass(frozen=True)
class PurchaseInput:
    supplier: str
    invoice_value: float
    supplier_turnover: float
    supplier_target_fte: float


@dataclass(frozen=True)
class CalculationInput:
    peiljaar: int
    employees: tuple[EmployeeInput, ...]
    purchases: tuple[PurchaseInput, ...] = ()
    norm_week_hours: float | None = None


@dataclass(frozen=True)
class EmployeeResult:
    id: str
    fte: float
    employed_days: int
    counted_days: int
    position_weight: float
    contract_weight: float
    weighted_fte: float
    #: Left out of numerator and denominator (e.g. a seconded Wsw employee).
    excluded: bool
    #: Last day the person counts as target group (None: no end, or not target group).
    window_end: dt.date | None
    pso30_counted: bool
    pso30_weighted_fte: float


@dataclass(frozen=True)
class PurchaseResult:
    supplier: str
    invoice_value: float
    attributable_fte: float


@dataclass(frozen=True)
class Margin:
    trede: int
    norm: float
    margin_pct: float
    #: Full-time target-group hires (weight 1) that would close the gap; 0 when already reached.
    extra_target_fte: float
    #: Attributable FTE from purchases that would close the gap; None when the cap makes it impossible.
    extra_attributable_fte: float | None


@dataclass(frozen=True)
class Result:
    peiljaar: int
    reference_version: str
    total_fte: float
    weighted_target_fte: float
    attributable_fte: float
    direct_pct: float
    indirect_pct_uncapped: float
    indirect_pct: float
    indirect_capped: bool
    total_pct: float
    norms: dict[str, float] | None
    norms_indicative: bool
    below_minimum: bool
    level_quantitative: int | None
    qualitative_assessed: bool
    qualitative_met: bool
    conversation_share: float | None
    dossiers: int
    missing: list[dict]
    level: str | None
    margins: list[Margin]
    pso30plus_pct: float
    pso30plus_total_fte: float
    pso30plus: bool
    unconfirmed: list[str]
    employees: list[EmployeeResult] = field(default_factory=list)
    purchases: list[PurchaseResult] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        for row in data["employees"]:
            row["window_end"] = row["window_end"].isoformat() if row["window_end"] else None
        return data


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


# --- the whole calculation --------------------------------------------------------------------

def _check_purchase(p: PurchaseInput) -> None:
    name = p.supplier or "?"
    for label, value in (("invoice value", p.invoice_value), ("turnover", p.supplier_turnover),
                         ("target-group FTE", p.supplier_target_fte)):
        if math.isnan(value) or value < 0:
            raise CalculationError(f"the supplier's {label} cannot be negative", f"supplier {name}")
    if p.supplier_turnover == 0:
        raise CalculationError("the supplier's turnover is zero: no share can be attributed", f"supplier {name}")
    if p.invoice_value > p.supplier_turnover:
        raise CalculationError("the invoices exceed the supplier's whole turnover", f"supplier {name}")


def _margins(ref: Reference, norms: dict[str, float] | None, total_fte: float, weighted: float,
             attributable: float, direct: float, indirect: float) -> list[Margin]:
    if norms is None:
        return []
    out = []
    total = direct + indirect
    ratio = ref.indirect_cap / (1 - ref.indirect_cap) if ref.indirect_cap < 1 else math.inf
    for t in TREDES:
        norm = norms[f"trede{t}"]
        if total >= norm:
            out.append(Margin(t, norm, round(total - norm, 6), 0.0, 0.0))
            continue
        p = max(0.0, (norm - indirect) / 100)
        extra_fte = max(0.0, (p * total_fte - weighted) / (1 - p)) if p < 1 else math.inf
        needed_indirect = norm - direct
        extra_attr: float | None
        if needed_indirect > ratio * direct or needed_indirect >= 100:
            extra_attr = None
        else:
            q = needed_indirect / 100
            extra_attr = max(0.0, q * total_fte / (1 - q) - attributable)
        out.append(Margin(t, norm, round(total - norm, 6), round(extra_fte, 6),
                          round(extra_attr, 6) if extra_attr is not None else None))
    return out


def _qualitative(rows: list[EmployeeResult], employees: list[EmployeeInput], ref: Reference):
    """(assessed, met, conversation share, dossiers, missing items) over the counted target-group people."""
    dossiers = [(r, e) for r, e in zip(rows, employees) if e.starting_position and r.weighted_fte > 0]
    assessed = any(e.criteria is not None for _, e in dossiers)
    missing: list[dict] = []
    if not dossiers:
        return assessed, True, None, 0, missing
    for criterion in ("suitable_work", "integration", "support"):
        lacking = [e.id for _, e in dossiers if not getattr(e.criteria or Criteria(), criterion)]
        if lacking:
            missing.append({"code": "criterion", "criterion": criterion, "employees": lacking})
    documented = sum(1 for _, e in dossiers if (e.criteria or Criteria()).conversations)
    share = documented / len(dossiers)
    if share < ref.conversation_share:
        missing.append({"code": "conversations", "share": round(share, 6), "needed": ref.conversation_share,
                        "employees": [e.id for _, e in dossiers if not (e.criteria or Criteria()).conversations]})
    return assessed, not missing, round(share, 6), len(dossiers), missing


def calculate(inp: CalculationInput, ref: Reference) -> Result:
    """Score one peiljaar; raise CalculationError naming the record for impossible input."""
    if not 1990 <= inp.peiljaar <= 2200:
        raise CalculationError(f"peiljaar {inp.peiljaar} is not a plausible year")
    if not inp.employees:
        raise CalculationError("there are no employees: a score needs at least the people employed in the peiljaar")
    norm_week = inp.norm_week_hours or ref.full_time_hours
    if not 1 <= norm_week <= 80:
        raise CalculationError(f"the norm week must be between 1 and 80 hours, not {norm_week:g}")
    seen: set[str] = set()
    for e in inp.employees:
        if e.id in seen:
            raise CalculationError("this id appears twice in the employees", _who(e))
        seen.add(e.id)
    rows = [score_employee(e, inp.peiljaar, ref, norm_week) for e in inp.employees]
    total_fte = sum(r.fte for r in rows)
    if total_fte <= 0:
        raise CalculationError(f"no hours were worked in {inp.peiljaar}: the total FTE is zero")
    weighted = sum(r.weighted_fte for r in rows)
    for p in inp.purchases:
        _check_purchase(p)
    purchases = [PurchaseResult(p.supplier, p.invoice_value,
                                p.invoice_value / p.supplier_turnover * p.supplier_target_fte) for p in inp.purchases]
    attributable = sum(p.attributable_fte for p in purchases)
    direct = 100 * weighted / total_fte
    indirect_raw = 100 * attributable / (total_fte + attributable)
    if ref.indirect_cap < 1:
        limit = direct * ref.indirect_cap / (1 - ref.indirect_cap)
        indirect = min(indirect_raw, limit)
    else:
        indirect = indirect_raw
    capped = indirect < indirect_raw
    total = direct + indirect
    below_minimum = total_fte < ref.minimum_fte
    norms, indicative = (None, False) if below_minimum else norms_for_size(ref.norm_rows, total_fte)
    level_q = max((t for t in TREDES if norms and total >= norms[f"trede{t}"]), default=None)
    assessed, met, share, dossiers, missing = _qualitative(rows, list(inp.employees), ref)
    if below_minimum:
        missing.insert(0, {"code": "below_minimum", "minimum_fte": ref.minimum_fte})
    if level_q is None and norms:
        missing.insert(0, {"code": "below_norm", "trede": 1, "short_pct": round(norms["trede1"] - total, 6)})
    level = f"trede{level_q}" if level_q and met else None
    t30 = sum(r.fte for r, e in zip(rows, inp.employees) if r.pso30_counted)
    w30 = sum(r.pso30_weighted_fte for r in rows)
    pct30 = 100 * w30 / t30 if t30 else 0.0
    unconfirmed = _unconfirmed_used(inp, ref, rows, capped, pct30)
    return Result(
        peiljaar=inp.peiljaar, reference_version=ref.code, total_fte=round(total_fte, 6),
        weighted_target_fte=round(weighted, 6), attributable_fte=round(attributable, 6),
        direct_pct=round(direct, 6), indirect_pct_uncapped=round(indirect_raw, 6), indirect_pct=round(indirect, 6),
        indirect_capped=capped, total_pct=round(total, 6), norms=norms, norms_indicative=indicative,
        below_minimum=below_minimum, level_quantitative=level_q, qualitative_assessed=assessed,
        qualitative_met=met, conversation_share=share, dossiers=dossiers, missing=missing, level=level,
        margins=_margins(ref, norms, total_fte, weighted, attributable, direct, indirect),
        pso30plus_pct=round(pct30, 6), pso30plus_total_fte=round(t30, 6),
        pso30plus=bool(pct30 >= ref.pso30_threshold and level == "trede3"), unconfirmed=unconfirmed,
        employees=rows, purchases=purchases)


def _unconfirmed_used(inp: CalculationInput, ref: Reference, rows: list[EmployeeResult], capped: bool,
                      pct30: float) -> list[str]:
    """The unconfirmed reference values this result actually rests on."""
    used: list[str] = []
    for e, r in zip(inp.employees, rows):
        if r.weighted_fte > 0:
            position, contract = ref.positions[e.starting_position], ref.contracts[e.contract_type]
            if not position.confirmed:
                used.append(f"position:{position.code}")
            if not contract.confirmed:
                used.append(f"contract:{contract.code}")
            if position.weight not in (0, 1) and contract.weight not in (0, 1) and not ref.weights_multiply_confirmed:
                used.append("weights_multiply")
    if not ref.norm_table_confirmed:
        used.append("norm_table")
    if capped and not ref.indirect_cap_confirmed:
        used.append("indirect_cap")
    if pct30 and not ref.pso30_confirmed:
        used.append("pso30plus")
    return sorted(set(used))


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
