"""On a phone: staff report an incident with a photo; anyone reports anonymously through a site's QR link;
a report sent without a connection is kept on the phone and sent by itself once the connection is back
(more in test_offline.py)."""
import io
import itertools
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from qms.extensions import db
from qms.incidents.models import Incident

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser
_seq = itertools.count(1)


def _photo(tmp_path):
    path = tmp_path / "foto.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _fill(page, description: str) -> None:
    page.select_option("select[name=type]", "near_miss")
    page.check("input[name=involved][value=own_staff]")
    page.fill("textarea[name=description]", description)
    page.fill("textarea[name=immediate_action]", "Bord neergezet.")


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} is {width}px wide on a phone"


def test_staff_report_an_incident_with_a_photo(live_server, page, tmp_path):
    log_in(page, live_server, "staff")
    page.goto(live_server.url + "/incidents/report")
    assert page.locator("h1").inner_text() == "Incident melden"
    _fits_the_phone(page)
    _fill(page, "Natte vloer in de hal, collega gleed bijna uit.")
    page.set_input_files("input[name=photos]", str(_photo(tmp_path)))
    with page.expect_navigation():
        page.locator("main form.incident-form [type=submit]").click()
    assert "/incidents/mine" in page.url
    flash = page.locator(".flash-success").inner_text()
    number = re.search(r"INC-\d{4}-\d{4}", flash).group(0)
    assert number in page.locator("table").inner_text()
    _fits_the_phone(page)
    assert not page.console_errors


def test_anonymous_report_through_a_qr_link(live_server, page, browser, tmp_path):
    log_in(page, live_server, "admin")
    site_name = f"Zorgcentrum De Linde {next(_seq)}"
    page.goto(live_server.url + "/organisation/sites")
    page.fill("input[name=name]", site_name)
    with page.expect_navigation():  # the form that adds a site (the list above has a button per site)
        page.locator("main form", has=page.locator("input[name=name]")).locator("[type=submit]").click()
    page.wait_for_load_state("networkidle")  # no late response brings the cookie back
    page.context.clear_cookies()
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + "/incidents/sites")
    card = page.locator(".site-list li", has_text=site_name)
    with page.expect_navigation():
        card.locator("button.primary").click()
    link = page.locator(".site-list li", has_text=site_name).locator("[data-qr-link]").get_attribute("href")
    assert link and "/incidents/qr/" in link

    visitor = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    try:
        phone = visitor.new_page()
        phone.goto(live_server.url + link)
        assert site_name in phone.locator("main").inner_text()
        assert phone.locator("input[name=anonymous]").is_checked()
        assert phone.locator("[data-named]").is_hidden()
        _fill(phone, "Kabel over de trap bij de ingang.")
        phone.set_input_files("input[name=photos]", str(_photo(tmp_path)))
        with phone.expect_navigation():
            phone.locator("main form.incident-form [type=submit]").click()
        assert "/thanks" in phone.url
        assert re.search(r"INC-\d{4}-\d{4}", phone.locator("main").inner_text())
        _fits_the_phone(phone)
    finally:
        visitor.close()

    page.goto(live_server.url + "/incidents/?q=Kabel+over+de+trap")
    page.locator("table a", has_text="INC-").first.click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Kabel over de trap" in main and "anoniem" in main


def test_a_report_typed_offline_is_kept_and_sent_when_back_online(live_server, page, context):
    log_in(page, live_server, "staff")
    page.goto(live_server.url + "/incidents/report")
    page.fill("textarea[name=description]", "Eerst getypt, dan de pagina ververst.")
    page.reload()
    assert page.locator("[data-restore-note]").is_visible()
    assert page.input_value("textarea[name=description]") == "Eerst getypt, dan de pagina ververst."

    context.set_offline(True)
    _fill(page, "Typed in the basement without a connection.")
    page.locator("main form.incident-form [type=submit]").click()
    # The outbox on the phone (qms/static/offline.js) takes the report; the typed draft is done with.
    page.locator("[data-outbox]", has_text="Wacht op verzending (1)").wait_for()
    assert "/incidents/report" in page.url
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('incident-report:')).length") == 0

    context.set_offline(False)  # sent by itself, without a tap
    page.locator("[data-outbox-note]", has_text="Je melding is verzonden.").wait_for()
    with live_server.app.app_context():
        stored = db.session.scalar(select(func.count(Incident.id)).where(
            Incident.description == "Typed in the basement without a connection."))
        db.session.remove()
    assert stored == 1
    page.goto(live_server.url + "/incidents/report")
    assert page.input_value("textarea[name=description]") == ""


def test_a_report_sent_after_the_session_expired_is_back_after_logging_in(live_server, page, context):
    log_in(page, live_server, "staff")
    page.goto(live_server.url + "/incidents/report")
    _fill(page, "Getypt terwijl de sessie verliep.")
    context.clear_cookies()  # the session expired while typing
    with page.expect_navigation():
        page.locator("main form.incident-form [type=submit]").click()
    # The form's token belonged to the lost session: the expired-form page shows what was typed.
    assert "Getypt terwijl de sessie verliep." in page.locator("main").inner_html()
    with page.expect_navigation():
        page.locator("main form [type=submit]").last.click()
    assert "/login" in page.url
    page.fill("input[name=email]", live_server.emails["staff"])
    page.fill("input[name=password]", live_server.password)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert "/incidents/report" in page.url
    assert page.locator("[data-restore-note]").is_visible()
    assert page.input_value("textarea[name=description]") == "Getypt terwijl de sessie verliep."
    with page.expect_navigation():
        page.locator("main form.incident-form [type=submit]").click()
    assert "/incidents/mine" in page.url and page.locator(".flash-success").count() == 1
