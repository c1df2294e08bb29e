"""Hazardous substances in a real browser: the coordinator adds a product, uploads its safety data sheet and
prints its work instruction card; a cleaner opens the card on a phone (390 px) and confirms the instruction."""
import pytest

from qms.vca.substances.pdf import placeholder_sheet

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser
NAME = "Ontkalker Testfabriek"


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, page.url


def test_add_a_product_print_its_card_and_confirm_on_a_phone(live_server, browser, page, tmp_path):
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + "/vca/substances/")
    _no_sideways_scroll(page)
    with page.expect_navigation():
        page.locator("main a[href$='/vca/substances/new']").click()
    page.fill("input[name=name]", NAME)
    page.fill("input[name=purpose]", "Ontkalker (amidosulfonzuur)")
    page.select_option("select[name=signal_word]", "warning")
    page.select_option("select[name=pictograms]", ["GHS07"])
    page.fill("input[name=hazard_statements]", "H315, H319")
    page.fill("input[name=precaution_statements]", "P280, P305+P351+P338")
    page.select_option("select[name=ppe]", ["gloves", "goggles"])
    page.fill("textarea[name=do_text]", "Draag handschoenen\nSpoel na met water")
    page.fill("textarea[name=dont_text]", "Nooit mengen met chloor")
    page.fill("textarea[name=first_aid]", "In de ogen: 15 minuten spoelen")
    page.fill("textarea[name=disposal]", "Restjes verdund via de uitstort")
    with page.expect_navigation():
        page.locator("main form.form [type=submit]").first.click()
    assert NAME in page.locator("main h1").inner_text()
    product_url = page.url
    assert "Irriteert de ogen sterk" in page.locator("main").inner_text()  # the code's Dutch text

    # The safety data sheet.
    sheet = tmp_path / "vib.pdf"
    sheet.write_bytes(placeholder_sheet("VIB " + NAME, ["test"]))
    form = page.locator("form[action$='/sheet']")
    form.locator("input[name=file]").set_input_files(str(sheet))
    form.locator("input[name=issued_on]").fill("2026-01-15")
    form.locator("input[name=revision]").fill("3.0")
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    assert page.locator("#sheet .badge-ok").is_visible()
    _no_sideways_scroll(page)

    # Print the card: the PDF answers and carries the product name.
    href = page.locator("main a[href$='/card.pdf']").first.get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert NAME.encode() in response.body()
    assert not page.console_errors, page.console_errors

    # A cleaner opens the card on a phone and confirms with one tap.
    phone_context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    errors = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(phone, live_server, "staff")
    phone.goto(product_url + "/card")
    assert NAME in phone.locator("main h1").inner_text()
    assert "Nooit mengen met chloor" in phone.locator("main").inner_text()
    _no_sideways_scroll(phone)
    button = phone.locator("main button.confirm-button")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300
    with phone.expect_navigation():
        button.tap()
    assert phone.locator("#confirmed").is_visible()
    _no_sideways_scroll(phone)
    assert not errors, errors
    phone_context.close()

    page.goto(product_url)
    assert "Staff Tester" in page.locator("#instructed").inner_text()
