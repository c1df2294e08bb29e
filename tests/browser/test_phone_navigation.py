"""On a phone, every role can reach every page in its menu, and every page is usable there."""
import pytest

from qms.permissions import Role

from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser


def _open_menu(page) -> None:
    toggle = page.locator("#menu .menu-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#menu nav").is_visible(), "the menu does not open"


def _page_problems(page, label: str) -> list[str]:
    problems = []
    if page.locator("main h1").count() < 1:
        problems.append(f"{label}: no <h1> in <main>")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"] + 1:
        problems.append(f"{label}: {width}px wide on a {PHONE['width']}px screen (horizontal scrolling)")
    return problems


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_menu_link_opens_a_usable_page_on_a_phone(live_server, page, role):
    log_in(page, live_server, role)
    problems = _page_problems(page, "dashboard")
    _open_menu(page)
    hrefs = [a.get_attribute("href") for a in page.locator("#menu nav a").all()]
    assert hrefs, "the menu has no links"
    for href in hrefs:
        _open_menu(page)
        link = page.locator(f'#menu nav a[href="{href}"]').first
        assert link.is_visible(), f"menu link {href} is not visible on a phone"
        with page.expect_navigation() as navigation:
            link.click()
        response = navigation.value
        status = response.status if response else None
        if status != 200:
            problems.append(f"{href}: HTTP {status}")
            continue
        problems += _page_problems(page, href)
    problems += page.console_errors
    assert not problems, f"{role}:\n  " + "\n  ".join(problems)
