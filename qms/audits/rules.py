"""Pure rules of the audit workflow: states and transitions, result classes, the independence rule, the
VCA must-question rule, coverage over the certification cycle and summary counts. No app, no database."""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Iterable, Mapping

from ..core.transitions import mover


class AuditState(str, enum.Enum):
    PLANNED = "planned"
    PREPARED = "prepared"
    IN_PROGRESS = "in_progress"
    REPORTED = "reported"
    CLOSED = "closed"


class AuditType(str, enum.Enum):
    INTERNAL = "internal"
    CERTIFYING_BODY = "certifying_body"
    CUSTOMER = "customer"
    SUPPLIER = "supplier"


class Result(str, enum.Enum):
    CONFORM = "conform"
    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"
    IMPROVEMENT = "improvement"
    NOT_APPLICABLE = "not_applicable"


#: Results that are nonconformities and open one when the audit is reported (result → NC severity).
NC_RESULTS = {Result.MAJOR: "major", Result.MINOR: "minor"}

#: Allowed transitions; a step back is possible until the report is out, a closed audit never changes.
TRANSITIONS: dict[AuditState, frozenset[AuditState]] = {
    AuditState.PLANNED: frozenset({AuditState.PREPARED}),
    AuditState.PREPARED: frozenset({AuditState.PLANNED, AuditState.IN_PROGRESS}),
    AuditState.IN_PROGRESS: frozenset({AuditState.PREPARED, AuditState.REPORTED}),
    AuditState.REPORTED: frozenset({AuditState.CLOSED}),
    AuditState.CLOSED: frozenset(),
}

#: States in which the checklist and the audit's details may still change.
EDITABLE = frozenset({AuditState.PLANNED, AuditState.PREPARED})
#: States in which results are recorded.
CONDUCTING = frozenset({AuditState.IN_PROGRESS})


#: Whether a audit may move from one state to another (the table above).
can_move = mover(TRANSITIONS)


@dataclass(frozen=True)
class ItemView:
    """What the rules need of a checklist item."""

    result: Result | None
    must: bool
    justification: str | None


def result_problem(result: Result | None, must: bool, justification: str | None) -> str | None:
    """Why a result cannot be recorded as given, as a key ("must_not_na", "needs_justification"), or None."""
    if result is Result.NOT_APPLICABLE:
        if must:
            return "must_not_na"
        if not (justification or "").strip():
            return "needs_justification"
    return None


def report_problems(items: Iterable[ItemView]) -> dict[str, int]:
    """What stands in the way of reporting: unanswered items and not-applicable results that break a rule."""
    problems = {"unanswered": 0, "must_not_na": 0, "needs_justification": 0}
    for item in items:
        if item.result is None:
            problems["unanswered"] += 1
        elif (why := result_problem(item.result, item.must, item.justification)) is not None:
            problems[why] += 1
    return {k: v for k, v in problems.items() if v}


def counts(results: Iterable[Result | None]) -> dict[str, int]:
    """Items per result class (and "open" for unanswered ones), every class present."""
    out = {r.value: 0 for r in Result} | {"open": 0}
    for result in results:
        out[result.value if result is not None else "open"] += 1
    return out


@dataclass(frozen=True)
class Auditor:
    user_id: int
    name: str
    department_id: int | None


def independence_conflicts(auditors: Iterable[Auditor], audited_department_id: int | None,
                           auditee_user_ids: Iterable[int],
                           audited_process_owners: Mapping[str, Iterable[int]] | None = None) -> list[str]:
    """Names of auditors who would audit their own department, their own process or themselves (ISO 9001
    9.2.2 c). ``audited_process_owners`` maps each audited process to the user ids of its owners."""
    auditees = set(auditee_user_ids)
    process_owners = {i for owners in (audited_process_owners or {}).values() for i in owners}
    names = []
    for auditor in auditors:
        own_department = audited_department_id is not None and auditor.department_id == audited_department_id
        if own_department or auditor.user_id in auditees or auditor.user_id in process_owners:
            names.append(auditor.name)
    return names


#: Length of the certification cycle within which every requirement in scope is audited.
CYCLE_YEARS = 3


def cycle_start(today: dt.date, years: int = CYCLE_YEARS) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


@dataclass(frozen=True)
class CoverageRow:
    code: str
    last_audited: dt.date | None
    covered: bool


def coverage(codes: Iterable[str], last_audited: Mapping[str, dt.date], today: dt.date,
             years: int = CYCLE_YEARS) -> list[CoverageRow]:
    """Per requirement code in scope: when it was last audited and whether that lies within the cycle."""
    start = cycle_start(today, years)
    rows = []
    for code in codes:
        last = last_audited.get(code)
        rows.append(CoverageRow(code, last, last is not None and start <= last <= today))
    return rows


def coverage_percent(rows: list[CoverageRow]) -> int | None:
    if not rows:
        return None
    return round(100 * sum(1 for r in rows if r.covered) / len(rows))


def format_number(year: int, sequence: int) -> str:
    """``AU-2026-03``."""
    return f"AU-{year}-{sequence:02d}"
