"""Pure safety figures: LTIs, injury frequency, windows and ratios. No app, no database.

IF (injury frequency) = LTIs × 1,000,000 / hours worked (VCA); the US-style rate uses 200,000 hours.
An LTI is an injured person with at least one lost working day after the day of the accident; one accident
with several injured people counts as that many LTIs.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Iterable, Sequence

IF_BASE = 1_000_000
US_BASE = 200_000


def lti_count(lost_days: Iterable[int]) -> int:
    """LTIs of one incident: every injured person with at least one lost day counts once."""
    return sum(1 for days in lost_days if days and days >= 1)


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


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def rolling_window(today: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    """The last ``months`` whole months before ``today``'s month plus this month up to today.

    Example: on 2026-11-22 the rolling 12 months run from 2025-12-01 to 2026-11-22."""
    year, month = add_months(today.year, today.month, -(months - 1))
    return dt.date(year, month, 1), today


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Every (year, month) from ``start``'s month to ``end``'s month, both included."""
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append((year, month))
        year, month = add_months(year, month, 1)
    return out


def hours_in_window(monthly: dict[tuple[int, int], Decimal], start: dt.date, end: dt.date) -> Decimal:
    """Hours registered for the months the window touches (hours are kept per month)."""
    return sum((monthly.get(key, Decimal(0)) for key in months_between(start, end)), Decimal(0))


def near_miss_ratio(near_misses: int, accidents: int) -> float | None:
    """Near misses per accident (the 'iceberg'): None when there were no accidents."""
    if accidents <= 0:
        return None
    return near_misses / accidents


def three_year_table(year: int, ltis: dict[int, int], hours: dict[int, Decimal]) -> list[dict]:
    """Rows for ``year - 2`` … ``year``: LTIs, hours, IF and the 200,000-hour rate."""
    rows = []
    for y in range(year - 2, year + 1):
        n, h = ltis.get(y, 0), hours.get(y, Decimal(0))
        rows.append({"year": y, "ltis": n, "hours": h, "if": injury_frequency(n, h), "rate_200k": rate_200k(n, h)})
    return rows


def monthly_if(months: Sequence[tuple[int, int]], ltis: dict[tuple[int, int], int],
               hours: dict[tuple[int, int], Decimal], window: int = 12) -> list[tuple[tuple[int, int], float | None]]:
    """Rolling-``window`` IF at the end of every month in ``months`` (for the IF-over-time chart)."""
    out = []
    for year, month in months:
        keys = [add_months(year, month, -k) for k in range(window)]
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
