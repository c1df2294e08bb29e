"""Pure safety figures: LTIs, injury frequency, windows and ratios. No app, no database.

IF (injury frequency) = LTIs × 1,000,000 / hours worked (VCA); the US-style rate uses 200,000 hours.
An LTI is an injured person with at least one lost working day after the day of the accident; one accident
with several injured people counts as that many LTIs.

Every surface takes its figures from here: :func:`lti_count` (one incident), :func:`rolling_if` (the rolling
12 months), :func:`year_if` (a calendar year) and :func:`if_over_months` (any run of whole months).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from ..core.dates import shift_month

IF_BASE = 1_000_000
US_BASE = 200_000

#: Whose LTIs count in the IF, by category of the injured person: those whose hours are in the denominator.
#: Own staff, apprentices (hours under own staff), temporary workers and subcontractors' staff working under
#: the company's direction (hours registered under "subcontractors") count; visitors do not (no hours are
#: registered for them). Their accidents stay in the log, the Arbowet list and the lost days.
IF_COUNTED_CATEGORIES = frozenset({"own_staff", "apprentice", "temporary", "subcontractor"})


def counts_in_if(category: str) -> bool:
    """Whether an LTI of a person of this category counts in the injury frequency (see IF_COUNTED_CATEGORIES)."""
    return category in IF_COUNTED_CATEGORIES


def lti_count(persons: Iterable[tuple[str, int]], injured_count: int = 0, lost_time_reported: bool = False) -> int:
    """LTIs one incident counts for in the IF.

    With injured persons recorded (category, lost days): each person with at least one lost day whose
    category counts (:func:`counts_in_if`). Without them, the report decides: an accident reported with
    absence counts its number of injured (at least one) until the persons are added."""
    persons = list(persons)
    if persons:
        return sum(1 for category, days in persons if days and days >= 1 and counts_in_if(category))
    return max(injured_count, 1) if lost_time_reported else 0


def rate(ltis: int, hours: Decimal | float | int | None, base: int = IF_BASE) -> float | None:
    """LTIs per ``base`` hours worked; None when no hours are registered (never a division error)."""
    if hours is None or hours <= 0:
        return None
    return float(Decimal(ltis) * base / Decimal(str(hours)))


def injury_frequency(ltis: int, hours: Decimal | float | int | None) -> float | None:
    """IF = LTIs × 1,000,000 / hours worked; None when no hours are registered."""
    return rate(ltis, hours, IF_BASE)


def rate_200k(ltis: int, hours: Decimal | float | int | None) -> float | None:
    """The secondary US-style rate: LTIs × 200,000 / hours worked; None when no hours are registered."""
    return rate(ltis, hours, US_BASE)


def year_window(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar year (both included)."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Every (year, month) from ``start``'s month to ``end``'s month, both included."""
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append((year, month))
        year, month = shift_month(year, month, 1)
    return out


def hours_in_window(monthly: dict[tuple[int, int], Decimal], start: dt.date, end: dt.date) -> Decimal:
    """Hours registered for the months the window touches (hours are kept per month)."""
    return sum((monthly.get(key, Decimal(0)) for key in months_between(start, end)), Decimal(0))


Month = tuple[int, int]


@dataclass(frozen=True)
class IfFigure:
    """The injury frequency over a run of whole months, with the months it covers and those without hours."""

    months: tuple[Month, ...]
    ltis: int
    hours: Decimal
    #: Months of the window (that have begun) with no registered hours: shown, never silently left out.
    months_without_hours: tuple[Month, ...]

    @property
    def value(self) -> float | None:
        return injury_frequency(self.ltis, self.hours)

    @property
    def rate_200k(self) -> float | None:
        return rate_200k(self.ltis, self.hours)

    @property
    def first(self) -> Month:
        return self.months[0]

    @property
    def last(self) -> Month:
        return self.months[-1]

    @property
    def start(self) -> dt.date:
        return dt.date(self.first[0], self.first[1], 1)

    @property
    def end(self) -> dt.date:
        year, month = self.last
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    @property
    def complete(self) -> bool:
        return not self.months_without_hours


def if_over_months(months: Sequence[Month], ltis: dict[Month, int], hours: dict[Month, Decimal],
                   today: dt.date | None = None) -> IfFigure:
    """LTIs and hours of exactly these months (LTIs by the month they happened in). A month without hours is
    listed in ``months_without_hours`` when it has begun (on or before ``today``'s month)."""
    now = (today.year, today.month) if today else None
    missing = tuple(m for m in months if not hours.get(m) and (now is None or m <= now))
    return IfFigure(tuple(months), sum(ltis.get(m, 0) for m in months),
                    sum((hours.get(m, Decimal(0)) for m in months), Decimal(0)), missing)


def rolling_months(today: dt.date, last_with_hours: Month | None, length: int = 12) -> list[Month]:
    """THE rolling window: the ``length`` whole months ending with the last month that has registered hours
    (never later than ``today``'s month); without any hours, the ``length`` months before this month.

    Example: on 22 Nov 2026 with hours up to October, the rolling 12 months are Nov 2025 – Oct 2026."""
    now = (today.year, today.month)
    last = min(last_with_hours, now) if last_with_hours else shift_month(today.year, today.month, -1)
    first = shift_month(last[0], last[1], -(length - 1))
    return months_between(dt.date(first[0], first[1], 1), dt.date(last[0], last[1], 1))


def last_month_with_hours(hours: dict[Month, Decimal], today: dt.date) -> Month | None:
    now = (today.year, today.month)
    found = [m for m, h in hours.items() if h and m <= now]
    return max(found) if found else None


def rolling_if(today: dt.date, ltis: dict[Month, int], hours: dict[Month, Decimal], length: int = 12) -> IfFigure:
    """The injury frequency over the rolling 12 months (:func:`rolling_months`) from LTIs and hours per month."""
    months = rolling_months(today, last_month_with_hours(hours, today), length)
    return if_over_months(months, ltis, hours, today)


def year_if(year: int, ltis: dict[Month, int], hours: dict[Month, Decimal], today: dt.date) -> IfFigure:
    """The injury frequency of one calendar year; begun months without hours are marked."""
    return if_over_months([(year, m) for m in range(1, 13)], ltis, hours, today)


def near_miss_ratio(near_misses: int, accidents: int) -> float | None:
    """Near misses per accident (the 'iceberg'): None when there were no accidents."""
    if accidents <= 0:
        return None
    return near_misses / accidents


def monthly_if(months: Sequence[tuple[int, int]], ltis: dict[tuple[int, int], int],
               hours: dict[tuple[int, int], Decimal], window: int = 12) -> list[tuple[tuple[int, int], float | None]]:
    """Rolling-``window`` IF at the end of every month in ``months`` (for the IF-over-time chart)."""
    out = []
    for year, month in months:
        keys = [shift_month(year, month, -k) for k in range(window)]
        n = sum(ltis.get(k, 0) for k in keys)
        h = sum((hours.get(k, Decimal(0)) for k in keys), Decimal(0))
        out.append(((year, month), injury_frequency(n, h)))
    return out


def more_than_three_days(lost_days: int) -> bool:
    """Arbowet art. 9: accidents with more than three working days of absence go on the employer's list."""
    return lost_days > 3


def on_arbowet_list(is_accident: bool, reported_to_inspectorate: bool, max_lost_days: int) -> bool:
    """The employer's list (Arbowet art. 9): accidents reported to the Arbeidsinspectie and accidents with
    more than three working days of absence."""
    return is_accident and (reported_to_inspectorate or more_than_three_days(max_lost_days))
