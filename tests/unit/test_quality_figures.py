"""The figures of cleaning quality measurement, from plain data."""
import datetime as dt

from qms.quality_measurement import figures
from qms.quality_measurement.figures import Done

D = dt.date


def test_each_category_is_judged_on_its_own():
    results, accepted = figures.lot_result({"cleaning": 3, "supplies": 4}, ["cleaning", "supplies", "damage"], 3, 4)
    assert [(r.category, r.defects, r.accepted) for r in results] == [
        ("cleaning", 3, True), ("supplies", 4, False), ("damage", 0, True)]
    assert accepted is False
    assert figures.lot_result({"cleaning": 3}, ["cleaning", "supplies"], 3, 4)[1] is True


def test_summary_and_trend():
    done = [Done(D(2026, 1, 5), True, 13, {"cleaning": 1}), Done(D(2026, 1, 20), False, 13, {"cleaning": 3,
                                                                                          "supplies": 1}),
            Done(D(2026, 2, 3), True, 8, {})]
    s = figures.summary(done)
    assert (s.inspections, s.accepted, s.rejected, s.rooms, s.defects) == (3, 2, 1, 34, 5)
    assert round(s.acceptance_rate, 2) == 66.67 and round(s.defects_per_room, 4) == round(5 / 34, 4)
    trend = figures.monthly_trend(done, ["cleaning", "supplies"])
    assert trend == [((2026, 1), {"cleaning": 4 / 26, "supplies": 1 / 26}), ((2026, 2), {"cleaning": 0, "supplies": 0})]
    empty = figures.summary([])
    assert empty.acceptance_rate is None and empty.defects_per_room is None


def test_repeated_defects_are_the_same_room_and_element_twice():
    assert figures.repeated_defects({(1, "floor"): 2, (2, "desk"): 1}, {(1, "floor"): 1, (2, "glass"): 3}) == [
        (1, "floor")]
