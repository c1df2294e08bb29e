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
    assert figures.lti_count([("own_staff", 2), ("temporary", 5), ("own_staff", 0)]) == 2  # no lost day: no LTI
    assert figures.lti_count([]) == 0
    three = figures.lti_count([("own_staff", 1)] * 3)
    assert figures.injury_frequency(three, 300_000) == pytest.approx(10.0)


def test_an_accident_with_absence_counts_from_the_report_until_persons_are_added():
    """'Accident with absence, 2 injured' without person details: 2 LTIs, not 0."""
    assert figures.lti_count([], injured_count=2, lost_time_reported=True) == 2
    assert figures.lti_count([], injured_count=0, lost_time_reported=True) == 1
    assert figures.lti_count([], injured_count=2, lost_time_reported=False) == 0
    # Once persons are recorded, they decide.
    assert figures.lti_count([("own_staff", 3), ("own_staff", 0)], injured_count=2, lost_time_reported=True) == 1


def test_visitors_do_not_count_subcontractors_staff_do():
    """The rule in one place: an LTI counts when the person's hours are in the denominator."""
    assert figures.counts_in_if("subcontractor") and figures.counts_in_if("temporary")
    assert figures.counts_in_if("apprentice") and figures.counts_in_if("own_staff")
    assert not figures.counts_in_if("visitor")
    assert figures.lti_count([("visitor", 10), ("subcontractor", 2)]) == 1


# --- the rolling 12 months: one definition --------------------------------------------------------------

def _months(first, last, value):
    return {m: Decimal(value) for m in figures.months_between(dt.date(*first, 1), dt.date(*last, 1))}


def test_rolling_window_is_twelve_whole_months_ending_with_the_last_month_with_hours():
    """On 22 Nov 2026 with hours up to October: the window is Nov 2025 – Oct 2026, never the partial month."""
    today = dt.date(2026, 11, 22)
    months = figures.rolling_months(today, last_with_hours=(2026, 10))
    assert months[0] == (2025, 11) and months[-1] == (2026, 10) and len(months) == 12
    # November's hours are in: November is the last month.
    assert figures.rolling_months(today, (2026, 11))[-1] == (2026, 11)
    # Hours registered ahead (December) do not move the window past this month.
    assert figures.rolling_months(today, (2026, 12))[-1] == (2026, 11)
    # No hours at all: the 12 whole months before this month.
    assert figures.rolling_months(today, None) == figures.months_between(dt.date(2025, 11, 1), dt.date(2026, 10, 1))


def test_rolling_if_counts_ltis_and_hours_of_the_same_twelve_months():
    """Hand-computed: 10,000 hours a month Nov 2025 – Oct 2026 (none in Nov 2026 yet); LTIs: 1 in Nov 2025,
    2 in Mar 2026, 1 in Nov 2026 (after the last month with hours, not counted). 3 × 1,000,000 / 120,000 = 25."""
    hours = _months((2025, 11), (2026, 10), 10_000)
    ltis = {(2025, 10): 5, (2025, 11): 1, (2026, 3): 2, (2026, 11): 1}
    f = figures.rolling_if(dt.date(2026, 11, 22), ltis, hours)
    assert (f.first, f.last) == ((2025, 11), (2026, 10))
    assert (f.ltis, f.hours, f.months_without_hours) == (3, Decimal(120_000), ())
    assert f.value == pytest.approx(25.0) and f.rate_200k == pytest.approx(5.0)
    assert (f.start, f.end) == (dt.date(2025, 11, 1), dt.date(2026, 10, 31))


def test_a_month_without_hours_inside_the_window_is_marked_not_silently_skipped():
    hours = _months((2025, 11), (2026, 10), 10_000)
    del hours[(2026, 6)]
    f = figures.rolling_if(dt.date(2026, 11, 22), {(2026, 3): 2}, hours)
    assert f.months_without_hours == ((2026, 6),) and not f.complete
    assert f.hours == Decimal(110_000)
    assert figures.rolling_if(dt.date(2026, 11, 22), {}, {}).value is None


def test_if_per_calendar_year_marks_past_months_without_hours():
    """Year 2026 seen on 22 Nov 2026: hours Jan – Oct (10,000 each), 2 LTIs → IF 20; November is marked
    (it has begun and has no hours), December has not begun and is not."""
    hours = _months((2026, 1), (2026, 10), 10_000)
    f = figures.year_if(2026, {(2026, 2): 1, (2026, 9): 1, (2025, 12): 4}, hours, today=dt.date(2026, 11, 22))
    assert (f.first, f.last, f.ltis, f.hours) == ((2026, 1), (2026, 12), 2, Decimal(100_000))
    assert f.value == pytest.approx(20.0)
    assert f.months_without_hours == ((2026, 11),)
    past = figures.year_if(2025, {(2025, 12): 4}, _months((2025, 1), (2025, 12), 10_000), today=dt.date(2026, 11, 22))
    assert past.complete and past.value == pytest.approx(4 * 1_000_000 / 120_000)


def test_the_window_moves_with_the_registered_hours_not_with_the_day():
    """Not 365 days of LTIs over 13 months of hours, nor 11 months plus an empty one: the same whole months."""
    hours = _months((2025, 11), (2026, 10), 10_000)
    ltis = {(2025, 11): 1, (2026, 3): 2}
    one = figures.rolling_if(dt.date(2026, 11, 22), ltis, hours)
    again = figures.rolling_if(dt.date(2026, 11, 30), ltis, hours)
    assert one == again  # the window moves with the hours, not with the day


def test_hours_in_a_window_add_the_months_it_touches():
    monthly = {(2025, 12): Decimal(100), (2026, 1): Decimal(50), (2026, 2): Decimal(25), (2024, 1): Decimal(999)}
    assert figures.hours_in_window(monthly, dt.date(2025, 12, 1), dt.date(2026, 1, 31)) == Decimal(150)
    assert figures.months_between(dt.date(2025, 11, 30), dt.date(2026, 2, 1)) == [
        (2025, 11), (2025, 12), (2026, 1), (2026, 2)]


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


def test_chart_numbers_are_written_in_the_readers_notation():
    """Axis labels and point titles of the SVG charts follow the locale: "37,5" in Dutch, never "37.5"."""
    from flask import Flask
    from flask_babel import Babel, force_locale

    from qms.incidents import charts

    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        with force_locale("nl"):
            svg = str(charts.line("IF", ["jan", "feb"], [37.5, 75.2]))
        assert "75,2</title>" in svg and "75.2" not in svg
        with force_locale("en"):
            assert "75.2</title>" in str(charts.line("IF", ["jan", "feb"], [37.5, 75.2]))
