"""Pure ISO 9001 calculations: risk scores and matrix, objective evaluation and chart geometry, supplier
scores, complaint handling times, competence status. Plain data in, plain data out; no app, no database."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

# --- risks and opportunities (6.1) -------------------------------------------------------------

SCALE = range(1, 6)
LOW, MEDIUM, HIGH = "low", "medium", "high"


def risk_score(likelihood: int, impact: int) -> int:
    """Likelihood × impact on two 1–5 scales (1–25)."""
    if likelihood not in SCALE or impact not in SCALE:
        raise ValueError("likelihood and impact run from 1 to 5")
    return likelihood * impact


#: The scores of each risk level, both ends included: the one place the thresholds are written (the register's
#: level filter queries these ranges).
LEVEL_RANGES: dict[str, tuple[int, int]] = {LOW: (1, 4), MEDIUM: (5, 9), HIGH: (10, 25)}


def risk_level(score: int) -> str:
    """1–4 low, 5–9 medium, 10–25 high."""
    return next((level for level, (_low, high) in LEVEL_RANGES.items() if score <= high), HIGH)


@dataclass(frozen=True)
class MatrixCell:
    likelihood: int
    impact: int
    count: int

    @property
    def level(self) -> str:
        return risk_level(risk_score(self.likelihood, self.impact))


def risk_matrix(pairs: Iterable[tuple[int, int]]) -> list[list[MatrixCell]]:
    """A 5×5 grid of counts: rows from impact 5 (top) down to 1, columns likelihood 1 → 5."""
    counts: dict[tuple[int, int], int] = {}
    for likelihood, impact in pairs:
        counts[(likelihood, impact)] = counts.get((likelihood, impact), 0) + 1
    return [[MatrixCell(likelihood, impact, counts.get((likelihood, impact), 0)) for likelihood in SCALE]
            for impact in reversed(SCALE)]


# --- quality objectives (6.2, 9.1) --------------------------------------------------------------

NO_DATA, ON_TARGET, OFF_TARGET = "no_data", "on_target", "off_target"


def meets(direction: str, target: Decimal, value: Decimal) -> bool:
    """Whether ``value`` meets the target: ``at_least`` (value ≥ target) or ``at_most`` (value ≤ target)."""
    return value >= target if direction == "at_least" else value <= target


def objective_status(direction: str, target: Decimal, values: Sequence[Decimal]) -> str:
    """The latest measurement against the target: no_data, on_target or off_target."""
    if not values:
        return NO_DATA
    return ON_TARGET if meets(direction, target, values[-1]) else OFF_TARGET


@dataclass(frozen=True)
class Chart:
    """Geometry of a measurement chart (SVG user units) against a target line."""

    width: int
    height: int
    #: "x,y x,y …" for an SVG polyline
    points: str
    #: (x, y, value, date, on target) per measurement
    dots: list[tuple[float, float, Decimal, dt.date, bool]]
    target_y: float
    y_min: Decimal
    y_max: Decimal
    #: (y, label) for the vertical axis
    ticks: list[tuple[float, str]]


def chart(direction: str, target: Decimal, measurements: Sequence[tuple[dt.date, Decimal]],
          width: int = 320, height: int = 180, pad: int = 28) -> Chart:
    """Place measurements over time against the target; the value range always includes the target."""
    values = [v for _, v in measurements] + [Decimal(target)]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    margin = (high - low) / 10
    low, high = low - margin, high + margin
    if min(values) >= 0 and low < 0:
        low = Decimal(0)
    plot_w, plot_h = width - pad - 8, height - 2 * 12

    def y_of(value: Decimal) -> float:
        return round(12 + float((high - value) / (high - low)) * plot_h, 1)

    n = len(measurements)
    dots = []
    for i, (day, value) in enumerate(measurements):
        x = pad + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
        dots.append((round(x, 1), y_of(value), value, day, meets(direction, target, value)))
    ticks = [(y_of(low + (high - low) * k / 4), _short(low + (high - low) * k / 4)) for k in range(5)]
    return Chart(width, height, " ".join(f"{x},{y}" for x, y, *_ in dots), dots, y_of(Decimal(target)),
                 low, high, ticks)


def _short(value: Decimal) -> str:
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


# --- external providers (8.4) -------------------------------------------------------------------

#: Evaluation criteria and their weights (they add up to 100).
CRITERIA: dict[str, int] = {"quality": 35, "delivery": 25, "communication": 15, "price": 15, "sustainability": 10}
#: Below this weighted score a supplier cannot be approved without conditions.
CONDITIONAL_FROM = 50


def supplier_score(scores: dict[str, int]) -> int:
    """Weighted score 0–100 from 1–5 scores per criterion (1 → 0 %, 5 → 100 %)."""
    for name in CRITERIA:
        if scores.get(name) not in SCALE:
            raise ValueError(f"{name} needs a score from 1 to 5")
    total = sum(Decimal(weight) * (scores[name] - 1) / 4 for name, weight in CRITERIA.items())
    return int(total.quantize(Decimal(1), rounding="ROUND_HALF_UP"))


# --- complaints (9.1.2, 8.7) ----------------------------------------------------------------------

#: Days to handle by default: a complaint within 10 days, other feedback within 20.
HANDLING_DAYS = {"complaint": 10, "feedback": 20, "compliment": 20}


def default_deadline(kind: str, received_on: dt.date) -> dt.date:
    return received_on + dt.timedelta(days=HANDLING_DAYS.get(kind, 10))


def handling_days(received_on: dt.date, done_on: dt.date | None) -> int | None:
    return None if done_on is None else (done_on - received_on).days


def average_days(durations: Iterable[int | None]) -> Decimal | None:
    """Mean of the known durations, one decimal; None when there are none."""
    known = [d for d in durations if d is not None]
    if not known:
        return None
    return (Decimal(sum(known)) / len(known)).quantize(Decimal("0.1"))


def overdue(deadline: dt.date, done: bool, today: dt.date) -> bool:
    return not done and deadline < today


# --- competence (7.2) -------------------------------------------------------------------------

MET, EXPIRING, MISSING, NOT_REQUIRED = "met", "expiring", "missing", "not_required"
COMPETENCE_WARN_DAYS = 90


@dataclass(frozen=True)
class Proof:
    """Something that can prove a competence: a training record or a piece of evidence."""

    kind: str | None
    title: str
    valid_until: dt.date | None
    #: Set for evidence recorded against one competence id.
    competence_id: int | None = None


def competence_status(competence_id: int, training_kind: str | None, training_title: str | None,
                      proofs: Iterable[Proof], today: dt.date, warn_days: int = COMPETENCE_WARN_DAYS) -> str:
    """met (a valid proof beyond the warning period), expiring (the best proof runs out soon) or missing."""
    best: dt.date | None = None
    found = False
    for proof in proofs:
        if proof.competence_id is not None:
            relevant = proof.competence_id == competence_id
        else:
            relevant = (training_kind is not None and proof.kind == training_kind
                        and (not training_title or training_title.lower() in proof.title.lower()))
        if not relevant or (proof.valid_until is not None and proof.valid_until < today):
            continue
        if proof.valid_until is None:
            return MET
        found = True
        best = proof.valid_until if best is None or proof.valid_until > best else best
    if not found:
        return MISSING
    return EXPIRING if (best - today).days <= warn_days else MET


def combined_status(statuses: Iterable[str]) -> str:
    """A function's status for a person: missing beats expiring beats met; no requirements → met."""
    statuses = list(statuses)
    if MISSING in statuses:
        return MISSING
    if EXPIRING in statuses:
        return EXPIRING
    return MET


def progress(step_ids: Sequence[int], signed_ids: Iterable[int]) -> tuple[int, int, int | None]:
    """(steps signed off, steps in total, id of the first step not yet signed off or None)."""
    signed = set(signed_ids)
    done = sum(1 for s in step_ids if s in signed)
    following = next((s for s in step_ids if s not in signed), None)
    return done, len(step_ids), following
