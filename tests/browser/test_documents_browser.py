"""Document control in a real browser: the full approval flow on a desktop, and reading on a phone as staff."""
import itertools
import re

import pytest

from .conftest import choose, log_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
_numbers = itertools.count(901)


def _desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    return context, page


def _sign(browser, live_server, account: str, version_url: str, meaning_label: str) -> None:
    context, page = _desktop(browser)
    try:
        log_in(page, live_server, account)
        page.goto(version_url)
        form = page.locator("form[action$='/sign']")
        form.get_by_label(meaning_label).check()
        form.locator("input[name=password]").fill(live_server.password)
        with page.expect_navigation():
            form.locator("[type=submit]").click()
        assert "is vastgelegd" in page.locator(".flashes").inner_text()
        assert not page.console_errors
    finally:
        context.close()


def publish_new_document(browser, live_server, title: str) -> tuple[str, str]:
    """Coordinator creates a document; auditor reviews; admin approves; coordinator publishes. (number, url)"""
    number = f"PR-{next(_numbers)}"
    context, page = _desktop(browser)
    try:
        log_in(page, live_server, "coordinator")
        page.goto(live_server.url + "/documents/new")
        page.fill("input[name=number]", number)
        page.fill("input[name=title]", title)
        page.select_option("select[name=type]", "procedure")
        page.fill("textarea[name=requirements]", "iso9001 2015 7.5")
        page.fill("textarea[name=content_markdown]", "# Werkwijze\n\n1. Eerst **veiligheid**.\n2. Dan schoonmaken.")
        assert page.locator("input[name=target_roles][value=staff]").is_checked()
        with page.expect_navigation():
            page.locator("main form [type=submit]").click()
        assert number in page.locator("h1").inner_text()
        document_url = page.url
        page.get_by_role("link", name="Versie 1.0").click()
        version_url = page.url
        assert re.search(r"/documents/\d+/versions/\d+$", version_url)

        form = page.locator("form[action$='/submit']")
        choose(page, "#reviewers-search", "auditor", "Auditor Tester")
        assert form.locator(".lookup-chip:has-text('Auditor Tester')").count() == 1
        choose(page, "#approver_id-search", "admin", "Admin Tester")
        with page.expect_navigation():
            form.locator("[type=submit]").click()
        assert "in beoordeling" in page.locator("main").inner_text()

        _sign(browser, live_server, "auditor", version_url, "beoordeeld")
        _sign(browser, live_server, "admin", version_url, "goedgekeurd")

        page.reload()
        assert "goedgekeurd" in page.locator("main").inner_text()
        with page.expect_navigation():
            page.locator("form[action$='/publish'] [type=submit]").click()
        main = page.locator("main").inner_text()
        assert "gepubliceerd" in main and "Auditor Tester" in main and "Admin Tester" in main
        assert not page.console_errors
        return number, document_url
    finally:
        context.close()


def test_full_approval_flow_on_a_desktop(browser, live_server):
    number, document_url = publish_new_document(browser, live_server, "Procedure desktopstroom")
    context, page = _desktop(browser)
    try:
        log_in(page, live_server, "auditor")
        page.goto(live_server.url + "/documents/?q=desktopstroom")
        assert page.get_by_role("link", name=number).is_visible()
        page.goto(document_url)
        assert "gepubliceerd" in page.locator("main").inner_text()
        href = page.get_by_role("link", name="Beheerd exemplaar (pdf)").get_attribute("href")
        pdf = page.request.get(live_server.url + href)
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    finally:
        context.close()


def test_staff_read_and_confirm_on_a_phone(browser, live_server, page):
    number, _ = publish_new_document(browser, live_server, "Werkinstructie telefoonlezen")
    log_in(page, live_server, "staff")
    page.goto(live_server.url + "/documents/to-read")
    item = page.locator(".doc-read-list li", has_text=number)
    assert item.is_visible()
    # nothing sticks out sideways on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    item.locator(".doc-read-open").click()
    assert "Eerst" in page.locator(".doc-markdown").inner_text()
    button = page.get_by_role("button", name="Ik heb dit gelezen")
    box = button.bounding_box()
    assert box and box["height"] >= 44  # big enough to tap
    with page.expect_navigation():
        button.tap()
    assert "Bedankt" in page.locator(".flashes").inner_text()
    assert page.locator(".doc-read-list li", has_text=number).count() == 0
    assert not page.console_errors
