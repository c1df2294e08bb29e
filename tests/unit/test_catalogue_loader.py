"""The catalogue loader: every malformed file is refused with its name and line; a good folder loads whole.

No app and no database: small catalogue folders are written into ``tmp_path``. The last tests build a
throwaway norm package to prove the app refuses to start on a malformed catalogue.
"""
import datetime as dt
import re
import sys
import textwrap
import uuid

import pytest

from qms import create_app
from qms.norms import CatalogueError, Norm, anchor, load_catalogue_folder

HEADER = "code,parent,kind,title_nl,title_en,hint_nl,hint_en"
LEVELS = """
[[levels]]
code = "vca1"
name_nl = "VCA*"
name_en = "VCA*"

[[levels]]
code = "vca2"
name_nl = "VCA**"
name_en = "VCA**"

[min_supplementary]
vca1 = 0
vca2 = 1
"""


def manifest(code="2015", status="current", extra="", **override) -> str:
    keys = {"code": f'"{code}"', "title_nl": '"Testnorm"', "title_en": '"Test norm"', "effective": "2015-09-15",
            "status": f'"{status}"'}
    keys.update(override)
    lines = [f"{k} = {v}" for k, v in keys.items() if v is not None]
    return "\n".join(lines) + "\n" + textwrap.dedent(extra)


GOOD_CSV = f'''{HEADER}
4,,chapter,Context,Context,,
4.1,4,requirement,Factoren,Issues,Hint NL,Hint EN
4.2,4,requirement,Belanghebbenden,Interested parties,,
5,,chapter,Leiderschap,Leadership,,
5.1,5,chapter,Leiderschap en betrokkenheid,Leadership and commitment,,
5.1.1,5.1,requirement,Algemeen,General,"Met komma, en ""quote""","With comma, and ""quote"""
'''

GRADED_CSV = f"""{HEADER},level:vca1,level:vca2
1,,chapter,Beleid,Policy,,,,
1.1,1,requirement,Beleidsverklaring,Policy statement,,,must,must
1.2,1,requirement,Doelen,Objectives,,,na,supplementary
1.3,1,requirement,Audit,Audit,,,na,must
"""


def write(folder, files: dict[str, str]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text) if name.endswith(".toml") else text, encoding="utf-8")
    return folder


def load(tmp_path, files: dict[str, str]):
    return load_catalogue_folder("testnorm", write(tmp_path / "catalogue", files))


def refused(tmp_path, files: dict[str, str], file: str, line: int | None, words: str) -> str:
    """Assert the folder is refused with a message naming ``file``:``line`` and containing ``words``."""
    with pytest.raises(CatalogueError) as caught:
        load(tmp_path, files)
    message = str(caught.value)
    where = f"{tmp_path / 'catalogue' / file}"
    assert where in message, message
    if line is not None:
        assert re.search(rf"{re.escape(where)}:{line}\b|\(at line {line},", message), message
    assert words in message, message
    return message


# --- a good folder ------------------------------------------------------------------------------

def test_a_good_folder_loads_with_depth_parents_and_order(tmp_path):
    versions = load(tmp_path, {"2015.toml": manifest(note_nl='"Let op"', note_en='"Note"'), "2015.csv": GOOD_CSV})
    cat = versions["2015"]
    assert cat.effective == dt.date(2015, 9, 15) and cat.status == "current" and not cat.provisional
    assert (cat.note_nl, cat.note_en) == ("Let op", "Note")
    assert list(cat.requirements) == ["4", "4.1", "4.2", "5", "5.1", "5.1.1"]
    deep = cat.requirements["5.1.1"]
    assert (deep.parent, deep.depth, deep.kind) == ("5.1", 2, "requirement")
    assert cat.requirements["5.1"].depth == 1 and cat.requirements["4"].parent is None
    assert deep.hint_en == 'With comma, and "quote"'
    assert deep.key == ("testnorm", "2015", "5.1.1")
    assert cat.requirement_count == 3
    assert [r.code for r in cat.children(None)] == ["4", "5"]
    assert cat.levels == [] and not cat.has_applicability


def test_search_keeps_ancestors_of_hits_in_catalogue_order(tmp_path):
    cat = load(tmp_path, {"2015.toml": manifest(), "2015.csv": GOOD_CSV})["2015"]
    assert [r.code for r in cat.search("QUOTE")] == ["5", "5.1", "5.1.1"]
    assert cat.matches("quote") == {"5.1.1"}
    assert [r.code for r in cat.search("belanghebbenden")] == ["4", "4.2"]
    assert cat.search("nothing like this") == []
    assert len(cat.search("  ")) == 6


def test_level_columns_give_applicability_per_level(tmp_path):
    cat = load(tmp_path, {"2017.toml": manifest("2017", extra=LEVELS), "2017.csv": GRADED_CSV})["2017"]
    assert [lv.code for lv in cat.levels] == ["vca1", "vca2"]
    assert cat.min_supplementary == {"vca1": 0, "vca2": 1}
    assert cat.requirements["1.2"].applicability == {"vca1": "na", "vca2": "supplementary"}
    assert cat.requirements["1"].applicability == {}  # chapters are not graded
    assert cat.has_applicability
    assert (cat.count("vca1", "must"), cat.count("vca2", "must"), cat.count("vca2", "supplementary")) == (1, 2, 1)
    assert cat.level("vca2").name_en == "VCA**" and cat.level("nope") is None


def test_crossref_links_both_directions(tmp_path):
    old = f"{HEADER}\n4,,chapter,Systeem,System,,\n4.2.3,4,requirement,Documenten,Documents,,\n"
    versions = load(tmp_path, {
        "2008.toml": manifest("2008", "legacy", provisional="true"), "2008.csv": old,
        "2015.toml": manifest(), "2015.csv": GOOD_CSV,
        "crossref_2008_2015.csv": "from_code,to_code\n4.2.3,4.1\n4.2.3,5.1.1\n",
    })
    assert versions["2008"].crossrefs == {"2015": {"4.2.3": ["4.1", "5.1.1"]}}
    assert versions["2015"].crossrefs == {"2008": {"4.1": ["4.2.3"], "5.1.1": ["4.2.3"]}}
    assert versions["2008"].provisional and versions["2008"].status == "legacy"


def test_anchor_is_safe_in_urls_and_css():
    assert anchor("4.2.3") == "req-4_2_3"
    assert anchor("P30 a/b") == "req-P30_a_b"


def test_a_byte_order_mark_from_a_spreadsheet_is_accepted(tmp_path):
    (tmp_path / "catalogue").mkdir()
    (tmp_path / "catalogue" / "2015.csv").write_bytes(b"\xef\xbb\xbf" + GOOD_CSV.encode())
    assert "4.1" in load(tmp_path, {"2015.toml": manifest()})["2015"].requirements


# --- malformed manifests --------------------------------------------------------------------------

def test_bad_toml(tmp_path):
    refused(tmp_path, {"2015.toml": 'code = "2015"\ntitle_nl = \n', "2015.csv": GOOD_CSV}, "2015.toml", 2, "")


def test_missing_key(tmp_path):
    refused(tmp_path, {"2015.toml": manifest(title_en=None), "2015.csv": GOOD_CSV}, "2015.toml", None,
            "missing key 'title_en'")


def test_effective_must_be_a_date(tmp_path):
    refused(tmp_path, {"2015.toml": manifest(effective='"soon"'), "2015.csv": GOOD_CSV}, "2015.toml", 4,
            "'effective'")


def test_code_must_equal_the_file_stem(tmp_path):
    refused(tmp_path, {"2015.toml": manifest(code="2016"), "2015.csv": GOOD_CSV}, "2015.toml", 1,
            "must equal the file name")


def test_wrong_status(tmp_path):
    refused(tmp_path, {"2015.toml": manifest(status="withdrawn"), "2015.csv": GOOD_CSV}, "2015.toml", 5,
            "status 'withdrawn'")


def test_incomplete_level(tmp_path):
    extra = '[[levels]]\ncode = "a"\nname_nl = "A"\nname_en = "A"\n\n[[levels]]\ncode = "b"\nname_nl = "B"\n'
    refused(tmp_path, {"2015.toml": manifest(extra=extra), "2015.csv": GOOD_CSV}, "2015.toml", 11,
            "level 2 needs code, name_nl and name_en")


def test_min_supplementary_must_be_a_count_for_a_declared_level(tmp_path):
    for bad, line in (("vca3 = 1", 20), ("vca2 = -1", 19), ("vca2 = true", 19)):
        extra = LEVELS.replace("vca2 = 1", bad) if "vca2" in bad else LEVELS + bad + "\n"
        refused(tmp_path, {"2017.toml": manifest("2017", extra=extra), "2017.csv": GRADED_CSV}, "2017.toml", line,
                "min_supplementary.")


# --- malformed requirement files ----------------------------------------------------------------

def test_missing_requirements_file(tmp_path):
    refused(tmp_path, {"2015.toml": manifest()}, "2015.csv", None, "file missing")


def test_bad_header(tmp_path):
    csv = GOOD_CSV.replace("title_nl,title_en", "titel,title_en", 1)
    refused(tmp_path, {"2015.toml": manifest(), "2015.csv": csv}, "2015.csv", 1, "header must start with")


def test_wrong_number_of_fields(tmp_path):
    csv = GOOD_CSV.replace("4.2,4,requirement,Belanghebbenden,Interested parties,,", "4.2,4,requirement,Belanghebbenden")
    refused(tmp_path, {"2015.toml": manifest(), "2015.csv": csv}, "2015.csv", 4, "expected 7 fields, found 4")


def test_line_numbers_count_quoted_line_breaks(tmp_path):
    csv = GOOD_CSV.replace("Hint NL", '"Hint\nover two lines"') + "6,,chapter,Zes\n"
    refused(tmp_path, {"2015.toml": manifest(), "2015.csv": csv}, "2015.csv", 9, "expected 7 fields")


def test_duplicate_code(tmp_path):
    csv = GOOD_CSV + "4.1,4,requirement,Nog eens,Again,,\n"
    refused(tmp_path, {"2015.toml": manifest(), "2015.csv": csv}, "2015.csv", 8, "duplicate code '4.1'")


def test_parent_must_be_an_earlier_row(tmp_path):
    csv = f"{HEADER}\n4.1,4,requirement,Factoren,Issues,,\n4,,chapter,Context,Context,,\n"
    refused(tmp_path, {"2015.toml": manifest(), "2015.csv": csv}, "2015.csv", 2, "parent '4' is not an earlier row")


def test_bad_kind(tmp_path):
    csv = GOOD_CSV.replace("4.2,4,requirement", "4.2,4,clause")
    refused(tmp_path, {"2015.toml": manifest(), "2015.csv": csv}, "2015.csv", 4, "kind 'clause'")


def test_missing_title(tmp_path):
    csv = GOOD_CSV.replace("Belanghebbenden,Interested parties", "Belanghebbenden,")
    refused(tmp_path, {"2015.toml": manifest(), "2015.csv": csv}, "2015.csv", 4, "title_nl and title_en are required")


def test_empty_code(tmp_path):
    csv = GOOD_CSV + ",5,requirement,Zonder code,Without code,,\n"
    refused(tmp_path, {"2015.toml": manifest(), "2015.csv": csv}, "2015.csv", 8, "code is empty")


def test_bad_level_value(tmp_path):
    csv = GRADED_CSV.replace("na,supplementary", "na,optional")
    refused(tmp_path, {"2017.toml": manifest("2017", extra=LEVELS), "2017.csv": csv}, "2017.csv", 4,
            "level:vca2 is 'optional'")


def test_empty_level_value_on_a_requirement(tmp_path):
    csv = GRADED_CSV.replace("must,must", "must,")
    refused(tmp_path, {"2017.toml": manifest("2017", extra=LEVELS), "2017.csv": csv}, "2017.csv", 3, "level:vca2")


def test_unknown_level_column(tmp_path):
    csv = GRADED_CSV.replace("level:vca2", "level:vca3", 1)
    refused(tmp_path, {"2017.toml": manifest("2017", extra=LEVELS), "2017.csv": csv}, "2017.csv", 1,
            "unknown column(s) level:vca3")


def test_a_declared_level_without_its_column(tmp_path):
    csv = "\n".join(",".join(line.split(",")[:-1]) for line in GRADED_CSV.splitlines()) + "\n"
    refused(tmp_path, {"2017.toml": manifest("2017", extra=LEVELS), "2017.csv": csv}, "2017.csv", 1,
            "no column for declared level(s) vca2")


def test_not_utf8(tmp_path):
    (tmp_path / "catalogue").mkdir()
    (tmp_path / "catalogue" / "2015.csv").write_bytes(GOOD_CSV.replace("Factoren", "Factor\xe9n").encode("latin-1"))
    refused(tmp_path, {"2015.toml": manifest()}, "2015.csv", None, "not UTF-8")


# --- malformed cross-references ----------------------------------------------------------------

def _two_versions(crossref: str) -> dict[str, str]:
    return {"2008.toml": manifest("2008", "legacy"), "2008.csv": GOOD_CSV, "2015.toml": manifest(),
            "2015.csv": GOOD_CSV, "crossref_2008_2015.csv": crossref}


def test_crossref_to_an_unknown_code(tmp_path):
    refused(tmp_path, _two_versions("from_code,to_code\n4.1,4.1\n4.2,9.9\n"), "crossref_2008_2015.csv", 3,
            "'9.9' is not a requirement of version 2015")


def test_crossref_from_an_unknown_code(tmp_path):
    refused(tmp_path, _two_versions("from_code,to_code\n8.8,4.1\n"), "crossref_2008_2015.csv", 2,
            "'8.8' is not a requirement of version 2008")


def test_crossref_bad_header_and_fields(tmp_path):
    refused(tmp_path, _two_versions("old,new\n4.1,4.1\n"), "crossref_2008_2015.csv", 1, "header must be")
    refused(tmp_path, _two_versions("from_code,to_code\n4.1,4.1,4.2\n"), "crossref_2008_2015.csv", 2,
            "expected 2 fields")


def test_crossref_to_a_version_without_manifest(tmp_path):
    files = _two_versions("from_code,to_code\n4.1,4.1\n")
    files["crossref_2008_2026.csv"] = files.pop("crossref_2008_2015.csv")
    refused(tmp_path, files, "crossref_2008_2026.csv", None, "must be two versions with a manifest")


def test_a_folder_without_manifest(tmp_path):
    with pytest.raises(CatalogueError, match="no catalogue manifest"):
        load(tmp_path, {"2015.csv": GOOD_CSV})


def test_default_version_must_exist(tmp_path):
    folder = write(tmp_path / "catalogue", {"2015.toml": manifest(), "2015.csv": GOOD_CSV})
    norm = Norm(code="testnorm", title_nl="T", title_en="T", package="unused", default_version="2026")
    with pytest.raises(CatalogueError, match="default version '2026'"):
        norm.load_catalogue(folder)


# --- the app refuses to start ------------------------------------------------------------------

@pytest.fixture
def throwaway_norm(tmp_path, monkeypatch):
    """A norm package on sys.path whose catalogue the test writes: returns (module name, catalogue folder)."""
    name = f"throwaway_norm_{uuid.uuid4().hex[:8]}"
    package = tmp_path / "pkgs" / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(f"""\
        from qms.norms import Norm
        norm = Norm(code="{name}", title_nl="Weg", title_en="Away", package=__name__, default_version="2015")
    """))
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))
    yield name, package / "catalogue"
    sys.modules.pop(name, None)


def test_the_app_refuses_to_start_on_a_malformed_catalogue(throwaway_norm, tmp_path):
    name, folder = throwaway_norm
    write(folder, {"2015.toml": manifest(), "2015.csv": GOOD_CSV + "4.1,4,requirement,Dubbel,Double,,\n"})
    with pytest.raises(CatalogueError) as caught:
        create_app("testing", QMS_NORMS=["tests.testnorm", name], SQLALCHEMY_DATABASE_URI="sqlite://")
    assert f"{folder / '2015.csv'}:8: duplicate code" in str(caught.value)


def test_the_throwaway_norm_starts_once_its_catalogue_is_good(throwaway_norm):
    name, folder = throwaway_norm
    write(folder, {"2015.toml": manifest(), "2015.csv": GOOD_CSV})
    app = create_app("testing", QMS_NORMS=[name], SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.extensions["qms_norms"].requirement(name, "2015", "5.1.1").title_en == "General"
