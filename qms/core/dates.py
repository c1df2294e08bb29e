"""Dates every package counts with: today in the user's time zone, and calendar months and years ahead."""
from __future__ import annotations

import calendar
import datetime as dt

from flask_babel import to_user_timezone

from ..database import utcnow


def today() -> dt.date:
    """Today's date where the user is (the app's time zone outside a request)."""
    return to_user_timezone(utcnow()).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 month → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February in a year without it."""
    return add_months(day, 12 * years)


def by_deadline(day: dt.date | None, today: dt.date, warn_days: int, words: tuple[str, str, str, str]) -> str:
    """Where a deadline stands on ``today``, in the register's own ``words`` for: no deadline, passed, within
    ``warn_days``, further off."""
    none, passed, soon, later = words
    if day is None:
        return none
    if day < today:
        return passed
    if day <= today + dt.timedelta(days=warn_days):
        return soon
    return later


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    """The (year, month) ``delta`` months from (year, month): (2026, 1) − 1 month is (2025, 12)."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1
