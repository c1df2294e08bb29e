"""Figures from the database (aggregated in SQL), hours worked, the Arbowet list, toolbox lessons and the
VCA contract: ``ltis_and_hours``, ``open_toolbox_lessons``, ``mark_lessons_discussed``."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import extract, func, select

from ...core.changes import until_changed
from ...extensions import db
from .. import figures
from ..models import Incident, IncidentHours
from ..workflow import ACCIDENT_TYPES, HoursCategory, IncidentState, IncidentType
from .errors import IncidentError


#: The SQL aggregates below are kept between requests until the log or the hours change: the figures page, the
#: dashboard, the management review and the live evidence all ask for them, over 200,000 incidents.
kept = until_changed(Incident, IncidentHours)


# --- hours worked -------------------------------------------------------------------------------------

@kept
def hours_by_month(start: dt.date, end: dt.date) -> dict[tuple[int, int], Decimal]:
    """Total hours (all groups) per (year, month) for the months the window touches."""
    lo, hi = start.year * 100 + start.month, end.year * 100 + end.month
    key = IncidentHours.year * 100 + IncidentHours.month
    rows = db.session.execute(
        select(IncidentHours.year, IncidentHours.month, func.sum(IncidentHours.hours))
        .where(key >= lo, key <= hi).group_by(IncidentHours.year, IncidentHours.month))
    return {(y, m): Decimal(str(h or 0)) for y, m, h in rows}


def hours_table(year: int) -> dict[tuple[int, HoursCategory], Decimal]:
    rows = db.session.scalars(select(IncidentHours).where(IncidentHours.year == year))
    return {(r.month, r.category): r.hours for r in rows}


def save_hours(year: int, values: dict[tuple[int, HoursCategory], Decimal | None]) -> int:
    """Store a year's hours per month and group; an empty value removes the month's figure. Returns changes."""
    if not 2000 <= year <= 2100:
        raise IncidentError("year", _("Choose a year between 2000 and 2100."))
    existing = {(r.month, r.category): r for r in db.session.scalars(
        select(IncidentHours).where(IncidentHours.year == year))}
    changed = 0
    for (month, category), hours in values.items():
        row = existing.get((month, category))
        if hours is not None and not Decimal(0) <= hours <= Decimal(10_000_000):
            raise IncidentError("", _("Hours must lie between 0 and 10,000,000."))
        if hours is None:
            if row is not None:
                db.session.delete(row)
                changed += 1
        elif row is None:
            db.session.add(IncidentHours(year=year, month=month, category=category, hours=hours))
            changed += 1
        elif row.hours != hours:
            row.hours = hours
            changed += 1
    db.session.flush()
    return changed


# --- LTIs and the injury frequency --------------------------------------------------------------------

@kept
def ltis_by_month(start: dt.date, end: dt.date) -> dict[tuple[int, int], int]:
    year, month = extract("year", Incident.occurred_on), extract("month", Incident.occurred_on)
    rows = db.session.execute(
        select(year, month, func.sum(Incident.lti_count))
        .where(Incident.occurred_on >= start, Incident.occurred_on <= end, Incident.lti_count > 0)
        .group_by(year, month))
    return {(int(y), int(m)): int(n or 0) for y, m, n in rows}


@kept
def ltis_and_hours(start: dt.date, end: dt.date) -> tuple[int, Decimal]:
    """LTIs of incidents on ``start``…``end`` (both included) and the hours of the months the range touches."""
    ltis = db.session.scalar(select(func.coalesce(func.sum(Incident.lti_count), 0))
                             .where(Incident.occurred_on >= start, Incident.occurred_on <= end)) or 0
    hours = figures.hours_in_window(hours_by_month(start, end), start, end)
    return int(ltis), hours


@kept
def last_month_with_hours(today: dt.date) -> tuple[int, int] | None:
    """The latest month, up to ``today``'s, with registered hours (one indexed query)."""
    key = IncidentHours.year * 100 + IncidentHours.month
    found = db.session.scalar(select(func.max(key)).where(key <= today.year * 100 + today.month,
                                                           IncidentHours.hours > 0))
    return (int(found) // 100, int(found) % 100) if found else None


def month_label(month: tuple[int, int]) -> str:
    """"dec 2025" / "Dec 2025" in the user's language."""
    return format_date(dt.date(month[0], month[1], 1), "LLL yyyy")


def months_label(first: tuple[int, int], last: tuple[int, int]) -> str:
    """"dec 2025 – nov 2026": which months a figure covers, shown beside it on every surface."""
    return f"{month_label(first)} – {month_label(last)}"


@dataclass
class Period:
    """An injury-frequency figure (:class:`figures.IfFigure`) with its label and the lost days of its months."""

    label: str
    figure: figures.IfFigure
    lost_days: int

    ltis = property(lambda self: self.figure.ltis)
    hours = property(lambda self: self.figure.hours)
    injury_frequency = property(lambda self: self.figure.value)
    rate_200k = property(lambda self: self.figure.rate_200k)
    start = property(lambda self: self.figure.start)
    end = property(lambda self: self.figure.end)

    @property
    def months(self) -> str:
        return months_label(self.figure.first, self.figure.last)

    @property
    def without_hours(self) -> str:
        """The months without registered hours, "" when every month has hours."""
        return ", ".join(month_label(m) for m in self.figure.months_without_hours)


def _figure(months: list[tuple[int, int]], today: dt.date) -> tuple[figures.IfFigure, int]:
    start = dt.date(months[0][0], months[0][1], 1)
    last = figures.shift_month(months[-1][0], months[-1][1], 1)
    end = dt.date(last[0], last[1], 1) - dt.timedelta(days=1)
    figure = figures.if_over_months(months, ltis_by_month(start, end), hours_by_month(start, end), today)
    return figure, lost_days(start, end)


@kept
def lost_days(start: dt.date, end: dt.date) -> int:
    """Days lost through incidents on ``start``…``end`` (both included)."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Incident.lost_days), 0))
                                 .where(Incident.occurred_on >= start, Incident.occurred_on <= end)) or 0)


def rolling(today: dt.date) -> Period:
    """The rolling 12 months as every surface shows them (:func:`figures.rolling_months`)."""
    months = figures.rolling_months(today, last_month_with_hours(today))
    return Period(_("Rolling 12 months"), *_figure(months, today))


def year(year_: int, today: dt.date) -> Period:
    """One calendar year (:func:`figures.year_if`)."""
    return Period(str(year_), *_figure([(year_, m) for m in range(1, 13)], today))


def period(label: str, start: dt.date, end: dt.date, today: dt.date | None = None) -> Period:
    """The whole months ``start`` … ``end`` touch (a review period), months without hours marked."""
    return Period(label, *_figure(figures.months_between(start, end), today or end))


def three_years(year_: int, today: dt.date) -> list[Period]:
    return [year(y, today) for y in range(year_ - 2, year_ + 1)]


@kept
def counts_by_month_and_type(start: dt.date, end: dt.date) -> dict[tuple[int, int], dict[IncidentType, int]]:
    year, month = extract("year", Incident.occurred_on), extract("month", Incident.occurred_on)
    rows = db.session.execute(
        select(year, month, Incident.type, func.count())
        .where(Incident.occurred_on >= start, Incident.occurred_on <= end)
        .group_by(year, month, Incident.type))
    out: dict[tuple[int, int], dict[IncidentType, int]] = {}
    for y, m, kind, n in rows:
        out.setdefault((int(y), int(m)), {})[kind] = int(n)
    return out


@kept
def counts_by_type(start: dt.date, end: dt.date) -> dict[IncidentType, int]:
    rows = db.session.execute(select(Incident.type, func.count())
                              .where(Incident.occurred_on >= start, Incident.occurred_on <= end)
                              .group_by(Incident.type))
    return {kind: int(n) for kind, n in rows}


def near_miss_and_accidents(start: dt.date, end: dt.date) -> tuple[int, int]:
    counts = counts_by_type(start, end)
    return counts.get(IncidentType.NEAR_MISS, 0), sum(counts.get(t, 0) for t in ACCIDENT_TYPES)


def if_over_time(end: dt.date, months: int = 24) -> list[tuple[tuple[int, int], float | None]]:
    """Rolling 12-month IF at the end of each of the last ``months`` months, up to the last month with hours
    (as :func:`rolling`: a month without hours yet is not a point)."""
    last = last_month_with_hours(end)
    if last is not None and last < (end.year, end.month):
        following = figures.shift_month(last[0], last[1], 1)
        end = dt.date(following[0], following[1], 1) - dt.timedelta(days=1)
    first = figures.shift_month(end.year, end.month, -(months - 1))
    earliest = figures.shift_month(first[0], first[1], -11)
    start = dt.date(earliest[0], earliest[1], 1)
    ltis, hours = ltis_by_month(start, end), hours_by_month(start, end)
    shown = figures.months_between(dt.date(first[0], first[1], 1), end)
    return figures.monthly_if(shown, ltis, hours)


# --- the Arbowet list ----------------------------------------------------------------------------------

def arbowet_statement(start: dt.date | None = None, end: dt.date | None = None):
    """Accidents reported to the Arbeidsinspectie and accidents with more than three days of absence."""
    stmt = (select(Incident).where(Incident.on_arbowet_list.is_(True))
            .order_by(Incident.occurred_on.desc(), Incident.id.desc()))
    if start is not None:
        stmt = stmt.where(Incident.occurred_on >= start)
    if end is not None:
        stmt = stmt.where(Incident.occurred_on <= end)
    return stmt


def arbo_pending() -> list[Incident]:
    """Accidents that must be reported to the Arbeidsinspectie and were not yet (oldest first)."""
    pending = db.session.scalars(
        select(Incident).where(Incident.arbo_reason.is_not(None), Incident.arbo_notified_at.is_(None)))
    # Sorted here: few rows, and an ORDER BY would tempt SQLite to walk the whole log in date order.
    return sorted(pending, key=lambda i: (i.occurred_at, i.id))


# --- toolbox lessons (VCA 4.1 contract) -------------------------------------------------------------------

def open_toolbox_lessons() -> list[Incident]:
    """Incidents whose lessons are marked for the next toolbox meeting and were not discussed yet."""
    return list(db.session.scalars(
        select(Incident).where(Incident.lessons_for_toolbox.is_(True), Incident.lessons_discussed_on.is_(None),
                               Incident.lessons.is_not(None))
        .order_by(Incident.occurred_on, Incident.id)))


def mark_lessons_discussed(incident_ids, on_date: dt.date, meeting_ref: str | None) -> int:
    """Record that the lessons of these incidents were discussed in a toolbox meeting; returns how many.

    Allowed on closed incidents too: the discussion is a fact about the meeting, not a change of the record."""
    ids = [int(i) for i in incident_ids if 0 < int(i) <= 2**31 - 1]
    if not ids:
        return 0
    rows = db.session.scalars(select(Incident).where(Incident.id.in_(ids), Incident.lessons_for_toolbox.is_(True),
                                                     Incident.lessons_discussed_on.is_(None)))
    count = 0
    for incident in rows:
        incident.lessons_discussed_on = on_date
        incident.lessons_meeting_ref = (meeting_ref or "")[:120] or None
        count += 1
    db.session.flush()
    return count


def toolbox_lessons_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Incident).where(
        Incident.lessons_for_toolbox.is_(True), Incident.lessons_discussed_on.is_(None),
        Incident.lessons.is_not(None))) or 0


@kept
def open_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Incident)
                             .where(Incident.state != IncidentState.CLOSED)) or 0
