"""Which PSO handbook applies and its own rules (Aspirant extensions, base level), as data (no app, no database)."""
import dataclasses
import datetime as dt

import pytest

from qms.pso import versions
from qms.pso.reference import FOLDER, ReferenceError, parse_toml, shipped
from qms.pso.scoring import CalculationInput, Criteria, EmployeeInput

D = dt.date
REFS = shipped()
ALL_MET = Criteria(True, True, True, True)


def _input(targets: int, total: int = 20, year: int = 2025, position: str = "wia_wajong") -> CalculationInput:
    people = [EmployeeInput(f"E{i}", "regular", 40, D(2015, 1, 1)) for i in range(total - targets)]
    people += [EmployeeInput(f"T{i}", "regular", 40, D(2015, 1, 1), starting_position=position,
                             intake_date=D(2024, 6, 1), criteria=ALL_MET) for i in range(targets)]
    return CalculationInput(year, tuple(people))


def test_the_handbook_follows_the_date_of_the_definitive_application():
    assert versions.version_for_application(REFS, D(2026, 3, 15)).code == "2.1"
    assert versions.version_for_application(REFS, D(2023, 3, 31)).code == "2.0"
    assert versions.version_for_application(REFS, D(2022, 1, 10)).code == "1.9"
    assert versions.version_for_application(REFS, D(2019, 1, 1)).code == "1.9"  # before any: the oldest


def test_a_2026_application_is_scored_under_2_1_with_one_aspirant_extension_at_most():
    out = versions.score_application(_input(1), REFS, D(2026, 2, 1), aspirant_extensions=1)
    assert out.version == "2.1" and out.result.reference_version == "2.1"
    assert out.max_aspirant_extensions == 1 and out.extension_possible is False
    assert versions.score_application(_input(1), REFS, D(2026, 2, 1), aspirant_extensions=0).extension_possible
    # The same register under 1.9 (an application from 2022) still allows a second extension.
    old = versions.score_application(_input(1), REFS, D(2022, 2, 1), aspirant_extensions=1)
    assert old.version == "1.9" and old.max_aspirant_extensions == 2 and old.extension_possible is True


def test_base_level_from_the_shipped_share_is_unconfirmed_and_absent_before_2_1():
    # 20 FTE: the level-1 norm is 5.7 %; one target-group FTE of 20 gives 5 %: below level 1, above half of it.
    out = versions.score_application(_input(1), REFS, D(2026, 2, 1))
    assert out.result.level is None and out.result.total_pct == pytest.approx(5.0)
    assert out.basis_threshold == pytest.approx(2.85) and out.basis_reached and out.level == "basis"
    assert not out.basis_confirmed and "basistrede" in out.unconfirmed
    old = versions.score_application(_input(1), REFS, D(2022, 2, 1))
    assert old.basis_threshold is None and old.level is None and "basistrede" not in old.unconfirmed
    # A level reached: the base level does not replace it.
    assert versions.score_application(_input(2), REFS, D(2026, 2, 1)).level == "trede2"


def test_loaded_base_level_rows_replace_the_share_and_count_as_confirmed():
    ref = dataclasses.replace(REFS["2.1"], basis_rows=((2.0, 10.0), (15.0, 6.0), (50.0, 2.0)), basis_confirmed=True)
    assert versions.basis_threshold(ref, 20, 5.7) == 6.0
    assert versions.basis_threshold(ref, 1.0, None) == 10.0
    out = versions.apply_rules(versions.score_application(_input(1), REFS, D(2026, 2, 1)).result, ref)
    assert not out.basis_reached and out.level is None and "basistrede" not in out.unconfirmed


def test_ukraine_rule_is_a_starting_position_of_2_1_only():
    assert "oekraine_rtbo" in REFS["2.1"].positions and "oekraine_rtbo" not in REFS["1.9"].positions
    out = versions.score_application(_input(1, position="oekraine_rtbo"), REFS, D(2026, 2, 1))
    assert out.result.weighted_target_fte == pytest.approx(1.0) and "position:oekraine_rtbo" in out.unconfirmed


def test_the_rules_are_checked_when_loaded():
    text = (FOLDER / "2.1.toml").read_text(encoding="utf-8")
    assert parse_toml(text, "2.1.toml").max_aspirant_extensions == 1
    with pytest.raises(ReferenceError, match="max_extensions"):
        parse_toml(text.replace("max_extensions = 1", "max_extensions = -1"), "2.1.toml")
    with pytest.raises(ReferenceError, match="share_of_trede1"):
        parse_toml(text.replace("share_of_trede1 = 0.5\n", ""), "2.1.toml")
    loaded = parse_toml(text.replace("share_of_trede1 = 0.5\nconfirmed = false",
                                     "rows = [[2, 9.0], [20, 3.0]]\nconfirmed = true"), "2.1.toml")
    assert loaded.basis_rows == ((2.0, 9.0), (20.0, 3.0)) and "basistrede" not in loaded.unconfirmed_notes
