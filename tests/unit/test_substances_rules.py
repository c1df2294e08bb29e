"""Pure rules of the hazardous substances register: CAS numbers, sheet status, the reference files."""
import datetime as dt
import pathlib
import tomllib

import pytest

from qms.vca.substances import rules

DAY = dt.date(2026, 12, 3)
SHIPPED = pathlib.Path(rules.__file__).parent / "reference" / "hazard_codes.toml"
MESSAGES = {"no_header": "no header", "cas": "bad cas %(value)s", "name": "bad name %(value)s",
            "category": "bad category %(value)s", "twice": "twice %(value)s"}


@pytest.mark.parametrize("value, ok", [("7732-18-5", True), ("7647-01-0", True), ("872-50-4", True),
                                       ("7647-01-1", False), ("7647010", False), ("", False), ("12-34-5x", False)])
def test_cas_numbers_are_checked_by_their_check_digit(value, ok):
    assert rules.valid_cas(value) is ok


def test_codes_are_normalised_and_deduplicated():
    assert rules.normalise_codes("h314, H290;p280  H314") == ["H314", "H290", "P280"]
    assert rules.code_looks_valid("P305+P351+P338") and rules.code_looks_valid("EUH031")
    assert not rules.code_looks_valid("X12") and rules.code_looks_valid("H360D")


def test_sheet_status_missing_current_outdated_and_newer_announced():
    assert rules.sheet_status(False, None, None, None, 3, DAY).code == "missing"
    assert rules.sheet_status(True, None, None, None, 3, DAY).code == "missing"
    current = rules.sheet_status(True, dt.date(2025, 1, 10), None, None, 3, DAY)
    assert current.ok and current.due == dt.date(2028, 1, 10)
    old = rules.sheet_status(True, dt.date(2023, 1, 10), None, None, 3, DAY)
    assert old.code == "outdated" and old.due == dt.date(2026, 1, 10)
    # a check with the supplier restarts the period; a shorter setting makes it outdated sooner
    assert rules.sheet_status(True, dt.date(2023, 1, 10), dt.date(2026, 6, 1), None, 3, DAY).ok
    assert rules.sheet_status(True, dt.date(2025, 1, 10), None, None, 1, DAY).code == "outdated"
    assert rules.sheet_status(True, dt.date(2026, 1, 10), None, dt.date(2026, 11, 1), 3, DAY).code == "newer"
    assert rules.add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


def test_the_shipped_hazard_code_file_reads_and_covers_every_pictogram():
    version, rows = rules.parse_hazard_codes(SHIPPED.read_text(encoding="utf-8"))
    codes = {r.code: r for r in rows}
    assert version and set(rules.PICTOGRAMS) <= codes.keys()
    assert {"H314", "H290", "EUH031", "P280", "P305+P351+P338"} <= codes.keys()
    assert all(r.text_nl and r.text_en and r.text_nl != r.text_en for r in rows)
    assert {r.kind for r in rows} == {"pictogram", "hazard", "precaution"}
    assert len(tomllib.loads(SHIPPED.read_text(encoding="utf-8"))["code"]) == len(rows)


def test_a_bad_hazard_code_file_lists_every_problem():
    text = ('version = "x"\n[[code]]\ncode = "H314"\nkind = "hazard"\nnl = "a"\nen = "b"\n'
            '[[code]]\ncode = "H314"\nkind = "hazard"\nnl = "a"\nen = "b"\n'
            '[[code]]\ncode = "ZZ9"\nkind = "hazard"\nnl = "a"\nen = "b"\n'
            '[[code]]\ncode = "P280"\nkind = "other"\nnl = "a"\nen = "b"\n')
    with pytest.raises(rules.ReferenceError_) as error:
        rules.parse_hazard_codes(text)
    assert [row for row, _msg in error.value.errors] == [2, 3, 4]
    with pytest.raises(rules.ReferenceError_):
        rules.parse_hazard_codes("this is = not toml [")


@pytest.mark.parametrize("text, expected", [("C", "C"), ("r", "R"), ("M; C", "CM"), ("Kankerverwekkend", "C"),
                                            ("1B R", "R"), ("CMR", "CMR"), ("xyz", None), ("", None)])
def test_categories_are_read_from_letters_or_words(text, expected):
    assert rules.category_of(text) == expected


def test_the_cmr_list_is_read_with_row_level_errors():
    rows = [(1, ["SZW-lijst, juli"]), (2, ["CAS-nummer", "Naam", "Categorie"]),
            (3, ["50-00-0", "Formaldehyde", "C"]), (4, ["872-50-4", "NMP", "R"]), (5, ["", "", ""]),
            (6, ["872-50-5", "Wrong digit", "R"]), (7, ["50-00-0", "Again", "C"]), (8, ["71-43-2", "Benzeen", "Q"]),
            (9, ["10043-35-3", "", "R"])]
    preview = rules.parse_cmr_rows(rows, MESSAGES)
    assert [(r.line, r.cas, r.category) for r in preview.rows] == [(3, "50-00-0", "C"), (4, "872-50-4", "R")]
    assert preview.errors == [(6, "bad cas 872-50-5"), (7, "twice 50-00-0"), (8, "bad category Q"),
                              (9, "bad name ")]
    assert preview.problem is None
    assert rules.parse_cmr_rows([(1, ["a", "b"]), (2, ["c", "d"])], MESSAGES).problem == "no header"


def test_register_figures_rules():
    f = rules.RegisterFigures(products=4, sheets_current=4, cmr_products=1, cmr_registered=1,
                              cmr_substitution_decided=0, with_card_text=4, confirmations=2)
    assert f.sheets_ok and f.cards_ok and not f.cmr_ok
    assert rules.RegisterFigures(0, 0, 0, 0, 0, 0, 0).cmr_ok and not rules.RegisterFigures(0, 0, 0, 0, 0, 0, 0).sheets_ok
