"""Record numbers that cannot collide: one counter per series and year, taken in the caller's transaction.

``next_value("INC", 2026, Incident.number)`` increments the counter row with ``UPDATE … RETURNING`` — the
database hands each transaction its own value, whatever runs at the same time. A missing row (the first
number of a year) is created with ``INSERT … ON CONFLICT DO NOTHING``, starting from the highest number
already in use for that series and year, so records made before the counter existed (or loaded in bulk)
are never numbered twice. The counter changes with the record's transaction: a rolled-back record gives its
number back, so numbers stay without gaps.

On SQLite the write transaction (BEGIN IMMEDIATE) already serialises writers. On PostgreSQL the writers'
lock (:func:`qms.database.lock_writers`) is taken first, in the same order as the audit trail takes it, so a
transaction that numbers a record and one that writes the trail can never wait on each other in a circle.
"""
from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..database import lock_writers
from ..extensions import db
from .models import RecordCounter

_TABLE = RecordCounter.__table__


def highest_in_use(column, series: str, year: int) -> int:
    """The highest sequence among ``column`` values of the form SERIES-YEAR-NNNN (0 if none)."""
    prefix = f"{series}-{year}-"
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    highest = 0
    for number in db.session.scalars(select(column).where(column.like(prefix + "%"))):
        match = pattern.match(number or "")
        if match:
            highest = max(highest, int(match.group(1)))
    return highest


def next_value(series: str, year: int, column) -> int:
    """The next sequence of ``series`` in ``year``; ``column`` holds the numbers already in use (for the start)."""
    conn = db.session.connection()
    lock_writers(conn)
    take = (update(_TABLE).where(_TABLE.c.series == series, _TABLE.c.year == year)
            .values(value=_TABLE.c.value + 1).returning(_TABLE.c.value))
    value = conn.execute(take).scalar()
    if value is None:
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(_TABLE).values(series=series, year=year, value=highest_in_use(column, series, year))
                     .on_conflict_do_nothing(index_elements=["series", "year"]))
        value = conn.execute(take).scalar()
    return value


def format_number(series: str, year: int, value: int, width: int = 4) -> str:
    return f"{series}-{year}-{value:0{width}d}"


def next_number(series: str, year: int, column, width: int = 4) -> str:
    """``INC-2026-0042``: the next number of the series in that year."""
    return format_number(series, year, next_value(series, year, column), width)
