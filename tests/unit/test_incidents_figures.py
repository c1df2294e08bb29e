"""Injury frequency and the other safety figures, hand-computed (no app, no database)."""
import datetime as dt
from decimal import Decimal

import pytest

from qms.incidents import figures
from qms.incidents.charts import line, stacked_bars


def test_if_matches_the_vca_example():
    assert figures.injury_frequency(4, 100_000) == pytest.approx(40.0)
    assert figures.injury_frequency(1, Decimal("250000.0")) == pytest.approx(4.0)


def test_zero_or_missing_hours_give_none_never_an_error():
    assert figures.injury_frequency(3, 0) is None
    assert figures.injury_frequency(0, None) is None
    assert figures.rate_200k(2, Decimal(0)) is None


def test_no_ltis_over_hours_is_zero():
    assert figures.injury_frequency(0, 50_000) == 0.0


def test_200k_rate_is_a_fifth_of_the_if():
    assert figures.rate_200k(4, 100_000) == pytest.approx(8.0)


def test_one_accident_with_several_injured_counts_each_with_lost_time():
    assert figures.lti_count([2, 5, 0]) == 2  # the third person lost no day: no LTI
    assert figures.lti_count([]) == 0
    assert figures.injury_frequency(figures.lti_count([1, 1, 1]), 300_000) == pytest.approx(10.0)


def test_rolling_window_takes_eleven_whole_months_and_this_one():
    assert figures.rolling_window(dt.date(2026, 11, 22)) == (dt.date(2025, 12, 1), dt.date(2026, 11, 22))
    assert figures.rolling_window(dt.date(2026, 1, 5)) == (dt.date(2025, 2, 1), dt.date(2026, 1, 5))


def test_hours_in_a_window_add_the_months_it_touches():
    monthly = {(2025, 12): Decimal(100), (2026, 1): Decimal(50), (2026, 2): Decimal(25), (2024, 1): Decimal(999)}
    assert figures.hours_in_window(monthly, dt.date(2025, 12, 1), dt.date(2026, 1, 31)) == Decimal(150)
    assert figures.months_between(dt.date(2025, 11, 30), dt.date(2026, 2, 1)) == [
        (2025, 11), (2025, 12), (2026, 1), (2026, 2)]


def test_three_year_table_and_year_without_hours():
    rows = figures.three_year_table(2026, {2024: 2, 2026: 1}, {2024: Decimal(200_000), 2025: Decimal(100_000)})
    assert [r["year"] for r in rows] == [2024, 2025, 2026]
    assert rows[0]["if"] == pytest.approx(10.0) and rows[0]["rate_200k"] == pytest.approx(2.0)
    assert rows[1]["if"] == 0.0
    assert rows[2]["if"] is None  # an LTI but no hours: "no hours registered"


def test_monthly_rolling_if():
    ltis = {(2026, 1): 1}
    hours = {(2025, m): Decimal(10_000) for m in range(2, 13)} | {(2026, 1): Decimal(10_000)}
    (key, value), = figures.monthly_if([(2026, 1)], ltis, hours)
    assert key == (2026, 1) and value == pytest.approx(1_000_000 / 120_000)
    assert figures.monthly_if([(2020, 1)], {}, {})[0][1] is None


def test_near_miss_ratio_and_arbowet_threshold():
    assert figures.near_miss_ratio(12, 3) == 4.0
    assert figures.near_miss_ratio(5, 0) is None
    assert not figures.more_than_three_days(3) and figures.more_than_three_days(4)


def test_charts_escape_text_and_break_the_line_without_hours():
    svg = stacked_bars("<b>", ["jan"], [("lti", "LTI & co", [2])])
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "LTI &amp; co" in svg and 'style=' not in svg
    drawn = line("IF", ["a", "b", "c"], [1.0, None, 2.0])
    assert drawn.count("<polyline") == 2
    assert "no hours" in line("IF", ["a"], [None], empty_text="no hours")
