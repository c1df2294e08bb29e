"""A coordinator on a phone reads the readiness overview, links evidence to a requirement, accepts it, sees
readiness change, and builds a dossier whose progress page turns into download links by itself."""
import re

import pytest

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _percent(page, norm: str) -> int:
    card = page.locator("a.ev-norm", has=page.locator("h2", has_text=norm)).first
    return int(re.search(r"(\d+)%", card.locator(".kpi").inner_text()).group(1))


def _no_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, page.url


def test_link_evidence_and_read_the_overview(live_server, page):
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + "/evidence/")
    assert page.locator("main h1").inner_text() == "Gereedheid voor certificering"
    before = _percent(page, "ISO 9001")
    _no_overflow(page)

    # Drill down: the ISO 9001 card → missing requirements → 7.5.1.
    page.locator("a.ev-norm", has=page.locator("h2", has_text="ISO 9001")).first.click()
    page.locator("nav.subnav a", has_text="Ontbreekt").click()
    assert "state=missing" in page.url
    _no_overflow(page)
    page.locator("a", has_text="Benodigde documentatie bepaald").click()
    assert "/req/7.5.1" in page.url
    page.locator("a", has_text="Bewijs uploaden").click()

    page.fill("input[name=title]", "Overzicht gedocumenteerde informatie")
    page.set_input_files("input[name=file]", files=[{"name": "overzicht.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])
    assert page.locator("select[name=requirement]").input_value() == "iso9001/2015/7.5.1"
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".flash-success").count() == 1
    assert "Wacht op beoordeling" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator("button", has_text="Goedkeuren").click()
    assert "Goedgekeurd" in page.locator("main dl").inner_text()

    # The same file also serves a VCA question.
    page.select_option("select[name=requirement]", "vca/2017-6.0/1.2")
    with page.expect_navigation():
        page.locator("button", has_text="Aan deze normeis koppelen").click()
    assert "VCA 2017/6.0 · 1.2" in page.locator("main").inner_text() or "1.2" in page.locator("main").inner_text()

    page.goto(live_server.url + "/evidence/")
    assert _percent(page, "ISO 9001") > before
    _no_overflow(page)
    assert not page.console_errors, page.console_errors


def test_dossier_progress_page_polls_until_ready(live_server, page):
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + "/evidence/norms/iso9001/2015")
    with page.expect_navigation():
        page.locator("button", has_text="Dossier maken").click()
    assert "/evidence/dossiers/" in page.url
    # The page's own script polls the job and reloads when it is done: no click needed.
    page.locator("a", has_text="PDF downloaden").wait_for(timeout=30_000)
    with page.expect_download() as download:
        page.locator("a", has_text="ZIP met bewijs downloaden").click()
    assert download.value.suggested_filename.startswith("dossier-iso9001-2015-")
    _no_overflow(page)
    assert not page.console_errors, page.console_errors
