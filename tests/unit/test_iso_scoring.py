"""ISO 9001 pure calculations: risk scoring and matrix, objective evaluation and chart, supplier scores,
complaint handling, competence status and learning-path progress."""
import datetime as dt
from decimal import Decimal

import pytest

from qms.core.transitions import can_move
from qms.iso9001 import scoring
from qms.iso9001.models.customers import COMPLAINT_TRANSITIONS, ComplaintState

TODAY = dt.date(2026, 11, 22)


# --- risks --------------------------------------------------------------------------------------

def test_risk_score_is_likelihood_times_impact_and_refuses_values_off_the_scale():
    assert scoring.risk_score(4, 5) == 20
    assert scoring.risk_score(1, 1) == 1
    for bad in [(0, 3), (3, 6), (-1, 2)]:
        with pytest.raises(ValueError):
            scoring.risk_score(*bad)


@pytest.mark.parametrize("score, level", [(1, "low"), (4, "low"), (5, "medium"), (9, "medium"), (10, "high"),
                                          (25, "high")])
def test_risk_levels_have_fixed_boundaries(score, level):
    assert scoring.risk_level(score) == level


def test_the_matrix_counts_per_cell_with_the_highest_impact_on_top():
    grid = scoring.risk_matrix([(1, 5), (1, 5), (5, 1), (3, 3)])
    assert len(grid) == 5 and all(len(row) == 5 for row in grid)
    assert [c.impact for c in grid[0]] == [5] * 5 and [c.likelihood for c in grid[0]] == [1, 2, 3, 4, 5]
    assert grid[0][0].count == 2 and grid[4][4].count == 1 and grid[2][2].count == 1
    assert sum(c.count for row in grid for c in row) == 4
    assert grid[0][4].level == "high" and grid[4][0].level == "low"


# --- objectives ---------------------------------------------------------------------------------

def test_objective_status_reads_the_latest_measurement_in_the_right_direction():
    assert scoring.objective_status("at_least", Decimal("7.5"), []) == scoring.NO_DATA
    assert scoring.objective_status("at_least", Decimal("7.5"), [Decimal(8), Decimal("7.4")]) == scoring.OFF_TARGET
    assert scoring.objective_status("at_least", Decimal("7.5"), [Decimal(6), Decimal("7.5")]) == scoring.ON_TARGET
    assert scoring.objective_status("at_most", Decimal(3), [Decimal(2)]) == scoring.ON_TARGET
    assert scoring.objective_status("at_most", Decimal(3), [Decimal("3.01")]) == scoring.OFF_TARGET


def test_the_chart_places_points_left_to_right_and_higher_values_higher():
    points = [(TODAY - dt.timedelta(days=60), Decimal(5)), (TODAY - dt.timedelta(days=30), Decimal(9)),
              (TODAY, Decimal(7))]
    chart = scoring.chart("at_least", Decimal(8), points, width=320, height=180)
    xs = [d[0] for d in chart.dots]
    ys = [d[1] for d in chart.dots]
    assert xs == sorted(xs) and xs[0] < xs[-1] <= 320
    assert ys[1] < ys[2] < ys[0]  # SVG y grows downwards
    assert ys[1] < chart.target_y < ys[2]  # 9 above the target line of 8, 7 below
    assert [d[4] for d in chart.dots] == [False, True, False]
    assert chart.points.count(",") == 3 and len(chart.ticks) == 5
    assert all(12 <= y <= 180 - 12 for y in ys + [chart.target_y])


def test_a_single_measurement_equal_to_the_target_still_draws():
    chart = scoring.chart("at_most", Decimal(3), [(TODAY, Decimal(3))])
    assert len(chart.dots) == 1 and chart.dots[0][4] is True and chart.y_min < 3 < chart.y_max


# --- suppliers ----------------------------------------------------------------------------------

def test_supplier_score_is_weighted_from_one_to_five():
    assert sum(scoring.CRITERIA.values()) == 100
    assert scoring.supplier_score(dict.fromkeys(scoring.CRITERIA, 5)) == 100
    assert scoring.supplier_score(dict.fromkeys(scoring.CRITERIA, 1)) == 0
    assert scoring.supplier_score(dict.fromkeys(scoring.CRITERIA, 3)) == 50
    only_quality = dict.fromkeys(scoring.CRITERIA, 1) | {"quality": 5}
    assert scoring.supplier_score(only_quality) == scoring.CRITERIA["quality"]
    with pytest.raises(ValueError):
        scoring.supplier_score(dict.fromkeys(scoring.CRITERIA, 3) | {"price": 6})
    with pytest.raises(ValueError):
        scoring.supplier_score({"quality": 3})


# --- complaints ---------------------------------------------------------------------------------

def test_deadlines_handling_times_and_overdue():
    assert scoring.default_deadline("complaint", TODAY) == TODAY + dt.timedelta(days=10)
    assert scoring.default_deadline("compliment", TODAY) == TODAY + dt.timedelta(days=20)
    assert scoring.handling_days(TODAY, TODAY + dt.timedelta(days=4)) == 4
    assert scoring.handling_days(TODAY, None) is None
    assert scoring.average_days([2, 3, None, 4]) == Decimal("3.0")
    assert scoring.average_days([None]) is None
    assert scoring.overdue(TODAY - dt.timedelta(days=1), False, TODAY)
    assert not scoring.overdue(TODAY - dt.timedelta(days=1), True, TODAY)
    assert not scoring.overdue(TODAY, False, TODAY)


def test_complaint_transitions_end_in_closed():
    assert can_move(COMPLAINT_TRANSITIONS, ComplaintState.RECEIVED, ComplaintState.IN_PROGRESS)
    assert can_move(COMPLAINT_TRANSITIONS, ComplaintState.ANSWERED, ComplaintState.CLOSED)
    assert not can_move(COMPLAINT_TRANSITIONS, ComplaintState.RECEIVED, ComplaintState.ANSWERED)
    assert not any(can_move(COMPLAINT_TRANSITIONS, ComplaintState.CLOSED, s) for s in ComplaintState)


# --- competence ---------------------------------------------------------------------------------

def proof(kind, days, title="Diploma"):
    return scoring.Proof(kind, title, None if days is None else TODAY + dt.timedelta(days=days))


def test_a_valid_training_of_the_right_kind_meets_the_competence():
    assert scoring.competence_status(1, "b_vca", None, [proof("b_vca", 900)], TODAY) == scoring.MET
    assert scoring.competence_status(1, "b_vca", None, [proof("b_vca", None)], TODAY) == scoring.MET
    assert scoring.competence_status(1, "b_vca", None, [proof("bhv", 900)], TODAY) == scoring.MISSING
    assert scoring.competence_status(1, "b_vca", None, [], TODAY) == scoring.MISSING


def test_expiring_and_expired_training():
    assert scoring.competence_status(1, "bhv", None, [proof("bhv", 30)], TODAY) == scoring.EXPIRING
    assert scoring.competence_status(1, "bhv", None, [proof("bhv", -1)], TODAY) == scoring.MISSING
    # a renewed certificate beats the one that runs out
    assert scoring.competence_status(1, "bhv", None, [proof("bhv", 30), proof("bhv", 700)], TODAY) == scoring.MET


def test_training_title_narrows_other_training_and_evidence_counts_for_its_own_competence():
    records = [proof("other", 500, "Cursus hoogwerker IPAF")]
    assert scoring.competence_status(1, "other", "hoogwerker", records, TODAY) == scoring.MET
    assert scoring.competence_status(1, "other", "hygiëne", records, TODAY) == scoring.MISSING
    evidence = [scoring.Proof(None, "beoordeeld op de werkvloer", None, competence_id=7)]
    assert scoring.competence_status(7, None, None, evidence, TODAY) == scoring.MET
    assert scoring.competence_status(8, None, None, evidence, TODAY) == scoring.MISSING


def test_combined_status_takes_the_worst():
    assert scoring.combined_status(["met", "expiring", "missing"]) == "missing"
    assert scoring.combined_status(["met", "expiring"]) == "expiring"
    assert scoring.combined_status(["met"]) == "met"
    assert scoring.combined_status([]) == "met"


def test_learning_path_progress():
    assert scoring.progress([10, 11, 12], [10]) == (1, 3, 11)
    assert scoring.progress([10, 11, 12], [10, 11, 12]) == (3, 3, None)
    assert scoring.progress([10, 11, 12], [11, 99]) == (1, 3, 10)
    assert scoring.progress([], []) == (0, 0, None)
