"""Supplier certificate expiry rule: valid, expiring within the warning period, expired."""
import datetime as dt

from qms.suppliers.expiry import EXPIRED, EXPIRING, VALID, WARN_DAYS, certificate_status, days_left

TODAY = dt.date(2026, 11, 22)


def test_a_certificate_far_ahead_is_valid():
    assert certificate_status(TODAY + dt.timedelta(days=WARN_DAYS + 1), TODAY) == VALID


def test_within_the_warning_period_it_is_expiring_up_to_and_including_its_last_day():
    assert certificate_status(TODAY + dt.timedelta(days=WARN_DAYS), TODAY) == EXPIRING
    assert certificate_status(TODAY, TODAY) == EXPIRING


def test_the_day_after_its_last_valid_day_it_is_expired():
    assert certificate_status(TODAY - dt.timedelta(days=1), TODAY) == EXPIRED


def test_the_warning_period_can_be_chosen():
    assert certificate_status(TODAY + dt.timedelta(days=10), TODAY, warn_days=5) == VALID
    assert days_left(TODAY + dt.timedelta(days=10), TODAY) == 10
    assert days_left(TODAY - dt.timedelta(days=3), TODAY) == -3
