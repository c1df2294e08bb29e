"""VCA rules against hand-made cases: toolbox minimum and spread, diploma gaps, keuring, TRA, policy, attendance."""
import datetime as dt

import pytest

from qms.vca import rules
from qms.vca.rules import Attendee, Diploma, PersonFacts

TODAY = dt.date(2026, 11, 22)
D = dt.date


def codes(person, diplomas, today=TODAY):
    return [g.code for g in rules.diploma_gaps(person, diplomas, today)]


# --- toolbox ----------------------------------------------------------------------------------

def test_minimum_per_level():
    assert rules.toolbox_minimum("vca1") == 4
    assert rules.toolbox_minimum("vca2") == 10
    assert rules.toolbox_minimum("petro") == 10
    assert rules.toolbox_minimum(None) == 4


def test_quarterly_meetings_meet_vca_star():
    check = rules.toolbox_spread([D(2026, 2, 10), D(2026, 5, 12), D(2026, 8, 11), D(2026, 11, 10)], 2026, 4)
    assert check.ok and check.count == 4 and check.long_gaps == []
    assert check.empty_months == [1, 3, 4, 6, 7, 9, 10, 12]


def test_four_meetings_in_spring_are_enough_but_not_spread():
    check = rules.toolbox_spread([D(2026, 3, 2), D(2026, 3, 16), D(2026, 4, 6), D(2026, 4, 20)], 2026, 4)
    assert check.enough and not check.spread and not check.ok
    assert check.long_gaps == [(D(2026, 4, 21), D(2026, 12, 31))]


def test_ten_meetings_with_a_summer_break_are_spread_for_vca_two_stars():
    days = [D(2026, m, 7) for m in (1, 2, 3, 4, 5, 6, 9, 10, 11, 12)]
    check = rules.toolbox_spread(days, 2026, 10)
    assert check.ok and check.empty_months == [7, 8]
    assert check.max_gap_weeks == 8 and check.longest_gap_days == (D(2026, 9, 7) - D(2026, 6, 7)).days - 1


def test_two_long_breaks_or_one_too_long_are_not_spread():
    two_breaks = [D(2026, m, 7) for m in (1, 2, 3, 6, 7, 8, 11, 12)] + [D(2026, 12, 14), D(2026, 12, 21)]
    check = rules.toolbox_spread(two_breaks, 2026, 10)
    assert check.enough and len(check.long_gaps) == 2 and not check.spread
    quarterly_but_half_year_pause = [D(2026, 1, 5), D(2026, 2, 2), D(2026, 3, 2), D(2026, 10, 5)]
    assert not rules.toolbox_spread(quarterly_but_half_year_pause, 2026, 4).spread


def test_nine_meetings_fall_short_and_other_years_do_not_count():
    days = [D(2026, m, 7) for m in range(1, 10)] + [D(2025, 12, 7), D(2027, 1, 7)]
    check = rules.toolbox_spread(days, 2026, 10)
    assert check.count == 9 and not check.enough


def test_plan_dates_spread_over_the_year_on_working_days_and_skip_busy_months():
    dates = rules.plan_dates(2026, 4)
    assert len(dates) == 4 and all(d.weekday() < 5 and d.year == 2026 for d in dates)
    assert rules.toolbox_spread(dates, 2026, 4).ok
    ten = rules.plan_dates(2026, 10)
    assert len(ten) == 10 and len({d.month for d in ten}) == 10 and rules.toolbox_spread(ten, 2026, 10).ok
    assert all(d.month != 2 for d in rules.plan_dates(2026, 4, taken=[D(2026, 2, 3)]))


# --- diploma gaps -----------------------------------------------------------------------------

def test_risky_work_under_three_months_is_not_yet_a_gap():
    person = PersonFacts(1, "A", risky_work_since=D(2026, 9, 1))
    gaps = rules.diploma_gaps(person, [], TODAY)
    assert [(g.code, g.date, g.is_gap) for g in gaps] == [("diploma_due", D(2026, 12, 1), False)]


def test_risky_work_over_three_months_without_diploma_is_a_gap_for_apprentices_interns_and_temps():
    for person in (PersonFacts(1, "Apprentice", is_apprentice=True, risky_work_since=D(2026, 8, 1)),
                   PersonFacts(2, "Intern", engagement="intern", risky_work_since=D(2026, 8, 21)),
                   PersonFacts(3, "Temp", engagement="temporary", risky_work_since=D(2026, 1, 5))):
        assert codes(person, []) == ["no_vca_diploma"], person.name


def test_exactly_three_months_is_still_within_the_grace_period():
    """'More than three months': risky work since 15 March is allowed through 15 June; the gap starts on 16 June."""
    person = PersonFacts(1, "A", risky_work_since=D(2026, 3, 15))
    assert codes(person, [], D(2026, 6, 14)) == ["diploma_due"]
    assert codes(person, [], D(2026, 6, 15)) == ["diploma_due"]
    assert not rules.needs_diploma(person, D(2026, 6, 15))
    gaps = rules.diploma_gaps(person, [], D(2026, 6, 16))
    assert [(g.code, g.date) for g in gaps] == [("no_vca_diploma", D(2026, 6, 16))]
    assert rules.needs_diploma(person, D(2026, 6, 16))


def test_b_vca_or_vol_vca_satisfies_risky_work():
    person = PersonFacts(1, "A", risky_work_since=D(2020, 1, 1))
    assert codes(person, [Diploma("b_vca", D(2030, 1, 1))]) == []
    assert codes(person, [Diploma("vol_vca", D(2030, 1, 1))]) == []
    assert codes(person, [Diploma("vil_vcu", D(2030, 1, 1))]) == ["no_vca_diploma"]
    assert codes(person, [Diploma("bhv", D(2030, 1, 1))]) == ["no_vca_diploma"]


def test_an_expired_diploma_is_named_as_expired():
    person = PersonFacts(1, "A", risky_work_since=D(2010, 1, 1))
    gaps = rules.diploma_gaps(person, [Diploma("b_vca", D(2025, 3, 1))], TODAY)
    assert [(g.code, g.date) for g in gaps] == [("vca_diploma_expired", D(2025, 3, 1))]


def test_supervisors_need_vol_vca_even_without_risky_work_flag():
    boss = PersonFacts(1, "Boss", is_supervisor=True)
    assert codes(boss, []) == ["no_vol_vca"]
    assert codes(boss, [Diploma("b_vca", D(2030, 1, 1))]) == ["no_vol_vca"]
    assert codes(boss, [Diploma("vol_vca", D(2030, 1, 1))]) == []
    assert codes(boss, [Diploma("vol_vca", D(2024, 1, 1))]) == ["vol_vca_expired"]


def test_expiring_within_ninety_days_is_a_warning_unless_renewed():
    person = PersonFacts(1, "A", risky_work_since=D(2015, 1, 1))
    soon = Diploma("b_vca", TODAY + dt.timedelta(days=60))
    gaps = rules.diploma_gaps(person, [soon], TODAY)
    assert [(g.code, g.is_gap) for g in gaps] == [("expiring", False)]
    assert codes(person, [soon, Diploma("b_vca", D(2036, 1, 1))]) == []
    assert codes(person, [Diploma("b_vca", TODAY + dt.timedelta(days=91))]) == []


def test_no_risky_work_and_no_supervision_needs_nothing():
    assert codes(PersonFacts(1, "Office"), []) == []
    assert not rules.needs_diploma(PersonFacts(1, "Office"), TODAY)
    assert rules.needs_diploma(PersonFacts(1, "Boss", is_supervisor=True), TODAY)
    assert not rules.needs_diploma(PersonFacts(1, "New", risky_work_since=D(2026, 10, 1)), TODAY)


# --- due dates --------------------------------------------------------------------------------

@pytest.mark.parametrize("due, expected", [
    (None, "unknown"), (D(2026, 11, 21), "overdue"), (D(2026, 11, 22), "due_soon"), (D(2026, 12, 22), "due_soon"),
    (D(2026, 12, 23), "ok")])
def test_keuring_status(due, expected):
    assert rules.keuring_status(due, TODAY) == expected


def test_month_arithmetic_and_next_keuring():
    assert rules.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert rules.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert rules.add_months(D(2026, 11, 15), -12) == D(2025, 11, 15)
    assert rules.next_keuring(D(2026, 3, 10), 12) == D(2027, 3, 10)


def test_tra_older_than_twelve_months_is_stale():
    assert not rules.tra_is_stale(D(2025, 11, 22), TODAY)
    assert rules.tra_is_stale(D(2025, 11, 21), TODAY)


def test_policy_evaluation_every_three_years_from_the_latest_date():
    assert rules.policy_evaluation_due(None, None) is None
    assert rules.policy_evaluation_due(D(2023, 5, 1), None) == D(2026, 5, 1)
    assert rules.policy_evaluation_due(D(2023, 5, 1), D(2025, 2, 1)) == D(2028, 2, 1)


# --- attendance -------------------------------------------------------------------------------

def test_attendance_summary_counts_expected_attended_caught_up_and_missed():
    meetings = [(1, D(2026, 1, 7)), (2, D(2026, 2, 7)), (3, D(2026, 3, 7))]
    people = [Attendee(10, D(2020, 1, 1), D(2020, 1, 1)),
              Attendee(11, D(2026, 2, 1), D(2026, 2, 1)),            # started in February
              Attendee(12, D(2020, 1, 1), D(2020, 1, 1), D(2026, 3, 1)),  # left before March
              Attendee(13, None, D(2020, 1, 1))]                    # office: never expected
    marks = {(1, 10): "signed", (2, 10): "recorded", (3, 10): "catch_up", (2, 11): "signed", (1, 12): "signed"}
    rows = rules.attendance_summary(meetings, people, marks)
    assert (rows[10].expected, rows[10].attended, rows[10].caught_up, rows[10].missed) == (3, 2, 1, [])
    assert (rows[11].expected, rows[11].attended, rows[11].missed) == (2, 1, [3])
    assert (rows[12].expected, rows[12].attended, rows[12].missed) == (2, 1, [2])
    assert rows[13].expected == 0 and rows[13].rate is None
    assert rows[11].rate == 50.0
