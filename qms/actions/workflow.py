"""Pure rules of the nonconformity cycle: allowed state transitions, numbering and reminder moments.

No app, no database: unit-tested on their own and used by the services, the reminder collector and the PDF.
"""
from __future__ import annotations

import datetime as dt
import enum

from ..core.transitions import mover


class NcState(str, enum.Enum):
    OPEN = "open"
    ACTIONS_PLANNED = "actions_planned"
    AWAITING_CHECK = "awaiting_check"
    CLOSED = "closed"


class Severity(str, enum.Enum):
    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"
    IMPROVEMENT = "improvement"


class ActionKind(str, enum.Enum):
    IMMEDIATE = "immediate"
    CORRECTIVE = "corrective"
    PREVENTIVE = "preventive"
    IMPROVEMENT = "improvement"


#: Allowed transitions. An ineffective effectiveness check sends an awaiting nonconformity back to open;
#: a closed one never changes again.
TRANSITIONS: dict[NcState, frozenset[NcState]] = {
    NcState.OPEN: frozenset({NcState.ACTIONS_PLANNED}),
    NcState.ACTIONS_PLANNED: frozenset({NcState.AWAITING_CHECK}),
    NcState.AWAITING_CHECK: frozenset({NcState.ACTIONS_PLANNED, NcState.OPEN, NcState.CLOSED}),
    NcState.CLOSED: frozenset(),
}


#: Whether a nonconformity may move from one state to another (the table above).
can_move = mover(TRANSITIONS)


def state_after_actions(current: NcState, action_count: int, open_count: int) -> NcState:
    """The state a nonconformity settles in after an action was added or completed (closed stays closed)."""
    if current is NcState.CLOSED:
        return current
    if action_count == 0:
        return NcState.OPEN
    if open_count:
        return NcState.ACTIONS_PLANNED
    return NcState.AWAITING_CHECK


def may_close(action_count: int, open_count: int, effective: bool) -> bool:
    """Closing needs at least one action, every action done, and an effectiveness check that says it worked."""
    return action_count > 0 and open_count == 0 and effective


def format_number(year: int, sequence: int) -> str:
    """``NC-2026-0007``: the year of opening and a sequence within that year."""
    return f"NC-{year}-{sequence:04d}"


def parse_sequence(number: str | None) -> int:
    """The sequence part of a number made by :func:`format_number` (0 when unreadable)."""
    try:
        return int((number or "").rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return 0


#: Days before the due date at which the owner is reminded.
REMIND_BEFORE_DAYS = 7
#: Days after the due date at which the nonconformity owner (or coordinator) is told too.
ESCALATE_AFTER_DAYS = 14


def reminder_stages(due: dt.date, today: dt.date) -> list[str]:
    """The reminder moments of an open action that have been reached on ``today``.

    "soon" from a week before the due date, "due" on the day, "overdue" the day after, "escalate" two weeks
    late. Each stage is sent once (the notification key dedupes), so a missed run catches up."""
    stages = []
    if today >= due - dt.timedelta(days=REMIND_BEFORE_DAYS) and today < due:
        stages.append("soon")
    if today == due:
        stages.append("due")
    if today > due:
        stages.append("overdue")
    if today >= due + dt.timedelta(days=ESCALATE_AFTER_DAYS):
        stages.append("escalate")
    return stages


def is_overdue(due: dt.date | None, done: bool, today: dt.date) -> bool:
    return due is not None and not done and due < today
