"""Training rules without an app: default validity of a kind and certificate status."""
import datetime as dt

from qms.training import rules
from qms.training.rules import DiplomaKind

#: A diploma valid ten years from the exam (as VCA registers its diplomas).
TEN_YEARS = DiplomaKind("b_vca", "B-VCA", valid_years=10)


def test_a_kind_with_a_validity_expires_that_many_years_after_the_exam():
    assert rules.default_valid_until(TEN_YEARS, dt.date(2020, 3, 15)) == dt.date(2030, 3, 14)
    assert rules.default_valid_until(TEN_YEARS, dt.date(2016, 1, 1)) == dt.date(2025, 12, 31)
    assert rules.default_valid_until(TEN_YEARS, dt.date(2024, 2, 29)) == dt.date(2034, 2, 27)


def test_other_training_has_no_default_expiry():
    assert rules.default_valid_until(DiplomaKind("bhv", "BHV"), dt.date(2020, 3, 15)) is None
    assert rules.default_valid_until(DiplomaKind("other", "Other", valid_years=None), dt.date(2020, 3, 15)) is None


def test_status_on_a_day():
    today = dt.date(2026, 11, 22)
    assert rules.status(None, today) == "permanent"
    assert rules.status(dt.date(2026, 11, 21), today) == "expired"
    assert rules.status(today, today) == "expiring"
    assert rules.status(today + dt.timedelta(days=90), today) == "expiring"
    assert rules.status(today + dt.timedelta(days=91), today) == "valid"
