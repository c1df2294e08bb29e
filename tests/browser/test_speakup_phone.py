"""On a phone: an anonymous integrity report, the confidential counsellor's reply, and the reporter reading it with
case code and secret, without an account; coordinator and administrator are refused the report. And a serious
accident: the incident page shows the Arbeidsinspectie assistant and the Arbowet list the report's reference."""
import datetime as dt
import itertools
import re
from zoneinfo import ZoneInfo

import pytest

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser
_seq = itertools.count(1)
SECRET = "blauwe fiets 42"


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{page.url} is {width}px wide on a phone"


def _phone(browser):
    return browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)


def test_anonymous_report_reply_and_the_reporter_reads_it_on_a_phone(live_server, page, browser):
    subject = f"Voorman scheldt collega's uit {next(_seq)}"
    visitor = _phone(browser)
    try:
        phone = visitor.new_page()
        phone.goto(live_server.url + "/speak-up/")
        assert phone.locator("h1").inner_text() == "Melden integriteit"
        _fits_the_phone(phone)
        assert phone.locator("input[name=anonymous]").is_checked()
        assert phone.locator("[data-named]").is_hidden()
        phone.select_option("select[name=category]", "harassment")
        phone.fill("input[name=subject]", subject)
        phone.fill("textarea[name=description]", "Elke avond in de ploeg, al drie weken.")
        phone.fill("input[name=secret]", SECRET)
        with phone.expect_navigation():
            phone.locator("main form.speakup-form [type=submit]").click()
        code = phone.locator("[data-case-code]").inner_text().strip()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
        _fits_the_phone(phone)

        # the counsellor reads it and answers
        log_in(page, live_server, "counsellor")
        page.goto(live_server.url + "/speak-up/cases")
        with page.expect_navigation():
            page.locator("table a", has_text="MLD-").first.click()
        assert subject in page.locator("main").inner_text()
        case_url = page.url
        _fits_the_phone(page)
        page.select_option("select[name=kind]", "to_reporter")
        page.fill("textarea[name=body]", "Dank je voor je melding. Ik neem dit serieus.")
        with page.expect_navigation():
            page.locator("#messages form [type=submit]").click()
        assert "Dank je voor je melding" in page.locator("#messages").inner_text()
        assert not page.console_errors

        # the reporter, on the phone, opens the mailbox with code and secret
        phone.goto(live_server.url + "/speak-up/mailbox/open")
        phone.fill("input[name=code]", code.lower())
        phone.fill("input[name=secret]", SECRET)
        with phone.expect_navigation():
            phone.locator("main form [type=submit]").click()
        assert "/speak-up/mailbox" in phone.url
        messages = phone.locator("#messages").inner_text()
        assert "Dank je voor je melding. Ik neem dit serieus." in messages
        _fits_the_phone(phone)
        phone.fill("textarea[name=body]", "Het gebeurt vooral op vrijdag.")
        with phone.expect_navigation():
            phone.locator("#messages form [type=submit]").click()
        assert "Het gebeurt vooral op vrijdag." in phone.locator("#messages").inner_text()
    finally:
        visitor.close()

    # coordinator and administrator are refused the report
    for account in ("coordinator", "admin"):
        other = _phone(browser)
        try:
            tab = other.new_page()
            log_in(tab, live_server, account)
            assert tab.goto(case_url).status in (403, 404)
            assert tab.goto(live_server.url + "/speak-up/cases").status in (403, 404)
        finally:
            other.close()


def test_a_serious_accident_shows_the_assistant_and_lands_on_the_arbowet_list(live_server, page):
    log_in(page, live_server, "staff")
    page.goto(live_server.url + "/incidents/report")
    page.select_option("select[name=type]", "lti")
    page.check("input[name=involved][value=own_staff]")
    page.fill("input[name=injured_count]", "1")
    description = f"Collega viel van de trap en is opgenomen {next(_seq)}."
    page.fill("textarea[name=description]", description)
    page.select_option("select[name=arbo_reason]", "hospital_admission")
    with page.expect_navigation():
        page.locator("main form.incident-form [type=submit]").click()
    number = re.search(r"INC-\d{4}-\d{4}", page.locator(".flash-success").inner_text()).group(0)
    page.context.clear_cookies()

    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + "/incidents/")
    with page.expect_navigation():
        page.locator("table a", has_text=number).click()
    assistant = page.locator("#arbo-assistant")
    assert "0800-5151" in assistant.inner_text() and "Online formulier" in assistant.inner_text()
    assert description in page.locator("#arbo-text").input_value()
    _fits_the_phone(page)
    page.select_option("select[name=method]", "online_form")
    page.fill("input[name=reference]", "NLA-7781234")
    now_local = dt.datetime.now(ZoneInfo("Europe/Amsterdam"))  # the form is in the company's time zone
    page.fill("input[name=notified_at]", now_local.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.locator("form[action$='/arbo'] [type=submit]").click()
    assert page.locator("#arbo-assistant").count() == 0
    page.goto(live_server.url + "/incidents/arbowet")
    row = page.locator("tr", has_text=number).inner_text()
    assert "NLA-7781234" in row and "online formulier" in row.lower()
    assert not page.console_errors
