"""When a certificate counts as expiring: a pure rule shared by the register, the warnings and the reminders."""
from __future__ import annotations

import datetime as dt

from ..core.dates import by_deadline

#: Days before the end date from which a certificate is shown as "expiring".
WARN_DAYS = 60

VALID, EXPIRING, EXPIRED = "valid", "expiring", "expired"


def certificate_status(valid_until: dt.date, today: dt.date, warn_days: int = WARN_DAYS) -> str:
    """``expired`` after the last valid day, ``expiring`` within ``warn_days`` of it, otherwise ``valid``."""
    return by_deadline(valid_until, today, warn_days, (VALID, EXPIRED, EXPIRING, VALID))


def days_left(valid_until: dt.date, today: dt.date) -> int:
    """Days from today up to and including the last valid day (negative once expired)."""
    return (valid_until - today).days
