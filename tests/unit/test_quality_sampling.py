"""The sampling engine against hand-looked-up lots (ISO 2859-1 tables 1 and 2-A, normal inspection)."""
import pytest

from qms.quality_measurement import sampling
from qms.quality_measurement.sampling import NoPlan, TableError

T = sampling.shipped()


@pytest.mark.parametrize("lot, level, letter", [
    (2, "II", "A"), (8, "II", "A"), (9, "II", "B"), (50, "II", "D"), (51, "II", "E"), (500, "II", "H"),
    (501, "II", "J"), (1200, "I", "G"), (1201, "III", "L"), (10_000, "S-4", "G"), (35_001, "S-1", "D"),
    (500_001, "III", "R"), (26, "S-2", "B"), (151, "S-3", "D"), (90, "I", "C"), (8, "III", "B"),
])
def test_code_letters(lot, level, letter):
    assert sampling.code_letter(T, lot, level) == letter


def test_sample_sizes_per_letter():
    assert [sampling.sample_size(T, letter) for letter in "ABCDEFGHJKLMNPQR"] == [
        2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000]


def test_lot_500_level_ii_aql_2_5():
    plan = sampling.plan(T, 500, "II", "2.5")
    assert (plan.code_letter, plan.plan_letter, plan.sample_size, plan.ac, plan.re) == ("H", "H", 50, 3, 4)
    assert not plan.full_inspection
    assert sampling.accepted(3, plan) and not sampling.accepted(4, plan)


def test_lot_50_level_ii_gives_d_and_eight():
    plan = sampling.plan(T, 50, "II", "6.5")
    assert (plan.code_letter, plan.sample_size, plan.ac, plan.re) == ("D", 8, 1, 2)


@pytest.mark.parametrize("lot, aql, n, ac, re", [
    (1000, "1.0", 80, 2, 3),    # J
    (1000, "4.0", 80, 7, 8),
    (3000, "0.65", 125, 2, 3),  # K
    (280, "10", 32, 7, 8),      # G
    (150, "4.0", 20, 2, 3),     # F
    (90, "15", 13, 5, 6),       # E
    (600_000, "1.0", 1250, 21, 22),
])
def test_plans_without_arrows(lot, aql, n, ac, re):
    plan = sampling.plan(T, lot, "II", aql)
    assert (plan.sample_size, plan.ac, plan.re) == (n, ac, re)
    assert plan.plan_letter == plan.code_letter


def test_arrow_up_uses_the_smaller_sample_above():
    # Lot 50, level II → D (n=8); at AQL 2.5 row D holds ↑: C's plan, n=5, Ac 0 Re 1.
    plan = sampling.plan(T, 50, "II", "2.5")
    assert (plan.code_letter, plan.plan_letter, plan.sample_size, plan.ac, plan.re) == ("D", "C", 5, 0, 1)


def test_arrow_down_uses_the_larger_sample_below():
    # Lot 50, level II → D; at AQL 0.65 rows D and E hold ↓, F holds 0/1 (n=20).
    plan = sampling.plan(T, 50, "II", "0.65")
    assert (plan.plan_letter, plan.sample_size, plan.ac, plan.re) == ("F", 20, 0, 1)
    # Lot 500, level II → H; at AQL 0.65 H holds ↓: J's plan, n=80, Ac 1 Re 2.
    plan = sampling.plan(T, 500, "II", "0.65")
    assert (plan.code_letter, plan.plan_letter, plan.sample_size, plan.ac, plan.re) == ("H", "J", 80, 1, 2)


def test_arrow_up_from_h():
    # Lot 500 → H; at AQL 0.40 H holds ↑: G's 0/1 with n=32.
    plan = sampling.plan(T, 500, "II", "0.40")
    assert (plan.plan_letter, plan.sample_size, plan.ac, plan.re) == ("G", 32, 0, 1)


def test_sample_as_large_as_the_lot_means_full_inspection():
    # Lot 8, level II → A (n=2) at AQL 1.0: ↓ to the 0/1 plan of E (n=13) ≥ 8 rooms: all 8 are inspected.
    plan = sampling.plan(T, 8, "II", "1.0")
    assert plan.full_inspection and plan.sample_size == 8 and (plan.ac, plan.re) == (0, 1)
    exact = sampling.plan(T, 13, "III", "1.0")  # 13 → C at III … ↓ to E, n = 13 = lot
    assert exact.full_inspection and exact.sample_size == 13


def test_arrow_off_the_table_is_no_plan():
    with pytest.raises(NoPlan):
        sampling.plan(T, 5, "II", "10")  # A at AQL 10 points up, and there is no row above A


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        sampling.plan(T, 50, "IV", "2.5")
    with pytest.raises(ValueError):
        sampling.plan(T, 50, "II", "3.0")
    with pytest.raises(ValueError):
        sampling.plan(T, 1, "II", "2.5")


def test_draw_is_reproducible_and_within_the_lot():
    rooms = list(range(100, 160))
    first = sampling.draw(12345, rooms, 13)
    assert first == sampling.draw(12345, reversed(rooms), 13)
    assert len(set(first)) == 13 and set(first) <= set(rooms)
    assert sampling.draw(54321, rooms, 13) != first
    assert sorted(sampling.draw(1, [3, 1, 2], 8)) == [1, 2, 3]


def test_corrections_are_checked():
    data = sampling.shipped_data()
    changed = sampling.with_cell(data, "H", "2.5", "4/5")
    assert sampling.plan(sampling.tables_from_data(changed), 500, "II", "2.5").ac == 4
    assert sampling.plan(T, 500, "II", "2.5").ac == 3  # the original is untouched
    with pytest.raises(TableError):
        sampling.with_cell(data, "H", "2.5", "4/4")
    with pytest.raises(TableError):
        sampling.with_cell(data, "H", "2.5", "maybe")
    moved = sampling.with_letter(data, 26, "II", "E")
    assert sampling.code_letter(sampling.tables_from_data(moved), 50, "II") == "E"
    with pytest.raises(TableError):
        sampling.with_letter(data, 26, "II", "Z")


def test_the_master_table_diagonals():
    """Every row holds 0/1, then ↑ ↓, then 1/2, 2/3, 3/4, 5/6 … one AQL step further left per larger row."""
    zero_one = {letter: T.master[letter].index("0/1") for letter in "ABCDEFGHJKLMNPQ"}
    assert [T.aql_values[i] for i in zero_one.values()] == [
        "6.5", "4.0", "2.5", "1.5", "1.0", "0.65", "0.40", "0.25", "0.15", "0.10", "0.065", "0.040", "0.025",
        "0.015", "0.010"]
    assert sampling.cell_label(T.master["H"][T.aql_values.index("2.5")]) == "3 / 4"
    assert sampling.cell_label(T.master["H"][T.aql_values.index("0.65")]) == "↓"
