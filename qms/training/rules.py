"""Pure rules for training records: default validity and the status of a certificate on a day."""
from __future__ import annotations

import datetime as dt

from ..core.dates import add_years

#: VCA diplomas are valid for ten years from the exam date.
VCA_KINDS = frozenset({"b_vca", "vol_vca", "vil_vcu"})
VCA_VALID_YEARS = 10
#: A certificate within this many days of its expiry counts as "expiring".
WARNING_DAYS = 90


def default_valid_until(kind: str, completed_on: dt.date) -> dt.date | None:
    """Expiry when none was entered: VCA diplomas expire 10 years after the exam (the day before the
    anniversary); other training has no default expiry."""
    if kind in VCA_KINDS:
        return add_years(completed_on, VCA_VALID_YEARS) - dt.timedelta(days=1)
    return None


def status(valid_until: dt.date | None, today: dt.date, warning_days: int = WARNING_DAYS) -> str:
    """"valid", "expiring" (within ``warning_days``), "expired", or "permanent" (no expiry)."""
    if valid_until is None:
        return "permanent"
    if valid_until < today:
        return "expired"
    if valid_until <= today + dt.timedelta(days=warning_days):
        return "expiring"
    return "valid"
