"""The catalogue browser: every norm and version renders in Dutch and English, search narrows the tree,
the VCA level filter marks must / supplementary / n.a., cross-references link the ISO 9001 versions."""
import re

import pytest
from markupsafe import escape

from qms.permissions import Role

LANGUAGES = ("nl", "en")


def _text(value: str) -> str:
    return str(escape(value))


def _row(html: str, code: str) -> str:
    """The HTML of one requirement's row, up to the next row (children excluded)."""
    anchor = "req-" + re.sub(r"[^A-Za-z0-9-]", "_", code)
    match = re.search(rf'<li id="{anchor}"[^>]*>(.*?)(?=<li |</ul>)', html, re.S)
    assert match, f"no row {code}"
    return match.group(0)


def _codes(html: str) -> list[str]:
    return re.findall(r'<span class="req-code">([^<]+)</span>', html)


@pytest.fixture
def staff(client, login_as):
    login_as(Role.STAFF)
    return client


def _switch(client, lang: str) -> None:
    assert client.post("/language", data={"lang": lang, "next": "/norms/"}).status_code == 302


def _versions(app):
    return [(norm, cat) for norm in app.extensions["qms_norms"] for cat in norm.versions.values()]


# --- the overview -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_overview_lists_every_norm_and_version(app, staff, lang):
    _switch(staff, lang)
    response = staff.get("/norms/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for norm, cat in _versions(app):
        assert _text(getattr(norm, f"title_{lang}")) in html
        link = f'<a href="/norms/{norm.code}/{cat.code}">{_text(getattr(cat, f"title_{lang}"))}</a>'
        assert link in html
        row = html[html.index(link):].split("</tr>")[0]
        assert f">{cat.requirement_count}</td>" in row
        for level in cat.levels:
            assert _text(getattr(level, f"name_{lang}")) in row
    vca_row = html[html.index('href="/norms/vca/2008-5.1"'):].split("</tr>")[0]
    assert 'class="badge badge-bad"' in vca_row and 'class="badge badge-warn"' in vca_row
    iso_row = html[html.index('href="/norms/iso9001/2015"'):].split("</tr>")[0]
    assert 'class="badge badge-ok"' in iso_row
    assert ("15 sep 2015" if lang == "nl" else "Sep 15, 2015") in iso_row


def test_overview_status_labels(staff):
    _switch(staff, "en")
    html = staff.get("/norms/").get_data(as_text=True)
    assert ">Current</span>" in html and ">Legacy</span>" in html and ">Provisional</span>" in html


# --- every version page -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_version_renders_its_whole_tree_in_the_language(app, staff, lang):
    _switch(staff, lang)
    for norm, cat in _versions(app):
        response = staff.get(f"/norms/{norm.code}/{cat.code}")
        assert response.status_code == 200, (norm.code, cat.code)
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert _codes(html) == list(cat.requirements), (norm.code, cat.code)
        for r in cat.requirements.values():
            row = _row(html, r.code)
            assert f'<span class="req-title">{_text(getattr(r, f"title_{lang}"))}</span>' in row, r.code
            if r.hint_nl:
                assert _text(getattr(r, f"hint_{lang}")) in row, r.code
            if r.kind == "chapter":
                assert 'class="chapter' in row
        assert len(response.data) < 120_000, f"{norm.code} {cat.code}: the page should stay light"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_legacy_and_provisional_versions_show_their_note(app, staff, lang):
    _switch(staff, lang)
    norms = app.extensions["qms_norms"]
    for norm_code, version, heading in (("iso9001", "2008", "legacy"), ("vca", "2017-6.0", "provisional"),
                                        ("vca", "2008-5.1", "legacy")):
        cat = norms.get(norm_code).versions[version]
        html = staff.get(f"/norms/{norm_code}/{version}").get_data(as_text=True)
        notice = re.search(r'<div class="flash flash-warning[^"]*" role="note">(.*?)</div>', html, re.S)
        assert notice, (norm_code, version)
        assert _text(getattr(cat, f"note_{lang}")) in notice.group(1)
        if lang == "en":
            assert (f"This is a {heading} version." in notice.group(1) if heading == "legacy"
                    else f"Provisional: {cat.title}" in notice.group(1) and "Norms → Import" in notice.group(1))
    current = staff.get("/norms/iso9001/2015").get_data(as_text=True)
    assert 'flash-warning" role="note"' not in current
    assert _text(getattr(norms.get("iso9001").versions["2015"], f"note_{lang}")) in current


def test_every_role_may_browse_and_anonymous_users_log_in_first(client, login_as):
    assert client.get("/norms/").status_code == 302
    assert "/login" in client.get("/norms/vca/2017-6.0").headers["Location"]
    for role in Role:
        login_as(role)
        assert client.get("/norms/").status_code == 200, role
        assert client.get("/norms/pso/1.9").status_code == 200, role
        client.post("/logout")


def test_pages_carry_no_inline_script_or_style(staff):
    for url in ("/norms/", "/norms/vca/2017-6.0?level=vca2&q=toolbox", "/norms/iso9001/2008"):
        html = staff.get(url).get_data(as_text=True)
        assert " style=" not in html and "<style" not in html
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


# --- search -------------------------------------------------------------------------------------

def test_search_narrows_the_tree_to_hits_and_their_ancestors(staff):
    full = _codes(staff.get("/norms/iso9001/2015").get_data(as_text=True))
    html = staff.get("/norms/iso9001/2015?q=klimaat").get_data(as_text=True)
    codes = _codes(html)
    assert "4.1" in codes and "4" in codes and len(codes) < len(full) / 4
    assert "8.5.1" not in codes
    assert 'value="klimaat"' in html and 'role="status"' in html
    assert 'class="chapter context"' in _row(html, "4")  # shown as context, not as a hit
    assert "context" not in _row(html, "4.1").split(">")[0]


def test_search_matches_codes_and_both_languages(staff):
    assert _codes(staff.get("/norms/iso9001/2015?q=7.5.2").get_data(as_text=True))[-1] == "7.5.2"
    dutch_ui_english_words = _codes(staff.get("/norms/vca/2017-6.0?q=toolbox+meetings").get_data(as_text=True))
    assert "4.1" in dutch_ui_english_words and "4" in dutch_ui_english_words
    nested = _codes(staff.get("/norms/pso/1.9?q=Q.4.2").get_data(as_text=True))
    assert nested[:3] == ["Q", "Q.4", "Q.4.2"]


def test_search_without_hits_says_so(staff):
    html = staff.get("/norms/pso/1.9?q=zzzqqq").get_data(as_text=True)
    assert _codes(html) == [] and 'class="panel muted"' in html


@pytest.mark.parametrize("query", [
    "q=" + "x" * 500, "q=%ff%fe", "q=a&q=b", "q=%3Cscript%3E", "level=", "level=vca9", "level=%ff", "q=&level=",
    "page=2", "q=%E2%80%AE", "level=vca1&level=vca2", "q=%25%5F%5C",
])
def test_odd_query_strings_are_harmless(staff, query):
    for url in ("/norms/vca/2017-6.0", "/norms/iso9001/2015"):
        response = staff.get(f"{url}?{query}")
        assert response.status_code == 200, (url, query)
        assert "<script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/norms/nope/2015", "/norms/iso9001/1999", "/norms/ISO9001/2015",
                                 "/norms/vca/2017-6.0/extra", "/norms/iso9001/", "/norms/iso9001/%ff"])
def test_unknown_norm_or_version_is_not_found(staff, url):
    assert staff.get(url).status_code == 404


# --- VCA levels ---------------------------------------------------------------------------------

def test_vca_without_level_marks_every_level(app, staff):
    cat = app.extensions["qms_norms"].get("vca").versions["2017-6.0"]
    html = staff.get("/norms/vca/2017-6.0").get_data(as_text=True)
    assert '<select id="level" name="level">' in html and "aria-invalid" not in html
    row = _row(html, "1.4")
    assert row.count('class="badge') == 3
    assert "VCA*: " in row and "VCA**: " in row
    for level in cat.levels:  # the level table: must count, supplementary count, minimum
        assert f'level={level.code}' in html


def test_vca_level_filter_marks_must_supplementary_and_na(app, staff):
    cat = app.extensions["qms_norms"].get("vca").versions["2017-6.0"]
    _switch(staff, "en")
    for level in ("vca1", "vca2", "petro"):
        html = staff.get(f"/norms/vca/2017-6.0?level={level}").get_data(as_text=True)
        assert f'<option selected value="{level}">' in html
        labels = {"must": ">Must</span>", "supplementary": ">Supplementary</span>", "na": ">n.a.</span>"}
        for r in cat.requirements.values():
            if r.kind == "requirement":
                row = _row(html, r.code)
                assert row.count('class="badge') == 1, (level, r.code)
                assert labels[r.applicability[level]] in row, (level, r.code)
        table = html[html.index('id="levels-head"'):html.index("</table>")]
        assert f"<td data-label=\"Must\">{cat.count(level, 'must')}</td>" in table
        assert f"<td data-label=\"Supplementary\">{cat.count(level, 'supplementary')}</td>" in table
        assert f"{cat.min_supplementary[level]} <span class=\"badge badge-warn\">to be checked</span>" in table
        assert "administrator should check" in html


def test_vca_level_filter_combines_with_search(staff):
    html = staff.get("/norms/vca/2017-6.0?level=vca1&q=toolbox").get_data(as_text=True)
    assert "4.1" in _codes(html) and "1.1" not in _codes(html)
    assert 'value="toolbox"' in html and '<option selected value="vca1">' in html


def test_an_unknown_level_is_ignored(staff):
    html = staff.get("/norms/vca/2017-6.0?level=vca9").get_data(as_text=True)
    assert _row(html, "1.1").count('class="badge') == 3  # shown as if no level were chosen


def test_norms_without_graded_questions_have_no_level_filter(staff):
    for url in ("/norms/iso9001/2015?level=vca1", "/norms/pso/1.9"):
        html = staff.get(url).get_data(as_text=True)
        assert 'name="level"' not in html and 'id="levels-head"' not in html
        assert "badge-info\">" not in "".join(_row(html, c) for c in _codes(html)[:3])


# --- cross-references ---------------------------------------------------------------------------

def test_crossref_links_point_at_existing_anchors_both_ways(app, staff):
    iso = app.extensions["qms_norms"].get("iso9001")
    old = staff.get("/norms/iso9001/2008").get_data(as_text=True)
    new = staff.get("/norms/iso9001/2015").get_data(as_text=True)
    assert 'href="/norms/iso9001/2015#req-7_5_2"' in _row(old, "4.2.3")
    assert 'href="/norms/iso9001/2015#req-9_2_1"' in _row(old, "8.2.2")
    assert 'href="/norms/iso9001/2008#req-8_5_2"' in _row(new, "10.2.1")
    for html, other_html, other in ((old, new, "2015"), (new, old, "2008")):
        targets = re.findall(rf'href="/norms/iso9001/{other}#(req-[^"]+)"', html)
        assert len(set(targets)) == len(iso.versions[other].crossrefs[{"2015": "2008", "2008": "2015"}[other]])
        for target in targets:
            assert f'id="{target}"' in other_html, target


def test_versions_without_crossrefs_show_no_links(staff):
    html = staff.get("/norms/vca/2008-5.1").get_data(as_text=True)
    assert 'class="req-xref"' not in html
    assert 'href="/norms/vca/2017-6.0"' in html  # but the other version is one click away
