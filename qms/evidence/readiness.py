"""Readiness for certification: pure functions over plain data (no app, no database).

For one norm version and level, each requirement in scope gets a state from its evidence, and the
summary gives the share covered by current evidence, what is missing, expired or about to expire and,
for norms with must / supplementary questions per level (VCA), the must-questions without evidence and how
many supplementary questions still need evidence.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Sequence

#: Evidence that expires within this many days is "soon expiring".
SOON_DAYS = 60

COVERED = "covered"
EXPIRING = "expiring"
PENDING = "pending"
EXPIRED = "expired"
MISSING = "missing"
#: At least one live rule on the requirement fails: not met, whatever else is attached.
NOT_MET = "not_met"

GREEN, AMBER, RED = "green", "amber", "red"


@dataclass(frozen=True)
class FileEvidence:
    """One uploaded evidence file as readiness sees it."""

    valid_from: dt.date
    valid_until: dt.date | None
    #: "pending", "accepted" or "rejected".
    review: str


@dataclass
class RequirementEvidence:
    """Everything that may show one requirement is met."""

    code: str
    #: "must", "supplementary" or "na" for the chosen level; None when the norm does not grade its
    #: requirements per level (then every requirement is required).
    applicability: str | None = None
    files: Sequence[FileEvidence] = ()
    #: Published documents and linked records: current as long as they exist.
    documents: int = 0
    records: int = 0
    #: Live rules evaluated now: True when met.
    live: Sequence[bool] = ()


@dataclass
class RequirementState:
    code: str
    applicability: str
    state: str
    #: Earliest expiry date among the current files, when the requirement rests on files alone.
    expires_on: dt.date | None = None


@dataclass
class Readiness:
    states: list[RequirementState]
    #: Required requirements (must, plus the supplementary ones the level asks for).
    required: int
    #: Counted as covered towards ``required``.
    covered: int
    must_total: int
    must_missing: list[str]
    supplementary_total: int
    supplementary_covered: int
    supplementary_needed: int
    by_state: dict[str, list[str]] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        """Whole percent; 100 only when everything required is covered."""
        if self.required == 0:
            return 100
        return self.covered * 100 // self.required

    @property
    def supplementary_short(self) -> int:
        """How many more supplementary requirements need evidence for this level."""
        return max(0, self.supplementary_needed - self.supplementary_covered)

    @property
    def light(self) -> str:
        return traffic_light(self)

    def codes(self, state: str) -> list[str]:
        return self.by_state.get(state, [])


def file_is_current(item: FileEvidence, today: dt.date) -> bool:
    """An accepted file whose validity period contains today."""
    return (item.review == "accepted" and item.valid_from <= today
            and (item.valid_until is None or item.valid_until >= today))


def requirement_state(req: RequirementEvidence, today: dt.date, soon_days: int = SOON_DAYS) -> RequirementState:
    """Not met, covered, expiring, pending review, expired or missing.

    A requirement is met only when every live rule on it passes and it has valid evidence: a published
    document, a linked record, a passing rule or an accepted file within its validity period. One failing
    rule makes it "not met" even when a document exists; expired or unreviewed files never cover."""
    applicability = req.applicability or "must"
    if req.live and not all(req.live):
        return RequirementState(req.code, applicability, NOT_MET)
    if req.documents or req.records or req.live:
        return RequirementState(req.code, applicability, COVERED)
    current = [f for f in req.files if file_is_current(f, today)]
    if current:
        if any(f.valid_until is None for f in current):
            return RequirementState(req.code, applicability, COVERED)
        latest = max(f.valid_until for f in current if f.valid_until is not None)
        state = EXPIRING if latest <= today + dt.timedelta(days=soon_days) else COVERED
        return RequirementState(req.code, applicability, state, expires_on=latest)
    if any(f.review == "pending" and (f.valid_until is None or f.valid_until >= today) for f in req.files):
        return RequirementState(req.code, applicability, PENDING)
    if any(f.review == "accepted" and f.valid_until is not None and f.valid_until < today for f in req.files):
        return RequirementState(req.code, applicability, EXPIRED)
    return RequirementState(req.code, applicability, MISSING)


def representative_files(open_current: int, latest_current: dt.date | None, pending: int, expired: int,
                         today: dt.date) -> list[FileEvidence]:
    """Stand-ins for a requirement's evidence files, from figures the database aggregates: they give the same
    :func:`requirement_state` as the files themselves (the state depends on nothing else), so the overview
    reads one row per requirement instead of every file."""
    out = []
    if open_current:
        out.append(FileEvidence(today, None, "accepted"))
    if latest_current is not None:
        out.append(FileEvidence(today, latest_current, "accepted"))
    if pending:
        out.append(FileEvidence(today, None, "pending"))
    if expired:
        yesterday = today - dt.timedelta(days=1)
        out.append(FileEvidence(yesterday, yesterday, "accepted"))
    return out


def readiness(requirements: Iterable[RequirementEvidence], today: dt.date, min_supplementary: int = 0,
              soon_days: int = SOON_DAYS) -> Readiness:
    """Readiness of one norm version at one level.

    Requirements marked "na" for the level are out of scope. Every must requirement counts; of the
    supplementary ones, ``min_supplementary`` are needed and at most that many count as covered."""
    states = [requirement_state(r, today, soon_days) for r in requirements if (r.applicability or "must") != "na"]
    ok = {COVERED, EXPIRING}
    musts = [s for s in states if s.applicability == "must"]
    supps = [s for s in states if s.applicability == "supplementary"]
    needed = min(min_supplementary, len(supps))
    supp_covered = sum(1 for s in supps if s.state in ok)
    by_state: dict[str, list[str]] = {}
    for s in states:
        by_state.setdefault(s.state, []).append(s.code)
    return Readiness(
        states=states,
        required=len(musts) + needed,
        covered=sum(1 for s in musts if s.state in ok) + min(supp_covered, needed),
        must_total=len(musts),
        must_missing=[s.code for s in musts if s.state not in ok],
        supplementary_total=len(supps),
        supplementary_covered=supp_covered,
        supplementary_needed=needed,
        by_state=by_state,
    )


def traffic_light(result: Readiness) -> str:
    """Green: everything required is covered, nothing about to expire or awaiting review.
    Amber: at least 80 % covered. Red: less."""
    if result.percent >= 100 and not result.codes(EXPIRING) and not result.codes(PENDING):
        return GREEN
    if result.percent >= 80:
        return AMBER
    return RED
