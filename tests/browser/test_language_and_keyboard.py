"""The language switch, and logging in with the keyboard alone."""
import pytest

from .conftest import log_in

pytestmark = pytest.mark.browser


def _switch_language(page) -> None:
    with page.expect_navigation():
        page.locator("form.lang button[type=submit]").click()


def test_language_switch_changes_the_interface_and_back(live_server, page):
    page.goto(live_server.url + "/login")
    assert page.locator("html").get_attribute("lang") == "nl"
    dutch_heading = page.locator("main h1").inner_text().strip()

    _switch_language(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text().strip() == "Log in"
    assert dutch_heading != "Log in", "the Dutch login page shows the English heading"
    assert page.locator("form.lang button").inner_text().strip() == "NL"

    _switch_language(page)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("main h1").inner_text().strip() == dutch_heading
    assert page.locator("form.lang button").inner_text().strip() == "EN"
    assert not page.console_errors


def test_language_chosen_before_login_is_kept_after_it(live_server, page):
    page.goto(live_server.url + "/login")
    _switch_language(page)
    log_in(page, live_server, "language")
    assert page.locator("html").get_attribute("lang") == "en"
    _switch_language(page)
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("html").get_attribute("lang") == "nl"


def test_login_with_tab_and_enter_only(live_server, page):
    page.goto(live_server.url + "/login")
    for _ in range(15):  # from wherever focus starts, Tab reaches the e-mail field
        if page.evaluate("document.activeElement && document.activeElement.name") == "email":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "email", "Tab never reaches the e-mail field"
    page.keyboard.type(live_server.emails["keyboard"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password", "Tab from e-mail does not reach password"
    page.keyboard.type(live_server.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("#menu").count() == 1, "not logged in after submitting with Enter"
    assert not page.console_errors
