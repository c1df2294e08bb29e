"""Core tables that belong to no feature package."""
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class RecordCounter(db.Model):
    """The last number handed out per series and year (INC-2026-0042 is series "INC", year 2026, value 42).

    Taken with ``UPDATE … SET value = value + 1 … RETURNING value`` in the transaction of the record it
    numbers, so two concurrent transactions can never draw the same number (see :mod:`qms.core.numbering`).
    Bookkeeping, not a record: not in the audit trail (the numbered record is)."""

    __tablename__ = "record_counter"

    #: The number prefix: INC, NC, AU, KL, …
    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, default=0)
