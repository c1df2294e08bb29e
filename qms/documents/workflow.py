"""Pure rules of document control: the version state machine, labels, numbers and review due dates.

No app, no database: unit-tested in tests/unit/test_documents_workflow.py and reused by services and views.
"""
from __future__ import annotations

import datetime as dt
import re

from ..core.dates import add_months, by_deadline
from ..core.transitions import mover
from .models import VersionState

S = VersionState

#: Allowed transitions of a version. Rejecting sends a version in review (or approved, before publication)
#: back to draft; publishing supersedes the previous published version; withdrawing retires a document.
TRANSITIONS: dict[VersionState, frozenset[VersionState]] = {
    S.DRAFT: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.DRAFT}),
    S.APPROVED: frozenset({S.PUBLISHED, S.DRAFT}),
    S.PUBLISHED: frozenset({S.SUPERSEDED, S.WITHDRAWN}),
    S.SUPERSEDED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

#: States in which a version is still being worked on (at most one per document).
OPEN_STATES = frozenset({S.DRAFT, S.IN_REVIEW, S.APPROVED})

NUMBER_RE = re.compile(r"^[A-Z]{1,6}-\d{2,5}$")


#: Whether a version may move from one state to another (the table above).
can_transition = mover(TRANSITIONS)


def valid_number(number: str) -> bool:
    """A register number: capital prefix, dash, digits (PR-012, WI-034, F-007, VGM-001)."""
    return bool(NUMBER_RE.match(number or ""))


def next_label(major: int, minor: int, *, major_change: bool) -> tuple[int, int]:
    """The label of the next version: a major change (staff must read again) or a minor one."""
    return (major + 1, 0) if major_change else (major, minor + 1)


def next_review_date(from_day: dt.date, interval_months: int) -> dt.date:
    return add_months(from_day, max(1, interval_months))


def review_status(next_review_on: dt.date | None, today: dt.date, warn_days: int = 30) -> str:
    """"overdue", "due" (within ``warn_days``), "ok", or "none" when no review is planned."""
    return by_deadline(next_review_on, today, warn_days, ("none", "overdue", "due", "ok"))
