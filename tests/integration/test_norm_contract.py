"""The norm contract, run over every norm the default configuration enables plus the test-only fourth norm.

A new norm package passes these tests or it does not ship. After the generic contract come the checks that
belong to one norm (the facts in DOMAIN.md that the catalogues must carry).
"""
import csv
import pathlib
import re

import pytest

from config import Config
from qms import create_app
from qms.norms import APPLICABILITY, KINDS, STATUSES, Norm, NormRegistry

NORM_PACKAGES = [*Config.QMS_NORMS, "tests.testnorm"]
#: Catalogue titles are short summaries in our own words: a long title is a sign of copied normative text.
MAX_TITLE = 100
#: A catalogue stays small enough to browse without paging.
MAX_ROWS = 200


@pytest.fixture(scope="module")
def norms() -> NormRegistry:
    app = create_app("testing", QMS_NORMS=NORM_PACKAGES, SQLALCHEMY_DATABASE_URI="sqlite://")
    return app.extensions["qms_norms"]


@pytest.fixture(params=NORM_PACKAGES)
def norm(request, norms) -> Norm:
    found = [n for n in norms if n.package == request.param]
    assert len(found) == 1, f"{request.param} registered {len(found)} norms"
    return found[0]


def _versions(norm: Norm):
    return list(norm.versions.values())


# --- the generic contract -------------------------------------------------------------------------

def test_identity(norm):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", norm.code), norm.code
    assert norm.title_nl.strip() and norm.title_en.strip()
    assert norm.versions, "no catalogue loaded"


def test_default_version_is_loaded_and_in_force(norm):
    cat = norm.versions[norm.default_version]
    assert cat.status in {"current", "provisional"}
    assert cat.requirement_count > 0


def test_versions_are_well_formed(norm):
    for cat in _versions(norm):
        assert (cat.norm, cat.status in STATUSES) == (norm.code, True)
        assert cat.title_nl.strip() and cat.title_en.strip()
        assert 0 < len(cat.requirements) <= MAX_ROWS
        if cat.status != "current":  # the page shows the note as the reason for the notice
            assert cat.note_nl.strip() and cat.note_en.strip(), f"{cat.code}: a {cat.status} version explains why"


def test_every_row_is_bilingual_and_short(norm):
    for cat in _versions(norm):
        for r in cat.requirements.values():
            where = f"{norm.code} {cat.code} {r.code}"
            assert r.title_nl.strip() and r.title_en.strip(), where
            assert len(r.title_nl) <= MAX_TITLE and len(r.title_en) <= MAX_TITLE, where
            assert bool(r.hint_nl) == bool(r.hint_en), f"{where}: a hint in one language only"
            assert r.kind in KINDS and (r.norm, r.version) == (norm.code, cat.code), where


def test_parents_exist_and_every_chapter_has_children(norm):
    for cat in _versions(norm):
        codes = list(cat.requirements)
        for index, r in enumerate(cat.requirements.values()):
            if r.parent is not None:
                assert r.parent in codes[:index], f"{cat.code} {r.code}: parent {r.parent} missing or later"
                assert cat.requirements[r.parent].kind == "chapter", f"{cat.code} {r.code}: parent is not a chapter"
                assert r.depth == cat.requirements[r.parent].depth + 1
            else:
                assert r.depth == 0
            if r.kind == "chapter":
                assert cat.children(r.code), f"{cat.code} {r.code}: empty chapter"


def test_codes_are_unique_in_the_file(norm):
    """The loader refuses duplicates; this reads the file itself, so no row can have been dropped silently."""
    folder = pathlib.Path(__import__(norm.package, fromlist=["_"]).__file__).parent / "catalogue"
    for cat in _versions(norm):
        with (folder / f"{cat.code}.csv").open(encoding="utf-8-sig", newline="") as fh:
            codes = [row["code"].strip() for row in csv.DictReader(fh) if row["code"].strip()]
        assert len(codes) == len(set(codes)) == len(cat.requirements)


def test_levels_are_declared_where_requirements_are_graded(norm):
    for cat in _versions(norm):
        level_codes = {lv.code for lv in cat.levels}
        assert len(level_codes) == len(cat.levels)
        assert set(cat.min_supplementary) <= level_codes
        if cat.has_applicability:
            assert level_codes, f"{cat.code}: graded requirements without declared levels"
            for r in cat.requirements.values():
                if r.kind == "requirement":
                    assert set(r.applicability) == level_codes, f"{cat.code} {r.code}"
                    assert set(r.applicability.values()) <= APPLICABILITY
        else:
            assert cat.min_supplementary == {}, f"{cat.code}: a minimum without graded requirements"


def test_crossrefs_point_at_existing_rows(norm):
    for cat in _versions(norm):
        for other, mapping in cat.crossrefs.items():
            assert other in norm.versions and other != cat.code
            for code, targets in mapping.items():
                assert code in cat.requirements
                assert targets and all(t in norm.versions[other].requirements for t in targets), f"{cat.code} {code}"


def test_the_registry_answers_by_stable_key(norm, norms):
    cat = norm.versions[norm.default_version]
    first = next(r for r in cat.requirements.values() if r.kind == "requirement")
    assert norms.requirement(*first.key) is first
    assert norms.requirement(norm.code, "no-such-version", first.code) is None


# --- VCA ----------------------------------------------------------------------------------------

@pytest.fixture
def vca(norms):
    return norms.get("vca")


def test_vca_versions_and_levels(vca):
    assert set(vca.versions) >= {"2017-6.0", "2008-5.1"} and vca.default_version == "2017-6.0"
    for cat in _versions(vca):
        assert [lv.code for lv in cat.levels] == ["vca1", "vca2", "petro"]
        assert set(cat.min_supplementary) == {"vca1", "vca2", "petro"}, f"{cat.code}: minimum per level is data"
        assert cat.provisional, f"{cat.code}: not the official SSVV list, so provisional"


def test_vca_every_question_is_marked_for_every_level(vca):
    for cat in _versions(vca):
        for r in cat.requirements.values():
            if r.kind == "requirement":
                assert set(r.applicability) == {"vca1", "vca2", "petro"}, f"{cat.code} {r.code}"


def test_vca_minimum_supplementary_is_reachable_and_every_level_has_must_questions(vca):
    for cat in _versions(vca):
        for lv in cat.levels:
            assert cat.count(lv.code, "must") >= 1, f"{cat.code} {lv.code}"
            assert cat.min_supplementary[lv.code] <= cat.count(lv.code, "supplementary"), f"{cat.code} {lv.code}"


def test_vca_higher_levels_ask_at_least_what_lower_levels_ask(vca):
    """VCA** asks everything VCA* asks, Petrochemie everything VCA** asks: n.a. < supplementary < must."""
    rank = {"na": 0, "supplementary": 1, "must": 2}
    for cat in _versions(vca):
        for r in cat.requirements.values():
            if r.kind == "requirement":
                marks = [rank[r.applicability[level]] for level in ("vca1", "vca2", "petro")]
                assert marks == sorted(marks), f"{cat.code} {r.code}: {r.applicability}"


def test_vca_chapters_and_known_questions(vca):
    current, legacy = vca.versions["2017-6.0"], vca.versions["2008-5.1"]
    assert [r.code for r in current.children(None)] == [str(n) for n in range(1, 12)]
    assert [r.code for r in legacy.children(None)] == [str(n) for n in range(1, 13)]
    assert "milieu" in legacy.requirements["6"].title_nl.lower()
    for code in ("2.1", "2.2", "3.3", "4.1", "9.2", "10.1"):
        assert current.requirements[code].kind == "requirement", code
    assert "RI&E" in current.requirements["2.1"].title_nl + current.requirements["2.1"].hint_nl
    assert "TRA" in current.requirements["2.2"].title_nl + current.requirements["2.2"].hint_nl


# --- ISO 9001 -----------------------------------------------------------------------------------

@pytest.fixture
def iso(norms):
    return norms.get("iso9001")


def test_iso9001_has_2015_and_2008(iso):
    assert iso.default_version == "2015"
    assert iso.versions["2015"].status == "current" and iso.versions["2008"].status == "legacy"
    for code in ("4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.2", "6.3", "7.1.5", "7.1.6", "7.2",
                 "7.3", "7.4", "7.5", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "9.1", "9.2", "9.3",
                 "10.1", "10.2", "10.3"):
        assert code in iso.versions["2015"].requirements, code
    for code in ("4.2.3", "4.2.4", "5.6", "6.2", "7.4", "7.6", "8.2.2", "8.3", "8.5.2", "8.5.3"):
        assert code in iso.versions["2008"].requirements, code


def test_iso9001_crossref_carries_the_key_2008_clauses_over(iso):
    old_to_new = iso.versions["2008"].crossrefs["2015"]
    new = iso.versions["2015"].requirements
    expected = {"4.2.3": "7.5", "4.2.4": "7.5", "8.2.2": "9.2", "8.5.2": "10.2"}
    for old, prefix in expected.items():
        targets = old_to_new.get(old)
        assert targets, f"2008 {old} has no 2015 counterpart"
        assert all(t in new for t in targets)
        assert any(t == prefix or t.startswith(prefix + ".") for t in targets), f"{old} → {targets}"
    # The reverse direction is there too, so a 2015 page links back.
    assert "8.5.2" in iso.versions["2015"].crossrefs["2008"]["10.2.1"]


def test_iso9001_4_1_mentions_climate(iso):
    issues = iso.versions["2015"].requirements["4.1"]
    assert "climate" in issues.hint_en.lower() and "klimaat" in issues.hint_nl.lower()


# --- PSO ----------------------------------------------------------------------------------------

@pytest.fixture
def pso(norms):
    return norms.get("pso")


def test_pso_qualitative_criteria_and_levels(pso):
    cat = pso.versions[pso.default_version]
    titles = {r.title_en.lower() for r in cat.requirements.values() if r.kind == "requirement"}
    for criterion in ("suitable work", "integration", "performance and development", "support"):
        assert criterion in titles, criterion
    codes = [lv.code for lv in cat.levels]
    assert {"aspirant", "trede1", "trede2", "trede3", "pso30plus"} <= set(codes)
    assert codes.index("trede1") < codes.index("trede2") < codes.index("trede3") < codes.index("pso30plus")


# --- the test norm ------------------------------------------------------------------------------

def test_the_test_norm_is_a_norm_like_the_others(norms):
    test_norm = norms.get("iso14001")
    assert test_norm.package == "tests.testnorm"
    assert norms.requirement("iso14001", "2015", "6.1.2").title_en == "Environmental aspects"
    assert list(norms)[-1] is test_norm, "norms are registered in configuration order"
