"""The external audit calendar derived from a certificate and its norm's cycle: pure functions."""
import datetime as dt

from qms.evidence import cycles
from qms.evidence.cycles import AuditDate


def test_iso_and_vca_three_years_with_yearly_surveillance():
    for norm in ("iso9001", "vca"):
        dates = cycles.audit_dates(norm, dt.date(2025, 3, 1), dt.date(2028, 3, 1))
        assert dates == [AuditDate(cycles.SURVEILLANCE, dt.date(2026, 3, 1)),
                         AuditDate(cycles.SURVEILLANCE, dt.date(2027, 3, 1)),
                         AuditDate(cycles.RECERTIFICATION, dt.date(2027, 12, 2)),
                         AuditDate(cycles.EXPIRY, dt.date(2028, 3, 1))]


def test_pso_has_no_surveillance_and_at_most_two_years():
    dates = cycles.audit_dates("pso", dt.date(2025, 6, 1), dt.date(2027, 6, 1))
    assert [d.kind for d in dates] == [cycles.RECERTIFICATION, cycles.EXPIRY]
    assert cycles.latest_expiry("pso", dt.date(2025, 6, 1)) == dt.date(2027, 6, 1)
    assert cycles.latest_expiry("vca", dt.date(2025, 6, 1)) == dt.date(2028, 6, 1)


def test_short_certificate_and_leap_day():
    dates = cycles.audit_dates("iso9001", dt.date(2024, 2, 29), dt.date(2024, 4, 1))
    assert dates[0] == AuditDate(cycles.RECERTIFICATION, dt.date(2024, 2, 29))  # never before issue
    assert cycles.add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_unknown_norm_uses_the_default_cycle():
    assert cycles.cycle_for("iso14001") == cycles.DEFAULT_CYCLE


def test_upcoming_and_next_audit():
    dates = cycles.audit_dates("vca", dt.date(2025, 3, 1), dt.date(2028, 3, 1))
    today = dt.date(2026, 3, 2)
    assert [d.due for d in cycles.upcoming(dates, today)] == [dt.date(2027, 3, 1), dt.date(2027, 12, 2), dt.date(2028, 3, 1)]
    assert cycles.next_audit(dates, today) == AuditDate(cycles.SURVEILLANCE, dt.date(2027, 3, 1))
    # An overdue recertification is still the next audit to do, until the certificate expires.
    assert cycles.next_audit(dates, dt.date(2028, 1, 1)) == AuditDate(cycles.RECERTIFICATION, dt.date(2027, 12, 2))
    assert cycles.next_audit(dates, dt.date(2028, 3, 2)) is None


def test_a_passed_recertification_date_stays_on_the_list_until_expiry():
    dates = cycles.audit_dates("vca", dt.date(2024, 1, 10), dt.date(2027, 1, 10))
    today = dt.date(2026, 11, 22)  # recertification (12 Oct 2026) passed, certificate still valid
    assert [d.kind for d in cycles.upcoming(dates, today)] == [cycles.RECERTIFICATION, cycles.EXPIRY]
    assert cycles.upcoming(dates, dt.date(2027, 1, 11)) == []
