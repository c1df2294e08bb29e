"""Catalogue spreadsheets and comparisons: reading with row-level errors, the diff and the transition rows."""
import datetime as dt
import io

from openpyxl import Workbook

from qms.catalogue import compare, spreadsheet
from qms.norms import CatalogueVersion, Level, Requirement

LEVELS = [Level("vca1", "VCA*", "VCA*"), Level("vca2", "VCA**", "VCA**")]
HEADER = ["code", "parent", "kind", "title_nl", "title_en", "hint_nl", "hint_en", "level:vca1", "level:vca2"]


def _cat(code, rows, crossrefs=None, changed=None, min_supp=None):
    reqs = {}
    for c, parent, kind, title, marks in rows:
        depth = reqs[parent].depth + 1 if parent else 0
        reqs[c] = Requirement("vca", code, c, parent, kind, title, title, "", "", depth,
                              dict(zip(("vca1", "vca2"), marks)) if marks else {})
    return CatalogueVersion("vca", code, code, code, dt.date(2026, 7, 1), "current", False, "", "", LEVELS,
                            min_supp or {}, reqs, crossrefs or {}, changed or {})


def _xlsx(rows, version=None, crossref=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "requirements"
    for row in rows:
        sheet.append(row)
    if version:
        meta = book.create_sheet("version")
        for row in version:
            meta.append(row)
    if crossref:
        x = book.create_sheet("crossref")
        for row in crossref:
            x.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_is_read_with_version_sheet_and_numeric_codes():
    data = _xlsx([HEADER, [1, None, "chapter", "Beleid", "Policy", None, None, None, None],
                  ["1.1", 1, "requirement", "Verklaring", "Statement", "h", "h", "must", "n.a."]],
                 version=[["key", "value"], ["title_nl", "VCA 2026/6.1"], ["effective", dt.date(2026, 7, 1)],
                          ["min_supplementary:vca2", 4]])
    parsed = spreadsheet.read_file("official.xlsx", data)
    assert parsed.errors == []
    cat, errors = spreadsheet.build(parsed, norm="vca", code="2026-6.1", levels=LEVELS, defaults=None, overrides={})
    assert errors == [] and cat.title_nl == "VCA 2026/6.1" and cat.effective == dt.date(2026, 7, 1)
    assert cat.requirements["1.1"].parent == "1" and cat.requirements["1.1"].applicability == {"vca1": "must",
                                                                                                "vca2": "na"}
    assert cat.min_supplementary == {"vca2": 4} and cat.source == "import"


def test_every_bad_row_is_reported_with_its_row_number():
    text = "\n".join([",".join(HEADER), "1,,chapter,A,A,,,,", "1.1,9,requirement,B,B,,,must,must",
                      "1.2,1,requirement,C,C,,,always,must", "1.2,1,requirement,D,D,,,must,must",
                      "1.3,1,requirement,,E,,,must,must", "1.4,1,fruit,F,F,,,must,must"])
    parsed = spreadsheet.read_file("list.csv", text.encode())
    cat, errors = spreadsheet.build(parsed, norm="vca", code="x", levels=LEVELS, defaults=None,
                                    overrides={"effective": "2026-07-01"})
    assert cat is None
    assert [(e.row, e.message) for e in errors] == [
        (3, "parent:9"), (4, "applicability:vca1:always"), (6, "title"), (7, "kind:fruit")]
    # The valid duplicate of 1.2 (row 5) is accepted because row 4 was refused: the error is on row 4 only.


def test_header_unknown_level_and_file_type_errors():
    assert spreadsheet.read_file("x.pdf", b"%PDF").errors[0].message == "unsupported"
    assert spreadsheet.read_file("x.xlsx", b"not a zip").errors[0].message == "not_xlsx"
    assert spreadsheet.read_file("x.csv", b"a,b\n1,2").errors[0].message == "header"
    parsed = spreadsheet.read_file("x.csv", (",".join(HEADER[:7] + ["level:vca9"]) + "\n1,,chapter,A,A,,,").encode())
    _cat_, errors = spreadsheet.build(parsed, norm="vca", code="x", levels=LEVELS, defaults=None,
                                      overrides={"effective": "2026-07-01"})
    assert [e.message for e in errors] == ["unknown_level:vca9"]


def test_export_reads_back_to_the_same_version():
    old = _cat("2017-6.0", [("1", None, "chapter", "A", None), ("1.1", "1", "requirement", "B", ("must", "must"))])
    new = _cat("2026-6.1", [("1", None, "chapter", "A", None), ("1.1", "1", "requirement", "B", ("must", "must")),
                            ("1.8", "1", "requirement", "Lead", ("na", "must"))],
               crossrefs={"2017-6.0": {"1.1": ["1.1"]}}, changed={"2017-6.0": {"1.1"}}, min_supp={"vca2": 4})
    new.replaces = "2017-6.0"
    parsed = spreadsheet.read_file("back.xlsx", spreadsheet.to_xlsx(new))
    again, errors = spreadsheet.build(parsed, norm="vca", code="2026-6.1", levels=LEVELS, defaults=None,
                                      overrides={})
    assert errors == [] and compare.diff(new, again).empty
    assert again.replaces == "2017-6.0" and parsed.crossref == [("1.1", "1.1", "changed")]
    assert spreadsheet.check_crossref(parsed.crossref, old, again) == []
    csv_back = spreadsheet.read_file("back.csv", spreadsheet.to_csv(new))
    assert [r["code"] for r in csv_back.requirements] == ["1", "1.1", "1.8"]


def test_diff_names_added_removed_changed_and_markings():
    old = _cat("a", [("1", None, "chapter", "A", None), ("1.1", "1", "requirement", "B", ("must", "must")),
                     ("1.2", "1", "requirement", "C", ("na", "must"))], min_supp={"vca2": 4})
    new = _cat("b", [("1", None, "chapter", "A", None), ("1.1", "1", "requirement", "B2", ("must", "must")),
                     ("1.3", "1", "requirement", "D", ("na", "supplementary"))], min_supp={"vca2": 3})
    d = compare.diff(old, new)
    assert d.added == ["1.3"] and d.removed == ["1.2"] and d.changed == {"1.1": ["title_nl", "title_en"]}
    assert d.min_supplementary == {"vca2": (4, 3)} and not d.empty
    marked = _cat("c", [("1", None, "chapter", "A", None), ("1.1", "1", "requirement", "B", ("supplementary", "must")),
                        ("1.2", "1", "requirement", "C", ("na", "must"))], min_supp={"vca2": 4})
    assert compare.diff(old, marked).applicability == [("1.1", "vca1", "must", "supplementary")]


def test_transition_rows_carry_over_flag_new_and_changed_gaps():
    old = _cat("a", [("1", None, "chapter", "A", None), ("1.1", "1", "requirement", "B", ("must", "must")),
                     ("1.2", "1", "requirement", "C", ("must", "must"))])
    new = _cat("b", [("1", None, "chapter", "A", None), ("1.1", "1", "requirement", "B", ("must", "must")),
                     ("1.2", "1", "requirement", "C", ("must", "must")),
                     ("1.8", "1", "requirement", "Lead", ("na", "must"))],
               crossrefs={"a": {"1.1": ["1.1"], "1.2": ["1.2"]}}, changed={"a": {"1.2"}})
    rows = {r.code: r for r in compare.transition_rows(old, new, {"1.1", "1.2"}, set(), "vca2")}
    assert rows["1.1"].kind == compare.CARRIED and rows["1.1"].has_evidence and not rows["1.1"].gap
    assert rows["1.2"].kind == compare.CHANGED and rows["1.2"].gap
    assert rows["1.8"].kind == compare.NEW and rows["1.8"].gap
    # Out of scope for VCA*: not listed at all; evidence on the new version itself closes a gap.
    assert "1.8" not in {r.code for r in compare.transition_rows(old, new, set(), set(), "vca1")}
    assert not {r.code: r for r in compare.transition_rows(old, new, set(), {"1.8"}, "vca2")}["1.8"].gap


def test_default_due_date_lies_before_the_deadline_and_never_in_the_past():
    today = dt.date(2026, 12, 3)
    assert compare.default_due(dt.date(2029, 9, 30), today) == dt.date(2029, 8, 31)
    assert compare.default_due(dt.date(2026, 7, 1), today) == dt.date(2026, 12, 17)
    assert compare.default_due(None, today) == dt.date(2027, 3, 3)
