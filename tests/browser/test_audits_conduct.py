"""An auditor plans, prepares, conducts and reports an audit on a tablet (820×1180), as a person would."""
import datetime as dt

import pytest

from .conftest import CSP_REPORTER, log_in

pytestmark = pytest.mark.browser
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def tablet(browser):
    ctx = browser.new_context(viewport=TABLET, locale="nl-NL", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(15_000)
    ctx.add_init_script(CSP_REPORTER)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(f"{pg.url}: {msg.text}") if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"{pg.url}: {exc}"))
    pg.console_errors = errors
    yield pg
    ctx.close()


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"] + 1, page.url


def _submit(page, locator):
    with page.expect_navigation():
        locator.click()


def test_auditor_conducts_an_audit_on_a_tablet(live_server, tablet):
    page = tablet
    log_in(page, live_server, "auditor")
    page.goto(live_server.url + "/audits/new")
    page.fill("input[name=title]", "Tablet-audit inkoop")
    page.check("input[name=norms][value=\"iso9001|2015\"]")
    page.select_option("select[name=scope_codes]", ["iso9001|2015|8.4"])
    page.fill("input[name=planned_start]", dt.date.today().isoformat())
    _no_sideways_scroll(page)
    _submit(page, page.locator("main form.form button[type=submit]"))
    assert "is gepland" in page.locator(".flashes").inner_text()

    _submit(page, page.locator("form[action$='/checklist'] button"))
    assert "8.4.1" in page.locator("#checklist").inner_text()
    _submit(page, page.locator("form.move button").first)  # prepared
    _submit(page, page.locator("form.move button").first)  # in progress
    assert page.locator(".badge", has_text="Bezig").count() >= 1
    _submit(page, page.locator("a.button", has_text="Uitvoeren"))
    _no_sideways_scroll(page)

    items = page.locator("ol.conduct > li")
    count = items.count()
    assert count >= 3
    for index in range(count):
        item = items.nth(index)
        details = item.locator("details").first
        if details.get_attribute("open") is None:
            item.locator("summary").first.click()
        result = "minor" if index == 0 else "conform"
        item.locator(f"input[name=result][value={result}]").check()
        if index == 0:
            item.locator("textarea[name=notes]").fill("Twee leveranciers niet beoordeeld.")
        _submit(page, item.locator("form.result-form button[type=submit]"))
        assert "Opgeslagen" in page.locator(".flashes").inner_text()
    assert f"{count} van {count} beantwoord" in page.locator(".progress").inner_text()

    # a not-applicable result without a reason is refused next to the field, nothing else lost
    first = page.locator("ol.conduct > li").first
    if first.locator("details").first.get_attribute("open") is None:
        first.locator("summary").first.click()
    first.locator("input[name=result][value=not_applicable]").check()
    first.locator("textarea[name=notes]").fill("Notitie die blijft staan")
    _submit(page, first.locator("form.result-form button[type=submit]"))
    first = page.locator("ol.conduct > li").first
    assert first.locator(".error").count() == 1
    assert first.locator("textarea[name=notes]").input_value() == "Notitie die blijft staan"

    _submit(page, page.locator("a.button", has_text="Terug naar de audit"))
    page.fill("textarea[name=conclusion]", "Inkoop op orde op één punt na.")
    _submit(page, page.locator("form.move button", has_text="Audit rapporteren"))
    assert "1 afwijking is geopend uit de bevindingen" in page.locator(".flashes").inner_text()
    nc_badge = page.locator("#checklist a.badge-bad").first
    assert nc_badge.inner_text().startswith("NC-")
    _submit(page, nc_badge)
    assert "Auditbevinding" in page.locator("main").inner_text()
    # the refused form above answers 400 on purpose; nothing else may show up (CSP, script errors)
    assert [e for e in page.console_errors if "status of 400" not in e] == []
