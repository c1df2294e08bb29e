"""Pure VCA rules over plain data: toolbox minimum and spread, diploma gaps, keuring and TRA due dates,
policy evaluation, attendance. No app, no database: reused by views, KPIs, evidence and the PDF."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Iterable

from qms.core.dates import add_months, by_deadline

#: Toolbox meetings a year per level (VCA*, VCA**, VCA Petrochemie).
TOOLBOX_MINIMUM = {"vca1": 4, "vca2": 10, "petro": 10}
#: Risky work for longer than this many months needs a VCA diploma.
RISKY_WORK_GRACE_MONTHS = 3
#: Diplomas and certificates within this many days of expiry are warned about.
WARNING_DAYS = 90
#: A TRA older than this many months is flagged (auditors expect it to be less than 12 months old).
TRA_MAX_AGE_MONTHS = 12
#: The VGM policy statement is evaluated at least every three years.
POLICY_EVALUATION_YEARS = 3
#: A keuring due within this many days is shown as "due soon".
KEURING_WARNING_DAYS = 30


def toolbox_minimum(level: str | None) -> int:
    """Meetings a year the level requires; an unknown or missing level counts as VCA*."""
    return TOOLBOX_MINIMUM.get(level or "", TOOLBOX_MINIMUM["vca1"])


# --- toolbox plan: count and spread -----------------------------------------------------------

def max_gap_weeks(minimum: int) -> int:
    """Longest usual stretch without a meeting: one and a half times the even interval (20 weeks for 4 a year,
    8 for 10 a year)."""
    return math.ceil(78 / max(1, minimum))


#: One stretch a year (the summer holiday) may be this many weeks longer than the usual maximum.
HOLIDAY_WEEKS = 6


@dataclass
class SpreadCheck:
    year: int
    count: int
    minimum: int
    #: Months (1–12) of the year without any meeting.
    empty_months: list[int]
    #: Longest stretch in days without a meeting, counting from 1 January and up to 31 December.
    longest_gap_days: int
    max_gap_weeks: int
    #: Stretches longer than the usual maximum, as (from, to) dates.
    long_gaps: list[tuple[dt.date, dt.date]] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.count >= self.minimum

    @property
    def spread(self) -> bool:
        """At most one stretch longer than the usual maximum, and that one at most a holiday longer."""
        return len(self.long_gaps) <= 1 and self.longest_gap_days <= (self.max_gap_weeks + HOLIDAY_WEEKS) * 7

    @property
    def ok(self) -> bool:
        return self.enough and self.spread


def toolbox_spread(dates: Iterable[dt.date], year: int, minimum: int) -> SpreadCheck:
    """Check a year's meetings (held or planned) against the minimum and the spread over the year: at most one
    stretch without a meeting longer than :func:`max_gap_weeks` (a holiday), up to HOLIDAY_WEEKS longer."""
    days = sorted({d for d in dates if d.year == year})
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    limit = max_gap_weeks(minimum) * 7
    points = [start - dt.timedelta(days=1)] + days + [end + dt.timedelta(days=1)]
    gaps = [(a, b) for a, b in zip(points, points[1:])]
    lengths = [(b - a).days - 1 for a, b in gaps]
    long_gaps = [(a + dt.timedelta(days=1), b - dt.timedelta(days=1))
                 for (a, b), n in zip(gaps, lengths) if n > limit]
    months = {d.month for d in days}
    return SpreadCheck(year=year, count=len(days), minimum=minimum,
                       empty_months=[m for m in range(1, 13) if m not in months],
                       longest_gap_days=max(lengths), max_gap_weeks=max_gap_weeks(minimum), long_gaps=long_gaps)


def plan_dates(year: int, minimum: int, taken: Iterable[dt.date] = ()) -> list[dt.date]:
    """Dates that spread ``minimum`` meetings evenly over the year (first working day of evenly spaced
    months, or of the middle of the interval), skipping months that already hold a meeting."""
    busy = {(d.year, d.month) for d in taken}
    out = []
    for i in range(minimum):
        month = 1 + math.floor(i * 12 / minimum + (12 / minimum) / 2 - 0.5)
        month = min(12, max(1, month))
        if (year, month) in busy:
            continue
        day = dt.date(year, month, 1 if minimum >= 12 else 8)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        out.append(day)
        busy.add((year, month))
    return out


# --- diploma gaps per person ------------------------------------------------------------------

@dataclass(frozen=True)
class PersonFacts:
    employee_id: int
    name: str
    is_supervisor: bool = False
    is_apprentice: bool = False
    #: "own", "intern" or "temporary".
    engagement: str = "own"
    risky_work_since: dt.date | None = None


@dataclass(frozen=True)
class Diploma:
    kind: str
    valid_until: dt.date | None


@dataclass(frozen=True)
class Gap:
    employee_id: int
    #: no_vca_diploma, vca_diploma_expired, no_vol_vca, vol_vca_expired (gaps); diploma_due (not yet a gap:
    #: risky work for less than three months), expiring (valid, expires within 90 days).
    code: str
    #: The day the gap started or the diploma expires / is due.
    date: dt.date | None = None

    @property
    def is_gap(self) -> bool:
        return self.code not in {"diploma_due", "expiring"}


def _valid(diplomas: Iterable[Diploma], kinds: set[str], on: dt.date) -> list[Diploma]:
    return [d for d in diplomas if d.kind in kinds and (d.valid_until is None or d.valid_until >= on)]


def grace_ends(risky_work_since: dt.date) -> dt.date:
    """The last day someone may do risky work without a diploma: "more than three months" starts the day after
    (risky work since 15 March: allowed through 15 June, a gap from 16 June)."""
    return add_months(risky_work_since, RISKY_WORK_GRACE_MONTHS)


def diploma_gaps(person: PersonFacts, diplomas: Iterable[Diploma], today: dt.date) -> list[Gap]:
    """VCA diploma rules for one person: on risky work for more than three months (apprentices, interns and
    temporary workers included) → a valid B-VCA or VOL-VCA; an operational supervisor → a valid VOL-VCA."""
    diplomas = list(diplomas)
    gaps: list[Gap] = []
    vca = {"b_vca", "vol_vca"}
    if person.risky_work_since is not None and person.risky_work_since <= today:
        due = grace_ends(person.risky_work_since)
        valid = _valid(diplomas, vca, today)
        if not valid:
            held = [d for d in diplomas if d.kind in vca]
            if today <= due:
                gaps.append(Gap(person.employee_id, "diploma_due", due))
            elif held:
                last = max((d.valid_until for d in held if d.valid_until), default=None)
                gaps.append(Gap(person.employee_id, "vca_diploma_expired", last))
            else:
                gaps.append(Gap(person.employee_id, "no_vca_diploma", due + dt.timedelta(days=1)))
    if person.is_supervisor:
        if not _valid(diplomas, {"vol_vca"}, today):
            held = [d for d in diplomas if d.kind == "vol_vca"]
            if held:
                last = max((d.valid_until for d in held if d.valid_until), default=None)
                gaps.append(Gap(person.employee_id, "vol_vca_expired", last))
            else:
                gaps.append(Gap(person.employee_id, "no_vol_vca"))
    soon = today + dt.timedelta(days=WARNING_DAYS)
    for d in _valid(diplomas, {"b_vca", "vol_vca", "vil_vcu"}, today):
        if d.valid_until is not None and d.valid_until <= soon:
            others = [o for o in _valid(diplomas, {d.kind}, today) if o.valid_until is None or o.valid_until > soon]
            if not others:
                gaps.append(Gap(person.employee_id, "expiring", d.valid_until))
    return gaps


def needs_diploma(person: PersonFacts, today: dt.date) -> bool:
    """Whether the person counts for diploma coverage: risky work for more than three months, or supervisor."""
    if person.is_supervisor:
        return True
    return person.risky_work_since is not None and grace_ends(person.risky_work_since) < today


# --- due dates --------------------------------------------------------------------------------

def keuring_status(next_due: dt.date | None, today: dt.date) -> str:
    """"overdue", "due_soon" (within 30 days), "ok", or "unknown" (never inspected, no due date)."""
    return by_deadline(next_due, today, KEURING_WARNING_DAYS, ("unknown", "overdue", "due_soon", "ok"))


def next_keuring(inspected_on: dt.date, interval_months: int) -> dt.date:
    return add_months(inspected_on, interval_months)


def tra_is_stale(assessed_on: dt.date, today: dt.date) -> bool:
    """A TRA is flagged once it is more than 12 months old."""
    return add_months(assessed_on, TRA_MAX_AGE_MONTHS) < today


def policy_evaluation_due(signed_on: dt.date | None, evaluated_on: dt.date | None) -> dt.date | None:
    """The VGM policy statement's next evaluation: three years after the last evaluation (or the signing)."""
    base = max((d for d in (signed_on, evaluated_on) if d), default=None)
    return add_months(base, 12 * POLICY_EVALUATION_YEARS) if base else None


def rate(part: int, whole: int) -> float | None:
    """A percentage rounded to one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


# --- toolbox attendance -----------------------------------------------------------------------

@dataclass(frozen=True)
class Attendee:
    employee_id: int
    risky_work_since: dt.date | None
    hired_on: dt.date
    left_on: dt.date | None = None


def expected_at(person: Attendee, day: dt.date) -> bool:
    """A person is expected at a toolbox meeting when employed that day and doing risky work by then."""
    return (person.risky_work_since is not None and person.risky_work_since <= day and person.hired_on <= day
            and (person.left_on is None or person.left_on > day))


@dataclass
class AttendanceRow:
    employee_id: int
    expected: int = 0
    attended: int = 0
    caught_up: int = 0
    #: Meeting ids the person was expected at and neither attended nor caught up on.
    missed: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.expected)


def attendance_summary(meetings: Iterable[tuple[int, dt.date]], people: Iterable[Attendee],
                       attended: dict[tuple[int, int], str]) -> dict[int, AttendanceRow]:
    """Per person: meetings expected at, attended (signed or recorded), caught up, and missed.

    ``attended`` maps (meeting id, employee id) to the method ("signed", "recorded", "catch_up")."""
    meetings = list(meetings)
    rows: dict[int, AttendanceRow] = {}
    for person in people:
        row = AttendanceRow(person.employee_id)
        for meeting_id, day in meetings:
            if not expected_at(person, day):
                continue
            row.expected += 1
            method = attended.get((meeting_id, person.employee_id))
            if method in ("signed", "recorded"):
                row.attended += 1
            elif method == "catch_up":
                row.caught_up += 1
            else:
                row.missed.append(meeting_id)
        rows[person.employee_id] = row
    return rows
