"""The HTTP edge: security headers, no inline code in templates, CSRF with kept input, safe error pages."""
import io
import pathlib
import re

import pytest
from flask import request

from qms.permissions import Role, public
from tests.conftest import csrf_token_from

QMS_DIR = pathlib.Path(__file__).resolve().parents[2] / "qms"


def directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_security_headers(response) -> None:
    csp = directives(response.headers["Content-Security-Policy"])
    script_sources = csp.get("script-src", csp.get("default-src"))
    assert script_sources, "CSP must restrict scripts"
    assert "'unsafe-inline'" not in script_sources and "'unsafe-eval'" not in script_sources
    assert "*" not in script_sources
    assert csp.get("object-src") == ["'none'"]
    assert csp.get("frame-ancestors") == ["'none'"] or "sandbox" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin", "no-referrer"}


@pytest.fixture
def edge_app(app):
    """The test app with two extra routes (added before its first request): one that fails, one that
    declares no permission."""

    @public
    def boom():
        raise RuntimeError("secret detail: db password is hunter2")

    def undeclared():
        return "should never be served"

    @public
    def careless_upload():
        from qms.uploads import services

        services.store(request.files.get("file"), allowed={"pdf"})
        return "stored"

    app.add_url_rule("/_test/boom", "test_boom", boom)
    app.add_url_rule("/_test/upload", "test_upload", careless_upload, methods=["POST"])
    app.add_url_rule("/_test/undeclared", "test_undeclared", undeclared)
    return app


@pytest.fixture
def edge_client(edge_app, client):
    return client


# --- headers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path, status", [
    ("/login", 200),
    ("/", 302),
    ("/healthz", 200),
    ("/static/qms.css", 200),
    ("/does-not-exist", 404),
    ("/_test/boom", 500),
])
def test_security_headers_on_every_kind_of_response(edge_client, path, status):
    response = edge_client.get(path)
    assert response.status_code == status
    assert_security_headers(response)
    assert re.fullmatch(r"[A-Za-z0-9._-]{1,64}", response.headers["X-Request-ID"])


def test_security_headers_for_a_logged_in_page(client, login_as):
    login_as(Role.STAFF)
    response = client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert "no-store" in response.headers["Cache-Control"]


def test_session_cookie_is_http_only_and_same_site(app, client, make_user):
    user = make_user(Role.STAFF)
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


# --- templates --------------------------------------------------------------------------------

def template_files() -> list[pathlib.Path]:
    files = sorted(QMS_DIR.rglob("templates/**/*.html"))
    assert files, "no templates found"
    return files


INLINE_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


@pytest.mark.parametrize("template", template_files(), ids=lambda p: str(p.relative_to(QMS_DIR)))
def test_template_has_no_inline_script_or_style(template):
    source = re.sub(r"{#.*?#}", "", template.read_text(encoding="utf-8"), flags=re.DOTALL)
    for match in INLINE_SCRIPT.finditer(source):
        assert not match.group("body").strip(), f"inline script in {template}"
        assert "src=" in match.group("attrs"), f"script without src in {template}"
    assert not STYLE_ATTRIBUTE.search(source), f"style= attribute in {template}"
    assert not STYLE_ELEMENT.search(source), f"<style> element in {template}"
    assert not EVENT_HANDLER.search(source), f"inline event handler in {template}"
    assert not JAVASCRIPT_URL.search(source), f"javascript: URL in {template}"


def test_the_scanner_catches_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>").group("body")
    assert STYLE_ATTRIBUTE.search('<p class="x" style="color:red">')
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert not STYLE_ATTRIBUTE.search('<p class="stylish" data-styled="1">no inline style here</p>')
    assert not INLINE_SCRIPT.search('<script src="/static/qms.js" defer></script>').group("body")


# --- CSRF -------------------------------------------------------------------------------------

def test_post_without_token_is_refused_and_the_input_kept(app_factory, make_user):
    application = app_factory(WTF_CSRF_ENABLED=True)
    with application.app_context():
        client = application.test_client()
        user = make_user(Role.STAFF, email="jan@schoon.example")
        response = client.post("/login?next=/account", data={
            "email": user.email, "password": "correct horse battery", "next": "/account",
            "pin": "4321", "api_token": "tok-987", "remark": "Klaar <b>vandaag</b>",
        })
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert_security_headers(response)
        assert 'value="jan@schoon.example"' in html
        assert "Klaar &lt;b&gt;vandaag&lt;/b&gt;" in html  # kept, and escaped
        assert "correct horse battery" not in html
        assert "4321" not in html and "tok-987" not in html
        assert 'action="/login?next=/account"' in html
        token = csrf_token_from(html)

        # Sending the kept form again with the fresh token (and the password typed anew) logs in.
        again = client.post("/login?next=/account", data={
            "csrf_token": token, "email": user.email, "password": "correct horse battery", "next": "/account"})
        assert again.status_code == 302
        assert again.headers["Location"].endswith("/account")


def test_post_with_a_wrong_token_is_refused(app_factory, make_user):
    application = app_factory(WTF_CSRF_ENABLED=True)
    with application.app_context():
        client = application.test_client()
        user = make_user(Role.STAFF)
        client.get("/login")
        response = client.post("/login", data={"csrf_token": "forged", "email": user.email,
                                               "password": "correct horse battery"})
        assert response.status_code == 400
        assert "Your form has expired" in response.get_data(as_text=True)
        assert client.get("/").status_code == 302  # still not logged in


def test_token_from_the_page_is_accepted(app_factory, make_user):
    application = app_factory(WTF_CSRF_ENABLED=True)
    with application.app_context():
        client = application.test_client()
        user = make_user(Role.STAFF)
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"csrf_token": token, "email": user.email,
                                               "password": "correct horse battery"})
        assert response.status_code == 302


def test_expired_form_page_never_points_to_another_host(app_factory):
    application = app_factory(WTF_CSRF_ENABLED=True)
    with application.test_request_context("//evil.example/login", method="POST"):
        from qms.web import _same_site_path

        assert _same_site_path().startswith("/") and not _same_site_path().startswith("//")


# --- error pages ------------------------------------------------------------------------------

def test_unexpected_error_shows_a_reference_and_no_traceback(edge_client):
    response = edge_client.get("/_test/boom", headers={"X-Request-ID": "req-42.a_b"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-42.a_b"
    assert "req-42.a_b" in html
    assert "Traceback" not in html and "hunter2" not in html and "RuntimeError" not in html


def test_untrusted_request_id_is_replaced(edge_client):
    response = edge_client.get("/_test/boom", headers={"X-Request-ID": "<script>x</script>"})
    assert "<script>x" not in response.get_data(as_text=True)
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"])


def test_unknown_url_is_404_with_a_reference(edge_client):
    response = edge_client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)


def test_route_without_declared_permission_fails_closed(edge_client, login_as):
    assert edge_client.get("/_test/undeclared").status_code == 302  # anonymous: to the login page
    login_as(Role.ADMIN)
    response = edge_client.get("/_test/undeclared")
    assert response.status_code == 403
    assert "should never be served" not in response.get_data(as_text=True)


def test_uncaught_upload_rejection_is_a_400_with_the_message(edge_app, edge_client):
    response = edge_client.post("/_test/upload", data={"file": (io.BytesIO(b"MZ\x90\x00" * 50), "x.pdf")},
                                content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This type of file is not accepted here." in response.get_data(as_text=True)
    assert_security_headers(response)
    assert not list(pathlib.Path(edge_app.config["UPLOAD_FOLDER"]).rglob("*.*"))


@pytest.mark.parametrize("url", [
    "/%ff%fe",
    "/login?next=%ff%fe%00",
    "/login?next=//evil.example",
    "/login?next=javascript:alert(1)",
    "/?page=-1&page=abc",
    "/files/%2e%2e%2f%2e%2e%2fconfig.py",
    "/static/../config.py",
    "/static/%2e%2e/config.py",
    "/static/%00",
    "/" + "a" * 4000,
    "/login?" + "x=%" * 300,
    "/healthz?%%%",
])
def test_malformed_urls_never_give_a_server_error(client, login_as, url):
    assert client.get(url).status_code < 500
    login_as(Role.STAFF)
    response = client.get(url)
    assert response.status_code < 500
    assert b"SECRET_KEY" not in response.data


def test_malformed_bodies_and_cookies_never_give_a_server_error(client):
    client.set_cookie("session", "not-a-signed-session")
    assert client.get("/login").status_code == 200
    response = client.post("/login", data=b"--broken\r\nContent-Disposition: form-data\r\n",
                           content_type="multipart/form-data; boundary=broken")
    assert response.status_code < 500
    response = client.post("/login", data={"email": "x" * 100_000, "password": "y" * 100_000})
    assert response.status_code < 500
    assert client.post("/healthz").status_code < 500  # wrong method


def test_request_larger_than_the_cap_is_413(app_factory):
    application = app_factory(MAX_CONTENT_LENGTH=1000)
    with application.app_context():
        response = application.test_client().post("/login", data={"email": "a@b.example", "password": "x" * 5000})
        assert response.status_code == 413
        assert_security_headers(response)


def test_nul_byte_in_any_form_or_query_is_refused_not_a_500(client, login_as):
    from qms.permissions import Role

    login_as(Role.ADMIN)
    assert client.get("/audit/?entity_type=a%00b").status_code == 400
    response = client.post("/account", data={"current_password": "x\x00y", "new_password": "a", "confirm_password": "a"})
    assert response.status_code == 400
    assert client.get("/admin/users?role=%00&page=%00").status_code == 400


def test_nul_byte_in_login_is_refused_and_logs_nobody_in(client):
    assert client.post("/login", data={"email": "\x00", "password": "\x00"}).status_code == 400
    assert client.get("/").status_code == 302
