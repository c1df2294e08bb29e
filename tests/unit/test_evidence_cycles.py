"""The external audit calendar derived from a certificate and its norm's cycle: pure functions."""
import datetime as dt

from qms.evidence import cycles
from qms.evidence.cycles import AuditDate, Cycle

#: Cycles as the norms register them: three years with yearly surveillance (ISO 9001, VCA); two years, none (PSO).
THREE = Cycle(years=3, yearly_surveillance=True)
TWO = Cycle(years=2, yearly_surveillance=False)


def test_three_years_with_yearly_surveillance():
    dates = cycles.audit_dates(THREE, dt.date(2025, 3, 1), dt.date(2028, 3, 1))
    assert dates == [AuditDate(cycles.SURVEILLANCE, dt.date(2026, 3, 1)),
                     AuditDate(cycles.SURVEILLANCE, dt.date(2027, 3, 1)),
                     AuditDate(cycles.RECERTIFICATION, dt.date(2027, 12, 2)),
                     AuditDate(cycles.EXPIRY, dt.date(2028, 3, 1))]


def test_two_years_without_surveillance():
    dates = cycles.audit_dates(TWO, dt.date(2025, 6, 1), dt.date(2027, 6, 1))
    assert [d.kind for d in dates] == [cycles.RECERTIFICATION, cycles.EXPIRY]
    assert cycles.latest_expiry(TWO, dt.date(2025, 6, 1)) == dt.date(2027, 6, 1)
    assert cycles.latest_expiry(THREE, dt.date(2025, 6, 1)) == dt.date(2028, 6, 1)


def test_short_certificate_and_leap_day():
    dates = cycles.audit_dates(THREE, dt.date(2024, 2, 29), dt.date(2024, 4, 1))
    assert dates[0] == AuditDate(cycles.RECERTIFICATION, dt.date(2024, 2, 29))  # never before issue
    assert cycles.add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_upcoming_and_next_audit():
    dates = cycles.audit_dates(THREE, dt.date(2025, 3, 1), dt.date(2028, 3, 1))
    today = dt.date(2026, 3, 2)
    assert [d.due for d in cycles.upcoming(dates, today)] == [dt.date(2027, 3, 1), dt.date(2027, 12, 2), dt.date(2028, 3, 1)]
    assert cycles.next_audit(dates, today) == AuditDate(cycles.SURVEILLANCE, dt.date(2027, 3, 1))
    # An overdue recertification is still the next audit to do, until the certificate expires.
    assert cycles.next_audit(dates, dt.date(2028, 1, 1)) == AuditDate(cycles.RECERTIFICATION, dt.date(2027, 12, 2))
    assert cycles.next_audit(dates, dt.date(2028, 3, 2)) is None


def test_a_passed_recertification_date_stays_on_the_list_until_expiry():
    dates = cycles.audit_dates(THREE, dt.date(2024, 1, 10), dt.date(2027, 1, 10))
    today = dt.date(2026, 11, 22)  # recertification (12 Oct 2026) passed, certificate still valid
    assert [d.kind for d in cycles.upcoming(dates, today)] == [cycles.RECERTIFICATION, cycles.EXPIRY]
    assert cycles.upcoming(dates, dt.date(2027, 1, 11)) == []
