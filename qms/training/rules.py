"""Pure rules for training records: the kinds, default validity and the status of a certificate on a day."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..core.dates import add_years, by_deadline


@dataclass(frozen=True)
class DiplomaKind:
    """A kind of training record. The core has a few; a norm registers its diplomas
    (``registry(app).add_diploma_kind``) with the years they stay valid."""

    code: str
    label: Any
    #: Years a diploma of this kind is valid from the exam when no expiry is entered; None: no default.
    valid_years: int | None = None


#: A certificate within this many days of its expiry counts as "expiring".
WARNING_DAYS = 90


def default_valid_until(kind: DiplomaKind, completed_on: dt.date) -> dt.date | None:
    """Expiry when none was entered: a kind with a fixed validity expires that many years after the exam (the
    day before the anniversary); other training has no default expiry."""
    if kind.valid_years:
        return add_years(completed_on, kind.valid_years) - dt.timedelta(days=1)
    return None


def status(valid_until: dt.date | None, today: dt.date, warning_days: int = WARNING_DAYS) -> str:
    """"valid", "expiring" (within ``warning_days``), "expired", or "permanent" (no expiry)."""
    return by_deadline(valid_until, today, warning_days, ("permanent", "expired", "expiring", "valid"))
