"""WCAG 2.2 AA over every page of every role, on a phone (390 px) and a desktop, on the demo company.

The pages come from the app itself: every GET rule without arguments that the role holds, and from there one
page of each endpoint the role is shown a link to (so one detail page of each list, with real ids from the demo
data); new pages are checked without touching this file. Visitors without an account get the public pages
(login, speak-up, the QR incident form of a site).

On each page axe-core (from the axe-playwright-python package, nothing downloaded) runs with the WCAG 2.0/2.1/2.2
A and AA rules and may find nothing serious or critical. What axe does not check is measured on the same pages:
no sideways scrolling at 320 px and at 390 px, tap targets of at least 44 × 44 px in forms and menus on the
phone, a focus ring with at least 3:1 contrast against what is beside it, and a focused field never under the
sticky top bar.

One browser context per role and width. A page whose markup (outside the role's own top bar, words and numbers
aside) is the same as one already checked at that width is not checked again: the same elements with the same
styles give the same result (one detail page of a list stands for the others, and a page that differs between
roles only in names and dates is checked once). Each role's first page is always checked, with its top bar; on
the phone with the menu open too.

The markup and styles do not depend on the database, so the suite runs in the SQLite run only.
"""
from __future__ import annotations

import hashlib
import logging
import pathlib
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import make_server

from qms.permissions import PUBLIC, Role

from ..conftest import PG_URL
from ..integration.demo_site import (DEMO_PASSWORD, build_demo_app, crawl, dispose, endpoint_of, login,
                                     permission_of, start_urls)
from .conftest import PHONE, LiveServer, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(bool(PG_URL), reason="pages' markup and styles are the same on every database; the "
                       "accessibility walk runs in the SQLite run, the PostgreSQL run covers the queries"),
]

CHECKS_JS = pathlib.Path(__file__).with_name("accessibility.js")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
BLOCKING = {"serious", "critical"}
WIDTHS = {
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
NARROWEST = 320
TAP = 44
ANONYMOUS = "anonymous"
ACCOUNTS = [role.value for role in Role] + [ANONYMOUS]
#: Shift+Tab presses walking up a long form from its last field.
UPWARD_STEPS = 10


@dataclass
class Survey:
    """What one role's walk at one width found."""

    pages: list[str] = field(default_factory=list)
    same_as_checked: int = 0
    axe: dict[str, list[str]] = field(default_factory=dict)  # rule (impact) -> "page: target" lines
    overflow: list[str] = field(default_factory=list)
    small_targets: list[str] = field(default_factory=list)
    targets_checked: int = 0
    rings: list[str] = field(default_factory=list)
    rings_checked: int = 0
    obscured: list[str] = field(default_factory=list)
    fields_tabbed: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def timed(self, what: str, started: float) -> None:
        self.timings[what] = self.timings.get(what, 0.0) + time.monotonic() - started


@dataclass
class Site:
    server: LiveServer
    urls: dict[str, list[str]]
    fingerprints: dict[tuple[str, str], str]
    surveys: dict[tuple[str, str], Survey] = field(default_factory=dict)
    #: Page fingerprints already checked, per width.
    checked: dict[str, set[str]] = field(default_factory=lambda: {w: set() for w in WIDTHS})
    #: Kinds of focusable element (tag, type, classes, parent) whose focus ring was measured, per width.
    rings_measured: dict[str, list[str]] = field(default_factory=lambda: {w: [] for w in WIDTHS})


def _fingerprint(html: str) -> str:
    """The page's markup: elements, classes, ids, types and ARIA roles, without the top bar (the role's own, checked
    on its first page), without the words and numbers (a name, a date, an id) and without link targets and field
    values. Two pages with the same fingerprint have the same structure and the same styles."""
    html = re.sub(r"<header class=\"topbar\">.*?</header>", "", html, count=1, flags=re.S)
    html = re.sub(r"<input[^>]*csrf_token[^>]*>", "", html)
    html = re.sub(r">[^<]*\S[^<]*<", ">t<", html)
    html = re.sub(r"\s(value|href|action|title|aria-label|placeholder|datetime|data-[\w-]+)=\"[^\"]*\"", "", html)
    html = re.sub(r"\s(selected|checked)\b", "", html)
    html = re.sub(r"\d+", "0", html)
    return hashlib.sha1(html.encode()).hexdigest()


def _make_qr_code(app) -> None:
    """The demo has no QR poster yet: the coordinator makes one for the first site, as on /incidents/sites."""
    from sqlalchemy import select

    from qms.extensions import db
    from qms.organisation.models import Site as OrgSite

    with app.app_context():
        site_id = db.session.scalar(select(OrgSite.id).where(OrgSite.active.is_(True)).order_by(OrgSite.id))
        db.session.remove()
    response = login(app, Role.COORDINATOR).post(f"/incidents/sites/{site_id}/renew")
    assert response.status_code in (302, 303), f"making a QR code answered {response.status_code}"


@pytest.fixture(scope="module")
def site():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="a11y-"))
    # Short lists: rows repeat the same markup, and the pager shows on every list.
    # Static files cached by the browser for the walk, as a deployment would: the server renders only the pages.
    app = build_demo_app(workdir, BABEL_DEFAULT_LOCALE="nl", ITEMS_PER_PAGE=5, SEND_FILE_MAX_AGE_DEFAULT=3600)
    _make_qr_code(app)
    from qms.demo.company import demo_email

    urls: dict[str, list[str]] = {}
    fingerprints: dict[tuple[str, str], str] = {}
    found: set[str] = set()
    for role in Role:
        walk = crawl(app, login(app, role), role, per_endpoint=1, keep_html=True)
        urls[role.value] = [u for u in walk.html if walk.content_types.get(u) == "text/html"]
        fingerprints.update({(role.value, u): _fingerprint(h) for u, h in walk.html.items()})
        found |= set(walk.statuses)
    # Visitors without an account: the public pages without arguments, and public pages the roles were linked to.
    public = [u for u in start_urls(app, Role.STAFF) if u != "/" and _is_public(app, u)]
    public += sorted(u for u in found if _is_public(app, u) and u not in public)
    walk = crawl(app, app.test_client(), Role.STAFF, per_endpoint=1, start=public, keep_html=True)
    urls[ANONYMOUS] = [u for u in walk.html if walk.content_types.get(u) == "text/html" and _is_public(app, u)]
    fingerprints.update({(ANONYMOUS, u): _fingerprint(h) for u, h in walk.html.items()})

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="a11y-server", daemon=True)
    thread.start()
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}",
                      emails={role.value: demo_email(role) for role in Role}, password=DEMO_PASSWORD)
    try:
        yield Site(live, urls, fingerprints)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        dispose(app)


def _is_public(app, url: str) -> bool:
    endpoint = endpoint_of(app, url)
    return endpoint is not None and permission_of(app, endpoint) == PUBLIC


def _axe(page, url: str, survey: Survey, context=None) -> None:
    args = [context, AXE_OPTIONS] if context else [None, AXE_OPTIONS]
    result = page.evaluate("([context, options]) => axe.run(context || document, options)", args)
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        lines = survey.axe.setdefault(f"{violation['id']} ({violation['impact']}): {violation['help']}", [])
        for node in violation["nodes"][:3]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"{url}: {' '.join(map(str, node['target']))} — {summary[:220]}")
        if len(violation["nodes"]) > 3:
            lines.append(f"{url}: … and {len(violation['nodes']) - 3} more elements")


def _overflow(page, url: str, width: int, survey: Survey) -> None:
    found = page.evaluate("qmsA11y.overflow()")
    if found["scrollWidth"] > width:
        survey.overflow.append(f"{url} at {width} px is {found['scrollWidth']} px wide: {'; '.join(found['culprits'])}")


def _targets(page, url: str, survey: Survey, scope: str | None = None) -> None:
    found = page.evaluate("([min, scope]) => qmsA11y.tapTargets(min, scope)", [TAP, scope])
    survey.targets_checked += found["checked"]
    survey.small_targets += [f"{url}: {line}" for line in found["small"]]


def _rings(page, url: str, survey: Survey, known: list[str], scope: str | None = None) -> None:
    """Focus rings of each kind of element once per width (``known``: the kinds already measured)."""
    page.keyboard.press("Shift")  # a key press: from here on focus shows as keyboard focus
    found = page.evaluate("([scope, known]) => qmsA11y.focusRings(scope, known)", [scope, known])
    known += found["measured"]
    survey.rings_checked += found["checked"]
    survey.rings += [f"{url}: {line}" for line in found["problems"]]


def _upward_through_long_form(page, url: str, survey: Survey) -> None:
    """From the last field of a form taller than the window, Shift+Tab upwards: every field that gets focus is
    fully below the sticky top bar."""
    if page.evaluate("qmsA11y.focusLastFieldOfLongForm()") is None:
        return
    for _ in range(UPWARD_STEPS):
        page.keyboard.press("Shift+Tab")
        place = page.evaluate("qmsA11y.focusPlace()")
        if not place or place["inHeader"] or not place["inMain"]:
            break
        survey.fields_tabbed += 1
        if place["top"] < place["header"] - 0.5:
            survey.obscured.append(f"{url}: {place['what']} focused at y={place['top']:.0f}, under the top bar "
                                   f"that ends at y={place['header']:.0f}")
            break


def _context(browser, width: str):
    """A browser context of one width with axe-core and the extra checks loaded into every page."""
    from axe_playwright_python.base import AXE_SCRIPT

    context = browser.new_context(locale="nl-NL", **WIDTHS[width])
    context.set_default_timeout(20_000)
    context.add_init_script(script=AXE_SCRIPT)
    context.add_init_script(path=str(CHECKS_JS))
    return context


def _walk(browser, site: Site, account: str, width: str) -> Survey:
    survey = Survey()
    walk_started = time.monotonic()
    context = _context(browser, width)
    page = context.new_page()
    base = site.server.url
    try:
        if account != ANONYMOUS:
            log_in(page, site.server, account)
        for index, url in enumerate(site.urls[account]):
            fingerprint = site.fingerprints[(account, url)]
            if index and fingerprint in site.checked[width]:
                survey.same_as_checked += 1
                continue
            site.checked[width].add(fingerprint)
            for attempt in range(2):
                try:
                    loading = time.monotonic()
                    page.goto(base + url, wait_until="load")
                    survey.timed("loading", loading)
                    _check_page(page, url, width, survey, site.rings_measured[width], first=index == 0)
                    break
                except Exception as exc:  # noqa: BLE001 - a page that reloads itself (job progress) mid-check
                    if attempt or "context was destroyed" not in str(exc):
                        raise
            survey.pages.append(url)
    finally:
        context.close()
    survey.seconds = time.monotonic() - walk_started
    return survey


def _check_page(page, url: str, width: str, survey: Survey, rings_known: list[str], first: bool) -> None:
    started = time.monotonic()
    _axe(page, url, survey)
    survey.timed("axe", started)
    started = time.monotonic()
    if width == "phone":
        _overflow(page, url, PHONE["width"], survey)
        page.set_viewport_size({"width": NARROWEST, "height": PHONE["height"]})
        _overflow(page, url, NARROWEST, survey)
        page.set_viewport_size(PHONE)
        _targets(page, url, survey)
    else:
        _overflow(page, url, WIDTHS[width]["viewport"]["width"], survey)
    survey.timed("overflow and targets", started)
    started = time.monotonic()
    _rings(page, url, survey, rings_known)
    survey.timed("focus rings", started)
    started = time.monotonic()
    _upward_through_long_form(page, url, survey)
    survey.timed("tabbing up long forms", started)
    toggle = page.locator("#menu .menu-toggle")
    if first and width == "phone" and toggle.count() and toggle.is_visible():
        toggle.click()  # the folded phone menu, opened
        _axe(page, f"{url} (menu open)", survey, context="#menu")
        _targets(page, f"{url} (menu open)", survey, scope="#menu nav a, #menu nav button, .lang button")
        _rings(page, f"{url} (menu open)", survey, rings_known, scope="#menu nav")


@pytest.fixture(scope="module")
def survey(browser, site):
    def get(account: str, width: str) -> Survey:
        key = (account, width)
        if key not in site.surveys:
            site.surveys[key] = _walk(browser, site, account, width)
        return site.surveys[key]
    return get


def _report(title: str, lines: list[str], limit: int = 40) -> str:
    shown = lines[:limit]
    more = f"\n  … and {len(lines) - limit} more" if len(lines) > limit else ""
    return f"{title}:\n  " + "\n  ".join(shown) + more


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("account", ACCOUNTS)
def test_no_serious_or_critical_axe_violations(survey, site, account, width):
    found = survey(account, width)
    assert found.pages, f"{account} at {width}: no page was checked"
    assert site.urls[account][0] in found.pages
    problems = [f"{rule}\n    " + "\n    ".join(lines) for rule, lines in found.axe.items()]
    assert not problems, (f"{account} at {width} width, {len(found.pages)} pages: "
                          + _report("serious or critical WCAG violations (axe-core)", problems))


@pytest.mark.parametrize("account", ACCOUNTS)
def test_no_page_scrolls_sideways_on_a_narrow_phone(survey, account):
    found = survey(account, "phone")
    assert found.pages
    desktop = survey(account, "desktop")
    problems = found.overflow + desktop.overflow
    assert not problems, _report(f"{account}: pages wider than the window (a wide table scrolls in its own box)",
                                 problems)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_tap_targets_on_a_phone_are_44_px(survey, account):
    found = survey(account, "phone")
    assert found.targets_checked > 0, f"{account}: no tap target was measured"
    problems = found.small_targets
    assert not problems, _report(f"{account}: buttons, links and fields smaller than {TAP}×{TAP} px", problems)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_focus_rings_have_3_to_1_contrast(survey, site, width):
    """Each kind of focusable element (tag, type, classes, parent) is measured once per width, on the first page
    where it appears."""
    surveys = {account: survey(account, width) for account in ACCOUNTS}
    assert sum(s.rings_checked for s in surveys.values()) >= 20, f"at {width} hardly any focus ring was measured"
    problems = [f"{account} {line}" for account, s in surveys.items() for line in s.rings]
    assert not problems, _report(f"at {width}: focus rings below 3:1 against what is beside them", problems)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_focused_field_is_never_under_the_sticky_top_bar(survey, width):
    surveys = [survey(account, width) for account in ACCOUNTS]
    tabbed = sum(s.fields_tabbed for s in surveys)
    assert tabbed > 0, f"at {width} no form taller than the window was found to tab through"
    problems = [line for s in surveys for line in s.obscured]
    assert not problems, _report(f"at {width}: focused fields hidden under the top bar", problems)


def test_the_walk_reaches_every_account(survey, site):
    """Every account's walk checked pages at both widths; prints how long the walk took."""
    surveys = [survey(account, width) for account in ACCOUNTS for width in WIDTHS]
    seconds = sum(s.seconds for s in surveys)
    pages = sum(len(s.pages) for s in surveys)
    timings: dict[str, float] = {}
    for s in surveys:
        for what, spent in s.timings.items():
            timings[what] = timings.get(what, 0.0) + spent
    print(f"accessibility walk: {pages} page checks, {sum(s.same_as_checked for s in surveys)} same as checked, "
          f"{seconds:.0f} s (" + ", ".join(f"{what} {spent:.0f} s" for what, spent in timings.items()) + ")")
    assert pages > 100
    for account in ACCOUNTS:
        assert len(site.urls[account]) >= 2, f"{account} reached only {site.urls[account]}"


BROKEN = """<!doctype html><html lang="nl"><head><title>Proef</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>
  body { margin: 0; background: #f5f7f7; } header { position: sticky; top: 0; height: 60px; background: #0b5d57; }
  .badge { color: #a15c00; background: #fcebd3; font-size: 13px; }
  :focus-visible { outline: 3px solid #e8a33d; outline-offset: 2px; }
  .tiny { font-size: 10px; padding: 0; height: 21px; } .wide { width: 600px; }
</style></head><body><header><a href="#main">QMS</a></header>
<main id="main"><h1>Proef</h1><span class="badge">Te laat</span><div class="wide">breed</div>
<form><label for="a">Veld</label><input id="a" name="a"><button class="tiny" type="submit">Foto</button></form>
<form>""" + "".join(f'<p><label for="f{i}">Veld {i}</label><br><textarea id="f{i}" rows="4"></textarea></p>' for i in range(12)) + """
</form></main>
</body></html>"""


def test_the_checks_find_what_they_look_for(browser):
    """On a page with the faults the issue names (a 4.43:1 badge, a 2:1 focus ring, a 21 px button, a page wider
    than 320 px) every check reports its fault, so a green walk means something."""
    context = _context(browser, "phone")
    page = context.new_page()
    try:
        page.set_viewport_size({"width": NARROWEST, "height": PHONE["height"]})
        page.set_content(BROKEN)
        page.evaluate(pathlib.Path(CHECKS_JS).read_text())
        from axe_playwright_python.base import AXE_SCRIPT
        page.evaluate(AXE_SCRIPT)
        survey = Survey()
        _axe(page, "/proef", survey)
        assert any(rule.startswith("color-contrast (serious)") for rule in survey.axe), survey.axe
        assert "4.43" in " ".join(survey.axe[next(r for r in survey.axe if r.startswith("color-contrast"))])
        _overflow(page, "/proef", NARROWEST, survey)
        assert survey.overflow and "div.wide" in survey.overflow[0]
        _targets(page, "/proef", survey)
        assert any("button.tiny" in line and "×21 px" in line for line in survey.small_targets), survey.small_targets
        _rings(page, "/proef", survey, [])
        assert any("focus ring #e8a33d on #f5f7f7 is 2.01:1" in line for line in survey.rings), survey.rings
        page.set_content(BROKEN.replace('<div class="wide">breed</div>', ""))  # a wide page is zoomed out
        page.evaluate(pathlib.Path(CHECKS_JS).read_text())
        _upward_through_long_form(page, "/proef", survey)
        assert survey.obscured and "under the top bar" in survey.obscured[0], survey.obscured
    finally:
        context.close()
