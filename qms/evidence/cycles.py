"""The external audit calendar derived from a certificate and its norm's cycle: pure functions over a
:class:`Cycle`.

Each norm registers its cycle in its setup (``registry(app).set_cycle``): how many years a certificate runs
and whether a surveillance audit falls in each year in between; :func:`cycle_for` finds it in the current app.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.dates import add_years

SURVEILLANCE = "surveillance"
RECERTIFICATION = "recertification"
EXPIRY = "expiry"


@dataclass(frozen=True)
class Cycle:
    #: Longest validity of a certificate, in years.
    years: int
    #: Whether a surveillance audit falls in each year between issue and expiry.
    yearly_surveillance: bool
    #: How long before expiry the recertification audit should take place.
    recertify_before_days: int = 90


#: The cycle of a norm that registered none.
DEFAULT_CYCLE = Cycle(years=3, yearly_surveillance=True)


@dataclass(frozen=True)
class AuditDate:
    kind: str
    due: dt.date


def cycle_for(norm: str) -> Cycle:
    """The cycle the norm registered in the current app, else the default."""
    from ..norms import registry

    return registry().cycles.get(norm, DEFAULT_CYCLE)


def latest_expiry(cycle: Cycle, issued_on: dt.date) -> dt.date:
    """The last day a certificate issued on ``issued_on`` may be valid under its norm's cycle."""
    return add_years(issued_on, cycle.years)


def audit_dates(cycle: Cycle, issued_on: dt.date, expires_on: dt.date) -> list[AuditDate]:
    """Surveillance audits on each anniversary before expiry, the recertification audit and the expiry."""
    dates: list[AuditDate] = []
    if cycle.yearly_surveillance:
        year = 1
        while True:
            due = add_years(issued_on, year)
            if due >= expires_on - dt.timedelta(days=cycle.recertify_before_days):
                break
            dates.append(AuditDate(SURVEILLANCE, due))
            year += 1
    recert = max(issued_on, expires_on - dt.timedelta(days=cycle.recertify_before_days))
    dates.append(AuditDate(RECERTIFICATION, recert))
    dates.append(AuditDate(EXPIRY, expires_on))
    return dates


def upcoming(dates: list[AuditDate], today: dt.date) -> list[AuditDate]:
    """Dates from today on, earliest first; a recertification audit whose date has passed stays on the list
    (overdue) as long as the certificate has not expired."""
    expiry = max((d.due for d in dates if d.kind == EXPIRY), default=None)
    still_valid = expiry is not None and expiry >= today
    return sorted((d for d in dates if d.due >= today or (d.kind == RECERTIFICATION and still_valid)),
                  key=lambda d: d.due)


def next_audit(dates: list[AuditDate], today: dt.date) -> AuditDate | None:
    found = [d for d in upcoming(dates, today) if d.kind != EXPIRY]
    return found[0] if found else None
