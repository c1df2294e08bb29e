"""A coordinator sets up a client location and conducts a cleaning quality inspection on a tablet (820×1180),
as a person would: inventory, plan, drawn rooms, counted defects, the client's co-signature, the result and
the client report. (Online: queueing the form offline is the service worker's part.)"""
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


def _submit(page, locator):
    with page.expect_navigation():
        locator.click()


def test_coordinator_conducts_an_inspection_on_a_tablet(live_server, tablet):
    page = tablet
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + "/quality/")
    assert page.locator("h1").inner_text() == "Kwaliteitsmeting"
    page.fill("input[name=name]", "Tabletpand Centrum")
    page.fill("input[name=client]", "Gemeente Tablet")
    _submit(page, page.get_by_role("button", name="Locatie toevoegen"))
    for code in ("T01", "T02", "T03"):
        page.fill("input[name=building]", "Hoofdgebouw")
        page.fill("input[name=floor]", "1e verdieping")
        page.fill("input[name=code]", code)
        page.select_option("select[name=room_type]", "office")
        page.fill("input[name=area]", "18,5")
        page.select_option("select[name=elements]", ["floor", "desk"])
        page.select_option("select[name=frequency]", "weekly")
        _submit(page, page.get_by_role("button", name="Ruimte opslaan"))
        assert f"Ruimte {code} is opgeslagen." in page.content()
    page.fill("input[name=contract]", "Contract tablet")
    page.select_option("select[name=aql]", "4.0")
    page.select_option("select[name=level]", "II")
    _submit(page, page.get_by_role("button", name="Meetplan toevoegen"))
    plan = page.locator(".qm-plan").first.inner_text()
    assert "3 van 3 ruimten" in plan and "elke ruimte wordt gemeten" in plan
    _submit(page, page.get_by_role("button", name="Meting starten"))
    form = page.locator("form[data-offline]")
    assert form.count() == 1 and form.locator("input[name=submission_id]").get_attribute("value")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"] + 1
    rooms = page.locator("details.qm-room")
    assert rooms.count() == 3
    first = rooms.first.locator("input[type=number]").first
    first.fill("2")
    rooms.nth(1).locator("summary").click()
    rooms.nth(1).locator("input[type=number]").nth(1).fill("1")
    page.fill("input[name=client_name]", "Mevrouw De Wit")
    page.check("input[name=client_confirmed]")
    page.screenshot(path="/tmp/quality-inspection-tablet.png", full_page=True)
    _submit(page, page.get_by_role("button", name="Uitslag vastleggen"))
    verdict = page.locator(".qm-verdict").inner_text()
    assert verdict == "Partij afgekeurd"  # 3 defects in one category, Ac 0 / Re 1 for three rooms
    body = page.content()
    assert "Mevrouw De Wit" in body and "bevestigd" in body and "NC-" in body
    location = page.locator("main p a").first.get_attribute("href")
    report = page.request.get(live_server.url + location + "/report.pdf?lang=en")
    assert report.status == 200 and report.body().startswith(b"%PDF")
    assert not page.console_errors, page.console_errors
