"""On a desktop the menu is always visible; without scripts a phone still shows every menu link."""
import pytest

from .conftest import log_in

pytestmark = pytest.mark.browser


def test_desktop_menu_is_visible_without_opening_it(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    try:
        log_in(page, live_server, "admin")
        assert page.locator("#menu .menu-toggle").is_hidden()
        # A long menu is grouped: every top-level link and every group's title shows; each group's links show
        # once it is opened.
        top = page.locator("#menu nav > ul > li > a")
        groups = page.locator("#menu details[data-menu-group]")
        assert top.count() + groups.count() >= 5 and groups.count() >= 3
        for i in range(top.count()):
            assert top.nth(i).is_visible(), f"menu link {top.nth(i).get_attribute('href')} hidden on a desktop"
        for i in range(groups.count()):
            group = groups.nth(i)
            assert group.locator("summary").is_visible()
            group.locator("summary").click()
            links = group.locator("ul a")
            for j in range(links.count()):
                assert links.nth(j).is_visible(), f"menu link {links.nth(j).get_attribute('href')} hidden in its group"
            group.locator("summary").click()
        # With every module enabled the page never grows wider than the window, and the top bar is one row.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        bar = page.locator("header.topbar").bounding_box()
        assert bar and bar["height"] < 80
    finally:
        context.close()


def test_phone_without_scripts_shows_the_menu_open(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "staff")
        assert page.locator("#menu nav a").first.is_visible()
    finally:
        context.close()


def test_phone_menu_closes_with_escape(page, live_server):
    log_in(page, live_server, "coordinator")
    toggle = page.locator("#menu .menu-toggle")
    toggle.click()
    assert page.locator("#menu nav").is_visible()
    page.keyboard.press("Escape")
    assert page.locator("#menu nav").is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
