"""Training rules without an app: default VCA validity and certificate status."""
import datetime as dt

from qms.training import rules


def test_vca_diplomas_are_valid_ten_years_from_the_exam():
    assert rules.default_valid_until("b_vca", dt.date(2020, 3, 15)) == dt.date(2030, 3, 14)
    assert rules.default_valid_until("vol_vca", dt.date(2016, 1, 1)) == dt.date(2025, 12, 31)
    assert rules.default_valid_until("vil_vcu", dt.date(2024, 2, 29)) == dt.date(2034, 2, 27)


def test_other_training_has_no_default_expiry():
    assert rules.default_valid_until("bhv", dt.date(2020, 3, 15)) is None
    assert rules.default_valid_until("other", dt.date(2020, 3, 15)) is None


def test_status_on_a_day():
    today = dt.date(2026, 11, 22)
    assert rules.status(None, today) == "permanent"
    assert rules.status(dt.date(2026, 11, 21), today) == "expired"
    assert rules.status(today, today) == "expiring"
    assert rules.status(today + dt.timedelta(days=90), today) == "expiring"
    assert rules.status(today + dt.timedelta(days=91), today) == "valid"
