"""The PSO calculation against hand-computed cases (no app, no database)."""
import datetime as dt

import pytest

from qms.pso.jsonio import input_to_json, parse_input
from qms.pso.reference import shipped
from qms.pso.scoring import (CalculationError, CalculationInput, Criteria, EmployeeInput, PurchaseInput, add_years,
                             calculate, forecast_input, norms_for_size)

D = dt.date
REF = shipped()["1.9"]
ALL_MET = Criteria(True, True, True, True)


def staff(n, start=D(2015, 1, 1), hours=40.0, prefix="E"):
    return [EmployeeInput(f"{prefix}{i}", "regular", hours, start) for i in range(n)]


def target(ident, position="wia_wajong", contract="regular", hours=40.0, start=D(2015, 1, 1), intake=None,
           until=None, criteria=ALL_MET, **kw):
    return EmployeeInput(ident, contract, hours, start, starting_position=position, intake_date=intake or start,
                         status_until=until, criteria=criteria, **kw)


def calc(employees, purchases=(), year=2025, week=None):
    return calculate(CalculationInput(year, tuple(employees), tuple(purchases), week), REF)


# --- FTE ----------------------------------------------------------------------------------------

def test_full_time_all_year_is_one_fte():
    assert calc(staff(1)).total_fte == pytest.approx(1.0)


def test_part_time_from_contract_hours_and_from_payroll_hours():
    assert calc(staff(1, hours=20)).total_fte == pytest.approx(0.5)
    # 1040 hours worked / (52 weeks x 40 h) = 0.5
    one = EmployeeInput("P", "regular", 32, D(2015, 1, 1), hours_worked=1040)
    assert calc([one]).total_fte == pytest.approx(0.5)


def test_cao_norm_week_is_the_denominator():
    # 1976 hours / (52 x 38) = 1.0 on a 38-hour CAO week; on 40 hours it would be 0.95
    one = EmployeeInput("P", "regular", 38, D(2015, 1, 1), hours_worked=1976)
    assert calc([one], week=38).total_fte == pytest.approx(1.0)
    assert calc([one]).total_fte == pytest.approx(0.95)


def test_mid_year_start_and_end_count_the_days_employed():
    starts = EmployeeInput("S", "regular", 40, D(2025, 7, 1))            # 184 of 365 days
    ends = EmployeeInput("L", "regular", 40, D(2010, 1, 1), D(2025, 3, 31))  # 90 of 365 days
    result = calc([starts, ends])
    assert result.employees[0].fte == pytest.approx(184 / 365)
    assert result.employees[1].fte == pytest.approx(90 / 365)
    assert result.total_fte == pytest.approx(274 / 365, abs=1e-4)


def test_leap_year_has_366_days():
    result = calc([EmployeeInput("S", "regular", 40, D(2024, 7, 1))], year=2024)
    assert result.employees[0].fte == pytest.approx(184 / 366)


# --- weights and windows ------------------------------------------------------------------------

def test_direct_percentage_with_weights():
    # 8 regular + 1 Wajong (1.0) + 1 WW (0.75): weighted 1.75 of 10 FTE = 17.5 %
    result = calc(staff(8) + [target("W"), target("U", "ww")])
    assert result.weighted_target_fte == pytest.approx(1.75)
    assert result.direct_pct == pytest.approx(17.5)


def test_window_ending_mid_year_counts_only_the_days_inside():
    # Participatiewet counts 5 years from intake 2020-07-01: until 2025-06-30, 181 days of 2025
    person = target("P", "participatiewet", start=D(2020, 7, 1))
    result = calc(staff(10) + [person])
    row = result.employees[-1]
    assert row.window_end == D(2025, 6, 30)
    assert row.counted_days == 181
    assert row.weighted_fte == pytest.approx(181 / 365)
    assert result.total_fte == pytest.approx(11)
    assert result.direct_pct == pytest.approx(100 * (181 / 365) / 11)


def test_wage_subsidy_counts_until_it_ends_and_needs_an_end_date():
    person = target("L", "loonkostensubsidie", until=D(2025, 3, 31))
    assert calc(staff(3) + [person]).employees[-1].weighted_fte == pytest.approx(90 / 365)
    with pytest.raises(CalculationError, match="employee L2.*status_until"):
        calc([target("L2", "loonkostensubsidie")])


def test_internship_counts_at_most_three_years_and_weights_multiply():
    # Wajong (1.0) in an internship (0.75) started 2023-07-01: counts until 2026-06-30
    person = target("I", contract="internship", start=D(2023, 7, 1))
    row = calc([person] + staff(3), year=2026).employees[0]
    assert row.counted_days == 181
    assert row.weighted_fte == pytest.approx(181 / 365 * 0.75)


def test_part_time_target_employee_starting_mid_year():
    # 20 h/week from 2025-09-01 (122 days): FTE 0.5 x 122/365; WW weight 0.75
    person = target("M", "ww", hours=20, start=D(2025, 9, 1))
    row = calc(staff(2) + [person]).employees[-1]
    assert row.fte == pytest.approx(0.5 * 122 / 365)
    assert row.weighted_fte == pytest.approx(0.5 * 122 / 365 * 0.75)


def test_seconded_wsw_employee_leaves_numerator_and_denominator():
    person = target("X", "wsw", contract="wsw_seconded", until=D(2030, 1, 1))
    result = calc(staff(4) + [person])
    assert result.total_fte == pytest.approx(4)
    assert result.weighted_target_fte == 0


# --- indirect -----------------------------------------------------------------------------------

def test_indirect_contribution_and_the_80_percent_cap():
    # 10 FTE, 1 Wajong: direct 10 %. Purchase 100k of a 1M turnover with 100 target FTE: 10 FTE attributable.
    # Uncapped indirect = 10 / (10 + 10) = 50 %; cap: indirect <= 4 x direct = 40 %; total 50 %.
    purchase = PurchaseInput("Sociaal Werkbedrijf", 100_000, 1_000_000, 100)
    result = calc(staff(9) + [target("W")], [purchase])
    assert result.attributable_fte == pytest.approx(10)
    assert result.indirect_pct_uncapped == pytest.approx(50)
    assert result.indirect_pct == pytest.approx(40)
    assert result.indirect_capped is True
    assert result.total_pct == pytest.approx(50)


def test_indirect_below_the_cap_is_taken_whole():
    purchase = PurchaseInput("PSO leverancier", 10_000, 1_000_000, 20)  # 0.2 FTE: 0.2 / 10.2
    result = calc(staff(9) + [target("W")], [purchase])
    assert result.indirect_pct == pytest.approx(100 * 0.2 / 10.2)
    assert not result.indirect_capped
    assert result.total_pct == pytest.approx(10 + 100 * 0.2 / 10.2)


def test_indirect_without_direct_counts_nothing():
    result = calc(staff(5), [PurchaseInput("SW", 50_000, 100_000, 10)])
    assert result.indirect_pct == 0 and result.indirect_capped


# --- norms --------------------------------------------------------------------------------------

def test_norms_on_a_published_row_are_not_indicative():
    assert norms_for_size(REF.norm_rows, 10) == ({"trede1": 6.7, "trede2": 9.0, "trede3": 15.5}, False)


def test_norms_between_rows_are_interpolated_and_indicative():
    norms, indicative = norms_for_size(REF.norm_rows, 12)  # 40 % of the way from 10 to 15
    assert norms == pytest.approx({"trede1": 6.5, "trede2": 8.6, "trede3": 14.5})
    assert indicative


def test_norms_above_105_are_flat():
    result = calc(staff(200))
    assert result.norms == {"trede1": 1.4, "trede2": 1.9, "trede3": 3.7}
    assert not result.norms_indicative
    assert norms_for_size(REF.norm_rows, 105) == norms_for_size(REF.norm_rows, 5000)


def test_a_full_table_is_not_indicative_between_whole_sizes():
    from qms.pso.reference import NormRow

    rows = tuple(NormRow(float(n), 30 - n / 10, 35 - n / 10, 40 - n / 10) for n in range(2, 106))
    norms, indicative = norms_for_size(rows, 12.5)
    assert not indicative and norms["trede1"] == pytest.approx(30 - 1.25)


def test_below_two_fte_has_no_norm():
    result = calc([target("W", hours=20), *staff(1, hours=20)])
    assert result.below_minimum and result.norms is None and result.level is None
    assert result.missing[0]["code"] == "below_minimum"


# --- trede, qualitative criteria, margins ---------------------------------------------------------

def test_trede_reached_only_when_the_qualitative_criteria_are_met():
    # 10 FTE with 2 Wajong: 20 % >= 15.5 (trede 3 at 10 FTE)
    assert calc(staff(8) + [target("A"), target("B")]).level == "trede3"
    lacking = calc(staff(8) + [target("A"), target("B", criteria=Criteria(True, True, False, False))])
    assert lacking.level_quantitative == 3 and lacking.level is None
    codes = {(m["code"], m.get("criterion")) for m in lacking.missing}
    assert ("criterion", "support") in codes and ("conversations", None) in codes
    conv = next(m for m in lacking.missing if m["code"] == "conversations")
    assert conv["share"] == 0.5 and conv["employees"] == ["B"]


def test_conversations_in_80_percent_of_dossiers_are_enough():
    people = [target(f"T{i}") for i in range(4)] + [target("T4", criteria=Criteria(True, True, False, True))]
    result = calc(staff(5) + people)
    assert result.conversation_share == pytest.approx(0.8) and result.qualitative_met


def test_level_is_the_highest_trede_whose_norm_is_met():
    # 10 FTE, 1 Wajong: 10 % -> trede 2 (9.0) but not trede 3 (15.5)
    result = calc(staff(9) + [target("W")])
    assert result.level == "trede2"
    margins = {m.trede: m for m in result.margins}
    assert margins[2].margin_pct == pytest.approx(1.0) and margins[2].extra_target_fte == 0
    # trede 3: (0.155 x 10 - 1) / (1 - 0.155) full-time hires, or 0.055 x 10 / 0.945 attributable FTE
    assert margins[3].margin_pct == pytest.approx(-5.5)
    assert margins[3].extra_target_fte == pytest.approx(0.55 / 0.845, abs=1e-4)
    assert margins[3].extra_attributable_fte == pytest.approx(0.55 / 0.945, abs=1e-4)


def test_no_target_group_reaches_no_trede():
    result = calc(staff(10))
    assert result.level is None and result.missing[0]["code"] == "below_norm"
    assert next(m for m in result.margins if m.trede == 1).extra_attributable_fte is None  # cap: needs direct


# --- PSO 30+ ------------------------------------------------------------------------------------

def test_pso30plus_excludes_apprentices_from_numerator_and_denominator():
    # 6 regular, 3 Wajong, 1 BBL level 2: direct (3 + 0.25) / 10 = 32.5 %; 30+: 3 / 9 = 33.3 %
    result = calc(staff(6) + [target(f"W{i}") for i in range(3)] + [target("B", "bbl2")])
    assert result.direct_pct == pytest.approx(32.5)
    assert result.pso30plus_total_fte == pytest.approx(9)
    assert result.pso30plus_pct == pytest.approx(100 / 3, abs=1e-3)
    assert result.pso30plus is True


def test_pso30plus_needs_30_percent_and_excludes_zero_hours_and_internships():
    people = [target("W1"), target("W2", contract="zero_hours"), target("W3", contract="internship")]
    result = calc(staff(7) + people)
    # counted for 30+: 7 regular + W1 = 8 FTE, 1 weighted -> 12.5 %
    assert result.pso30plus_total_fte == pytest.approx(8)
    assert result.pso30plus_pct == pytest.approx(12.5)
    assert result.pso30plus is False


# --- impossible input ---------------------------------------------------------------------------

@pytest.mark.parametrize("employees, purchases, message", [
    ([], [], "no employees"),
    ([EmployeeInput("N1", "regular", 40, D(2020, 1, 1), hours_worked=-5)], [], "N1: hours worked cannot be negative"),
    ([EmployeeInput("N2", "regular", 40, D(2025, 5, 1), D(2025, 4, 1))], [], "N2: the employment ends"),
    ([EmployeeInput("N3", "permanent", 40, D(2020, 1, 1))], [], "N3: unknown contract type 'permanent'"),
    ([EmployeeInput("N4", "regular", 40, D(2020, 1, 1), starting_position="wajong")], [], "N4: unknown starting"),
    ([EmployeeInput("N5", "regular", 40, D(2020, 1, 1), starting_position="ww")], [], "N5: .*intake date"),
    ([EmployeeInput("N6", "regular", 40, D(2026, 1, 1), hours_worked=100)], [], "N6: .*not employed in 2025"),
    ([EmployeeInput("N7", "regular", 0, D(2020, 1, 1))], [], "total FTE is zero"),
    (staff(3), [PurchaseInput("Nul BV", 10, 0, 3)], "supplier Nul BV: the supplier's turnover is zero"),
    (staff(3), [PurchaseInput("Groot", 10, 5, 3)], "supplier Groot: the invoices exceed"),
    (staff(3), [PurchaseInput("Min", -1, 5, 3)], "supplier Min: .*negative"),
    (staff(1) + staff(1), [], "E0: this id appears twice"),
])
def test_impossible_input_names_the_record(employees, purchases, message):
    with pytest.raises(CalculationError, match=message):
        calc(employees, purchases)


# --- JSON, forecast, reference flags ------------------------------------------------------------

def test_json_round_trip_gives_the_same_result():
    inp = CalculationInput(2025, tuple(staff(9) + [target("W", "participatiewet", start=D(2021, 3, 1))]),
                           (PurchaseInput("SW", 1000, 100000, 10),), 38)
    again = parse_input(input_to_json(inp))
    assert again == inp
    assert calculate(again, REF).total_pct == calculate(inp, REF).total_pct


def test_json_errors_name_the_record():
    with pytest.raises(CalculationError, match="employee #2: id is missing"):
        parse_input({"peiljaar": 2025, "employees": [{"id": "a", "contract_type": "regular", "hours_per_week": 1,
                                                       "start": "2020-01-01"}, {}]})
    with pytest.raises(CalculationError, match="employee a: start '2020-13-01' is not a date"):
        parse_input({"peiljaar": 2025, "employees": [{"id": "a", "contract_type": "regular", "hours_per_week": 1,
                                                       "start": "2020-13-01"}]})
    with pytest.raises(CalculationError, match="peiljaar"):
        parse_input({"employees": []})


def test_forecast_drops_leavers_and_names_windows_and_contracts_that_end():
    ending = target("P", "participatiewet", start=D(2021, 5, 1))        # window ends 2026-04-30
    leaving = EmployeeInput("L", "regular", 40, D(2015, 1, 1), D(2026, 8, 31))
    gone = EmployeeInput("G", "regular", 40, D(2015, 1, 1), D(2025, 6, 30))
    hire = target("NEW", start=D(2026, 3, 1))
    nxt, changes = forecast_input(CalculationInput(2025, (ending, leaving, gone, *staff(5))), REF, (hire,))
    assert nxt.peiljaar == 2026
    assert [e.id for e in nxt.employees] == ["P", "L", "E0", "E1", "E2", "E3", "E4", "NEW"]
    assert [(c.employee, c.kind, c.on) for c in changes] == [
        ("P", "window_ends", D(2026, 4, 30)), ("L", "contract_ends", D(2026, 8, 31))]
    result = calculate(nxt, REF)
    assert result.employees[0].counted_days == 120


def test_results_name_the_unconfirmed_values_they_rest_on():
    assert calc(staff(9) + [target("W")]).unconfirmed == ["norm_table"]
    used = calc(staff(9) + [target("B", "bbl1", contract="secondment")]).unconfirmed
    assert used == ["norm_table", "position:bbl1", "weights_multiply"]


def test_add_years_handles_29_february():
    assert add_years(D(2024, 2, 29), 5) == D(2029, 2, 28)
    assert add_years(D(2020, 7, 1), 5) == D(2025, 7, 1)
