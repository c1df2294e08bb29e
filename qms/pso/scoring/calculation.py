"""The whole calculation over a peiljaar: direct and indirect contribution, the cap, trede, PSO 30+ and the
qualitative criteria. Pure."""
from __future__ import annotations

import math

from ..reference import Reference
from .data import (TREDES, CalculationError, CalculationInput, Criteria, EmployeeInput, EmployeeResult, Margin,
                   PurchaseInput, PurchaseResult, Result)
from .person import _who, norms_for_size, score_employee


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


