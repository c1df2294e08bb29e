"""safe_next accepts only paths on this site: the login form's redirect cannot send anyone elsewhere."""
import pytest

from qms.urls import safe_next


@pytest.mark.parametrize("target", [
    "/",
    "/admin/users",
    "/admin/users?q=jansen&page=2",
    "/catalogue/#section-4",
    "  /account  ",
])
def test_local_paths_are_kept(target):
    assert safe_next(target) == target.strip()


@pytest.mark.parametrize("target", [
    None,
    "",
    "//evil.example",
    "//evil.example/login",
    "///evil.example",
    "https://evil.example",
    "http://evil.example/admin",
    "HTTPS://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,hello",
    "evil.example",
    "admin/users",
    "/\tevil",
    "/\n//evil.example",
    "\x00/admin",
    123,
    ["/admin"],
])
def test_other_sites_and_schemes_are_refused(target):
    assert safe_next(target) is None
