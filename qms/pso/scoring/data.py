"""The calculator's plain data: inputs (employees, purchases), results and the refusal of impossible input."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

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


