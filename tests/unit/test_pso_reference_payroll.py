"""PSO reference-data parsing, payroll-file reading and chart geometry: pure, no app."""
import io

import pytest

from qms.pso import chart, payroll
from qms.pso.reference import FOLDER, Reference, ReferenceError, parse_norm_csv, parse_toml, shipped

SHIPPED = (FOLDER / "1.9.toml").read_text(encoding="utf-8")


def test_shipped_version_loads_with_its_flags():
    ref = shipped()["1.9"]
    assert ref.positions["participatiewet"].years == 5 and ref.positions["ww"].weight == 0.75
    assert ref.contracts["wsw_seconded"].excluded and ref.contracts["internship"].max_years == 3
    assert ref.indirect_cap == 0.8 and ref.norm_rows[-1].fte == 105 and not ref.norm_table_complete
    assert {"position:bbl1", "position:bbl2", "norm_table"} <= set(ref.unconfirmed_notes)
    assert Reference.from_json(ref.to_json()) == ref


@pytest.mark.parametrize("old, new, message", [
    ('weight = 0.75\n', 'weight = 1.75\n', r"ref.toml, line \d+: weight must be between 0 and 1"),
    ('window = "years"\nyears = 5\nlabel_nl = "Participatiewet',
     'window = "decades"\nyears = 5\nlabel_nl = "Participatiewet', r"ref.toml, line \d+: window must be one of"),
    ('[2, 21.4, 28.0, 33.0]', '[2, 29.4, 28.0, 33.0]', r"ref.toml, line \d+ \(norm table row 1\): the norms must rise"),
    ('[10, 6.7, 9.0, 15.5]', '[4, 6.7, 9.0, 15.5]', "must be sorted by size"),
    ('effective = 2021-04-01', 'effective = "april"', r"ref.toml, line 7: effective must be a date"),
    ('excluded_positions = ["bbl1", "bbl2"]', 'excluded_positions = ["bbl9"]', "'bbl9' is not a starting position"),
    ('code = "1.9"', 'code = [1]', "code must look like a version number"),
    ('[pso30plus]', '[pso30plus', "not valid TOML"),
])
def test_a_broken_version_is_refused_naming_file_and_line(old, new, message):
    assert old in SHIPPED
    with pytest.raises(ReferenceError, match=message):
        parse_toml(SHIPPED.replace(old, new, 1), "ref.toml")


def test_norm_table_csv_names_the_line():
    with pytest.raises(ReferenceError, match=r"t.csv, line 3: 'x' is not a number"):
        parse_norm_csv("fte,trede1,trede2,trede3\n2,1,2,3\n3,x,2,3\n", "t.csv")
    with pytest.raises(ReferenceError, match=r"t.csv, line 1: the header"):
        parse_norm_csv("size,a,b,c\n", "t.csv")
    with pytest.raises(ReferenceError, match=r"t.csv, line 2: expected 4 values"):
        parse_norm_csv("fte,trede1,trede2,trede3\n2,1,2\n3,1,2,3\n", "t.csv")
    rows = parse_norm_csv("fte,trede1,trede2,trede3\n2,21,28,33\n3,\"20,5\",27,32\n", "t.csv")
    assert rows[1].trede1 == 20.5


# --- payroll ----------------------------------------------------------------------------------

def test_payroll_csv_with_dutch_numbers_and_every_rejection():
    data = ("Personeelsnummer;Jaar;Uren\nA1;2025;1.234,50\nA2;2025;\nZZ;2025;5\nA3;2025;9000\nA1;2025;1\n"
            "A4;2024;10\n").encode("cp1252")
    preview = payroll.read("loon.csv", data, ["A1", "A2", "A3", "A4"], 2025)
    assert [(r.number, r.hours) for r in preview.rows] == [("A1", 1234.5)]
    assert [(r.line, r.reason) for r in preview.rejected] == [
        (3, "missing_value"), (4, "unknown_employee"), (5, "too_many_hours"), (6, "duplicate"), (7, "wrong_year")]


def test_payroll_english_headers_comma_separated_any_year():
    preview = payroll.read("x.csv", b"hours,number,year\n12.5,B,2024\n", ["B"])
    assert preview.rows[0].year == 2024 and preview.rows[0].hours == 12.5


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"naam;uren\nA;1\n", "missing_columns"), (b"PK\x03\x04garbage", "not_a_table"),
])
def test_unreadable_payroll_files(data, reason):
    with pytest.raises(payroll.PayrollError) as caught:
        payroll.read("f.csv", data, [])
    assert caught.value.reason == reason


def test_payroll_xlsx():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["jaar", "personeelsnummer", "uren"])
    book.active.append([2025, "C7", 1500])
    out = io.BytesIO()
    book.save(out)
    preview = payroll.read("uren.xlsx", out.getvalue(), ["C7"], 2025)
    assert [(r.line, r.number, r.hours) for r in preview.rows] == [(2, "C7", 1500.0)]


# --- chart ------------------------------------------------------------------------------------

def test_chart_places_years_and_trede_lines():
    drawn = chart.build([(2023, 8.0, False), (2024, 10.0, False), (2025, 12.0, True)],
                        {"trede1": 5.0, "trede2": 7.0, "trede3": 11.0})
    xs = [p.x for p in drawn.points]
    assert xs[0] < xs[1] < xs[2]
    assert drawn.points[1].y < drawn.points[0].y  # higher score is drawn higher
    assert [line.label for line in drawn.lines] == ["T1", "T2", "T3"]
    assert drawn.lines[2].y < drawn.lines[0].y
    assert drawn.polyline.count(",") == 2 and drawn.forecast_line.count(",") == 2
    assert chart.build([], None) is None


def test_payroll_dutch_thousands_are_read_by_the_file_notation():
    """"1.597" is 1,597 hours when the same column shows Dutch notation elsewhere, not 1.6 hours."""
    data = "Personeelsnummer;Jaar;Uren\nA1;2025;1.597\nA2;2025;1.234,5\nA3;2025;800\n".encode()
    preview = payroll.read("loon.csv", data, ["A1", "A2", "A3"], 2025)
    assert preview.notation == "nl"
    assert [(r.number, r.hours) for r in preview.rows] == [("A1", 1597), ("A2", 1234.5), ("A3", 800)]
    assert preview.persons == 3 and preview.total_hours == pytest.approx(3631.5)


def test_payroll_ambiguous_values_are_refused_with_a_reason():
    data = "Personeelsnummer;Jaar;Uren\nA1;2025;1.597\nA2;2025;800\n".encode()
    preview = payroll.read("loon.csv", data, ["A1", "A2"], 2025)
    assert preview.notation is None
    assert [(r.line, r.reason, r.value) for r in preview.rejected] == [(2, "ambiguous_hours", "1.597")]
    assert [r.number for r in preview.rows] == ["A2"]


def test_payroll_xlsx_numbers_are_exact():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["jaar", "personeelsnummer", "uren"])
    book.active.append([2025, "C7", 1.597])
    book.active.append([2025, "C8", 1597])
    out = io.BytesIO()
    book.save(out)
    preview = payroll.read("uren.xlsx", out.getvalue(), ["C7", "C8"], 2025)
    assert [(r.number, r.hours) for r in preview.rows] == [("C7", 1.6), ("C8", 1597)]
