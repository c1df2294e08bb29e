"""The demo company (``qms demo``) loaded once into an app that a whole test module shares.

For walks over every route and form: loading the demo takes seconds, so a module loads it once and logs in
one test client per role. On PostgreSQL the run's schema is emptied first, as the per-test ``app`` fixture
does.
"""
from __future__ import annotations

import pathlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from werkzeug.exceptions import HTTPException

from qms import create_app
from qms.extensions import db
from qms.permissions import Role

from ..conftest import PG_URL, _fresh_g, _reset_postgres

DEMO_PASSWORD = "demo-password-for-tests"


def build_demo_app(workdir: pathlib.Path, **config):
    """An app on a fresh database holding the demo company; the caller pushes no context. ``config`` overrides
    the test settings (English, no CSRF)."""
    from qms.audit.services import set_actor
    from qms.demo.company import load_demo

    settings = dict(SQLALCHEMY_DATABASE_URI=PG_URL or f"sqlite:///{workdir / 'demo.sqlite3'}",
                    UPLOAD_FOLDER=str(workdir / "uploads"), WTF_CSRF_ENABLED=False, BABEL_DEFAULT_LOCALE="en",
                    QMS_DEMO_PASSWORD_FILE=str(workdir / "demo-password.txt"))
    app = create_app("testing", **{**settings, **config})
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)
    with app.app_context():
        if PG_URL:
            _reset_postgres()
        else:
            db.create_all()
        set_actor(None, "demo")
        load_demo(db.session, DEMO_PASSWORD)
        db.session.commit()
        db.session.remove()
    return app


def login(app, role: Role):
    """A test client logged in as the demo user of ``role``."""
    from qms.demo.company import demo_email

    client = app.test_client()
    response = client.post("/login", data={"email": demo_email(role), "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"demo login as {role.value}: {response.status_code}"
    return client


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- crawling: real URLs (with real ids) and the forms on them ---------------------------------------------

@dataclass
class FormField:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class PageForm:
    page: str
    action: str
    method: str
    fields: list[FormField] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Links and forms of one HTML page."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a and not self._select.value:
                self._select.value = a.get("value", "")
        elif tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            self._form = PageForm(self.url, urljoin(self.url, a.get("action") or self.url),
                                  (a.get("method") or "get").upper())
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            self._form.fields.append(FormField(a["name"], (a.get("type") or "text").lower(), a.get("value", ""),
                                               checked="checked" in a))
        elif tag == "select":
            self._select = FormField(a["name"], "select-multiple" if "multiple" in a else "select")
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = FormField(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "button" and a.get("value") is not None:
            self._form.fields.append(FormField(a["name"], "submit", a.get("value", "")))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _parse(url: str, html: str) -> _PageParser:
    parser = _PageParser(url)
    parser.feed(html)
    return parser


def parse_forms(url: str, html: str) -> list[PageForm]:
    """The forms of a page at ``url`` (a path); actions come back as absolute http://localhost URLs."""
    return _parse("http://localhost" + url, html).forms


@dataclass
class Crawl:
    """What one role reached: URLs by endpoint, the responses' content types, and the forms seen."""

    role: Role
    urls: dict[str, list[str]] = field(default_factory=dict)
    content_types: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    forms: list[PageForm] = field(default_factory=list)
    #: The HTML of every page answered 200 (kept only when ``crawl(keep_html=True)``).
    html: dict[str, str] = field(default_factory=dict)


def endpoint_of(app, url: str, method: str = "GET") -> str | None:
    parts = urlsplit(url)
    try:
        endpoint, _ = app.url_map.bind("localhost").match(parts.path, method=method)
    except HTTPException:
        return None
    return endpoint


def role_holds(role: Role, permission: str | None) -> bool:
    from qms.permissions import AUTHENTICATED, PUBLIC, roles_for

    if permission in (PUBLIC, AUTHENTICATED):
        return True
    try:
        return permission is not None and role in roles_for(permission)
    except LookupError:
        return False


def permission_of(app, endpoint: str) -> str | None:
    return getattr(app.view_functions[endpoint], "_qms_permission", None)


def start_urls(app, role: Role) -> list[str]:
    """The dashboard and every GET route without URL arguments that ``role`` may open."""
    urls = ["/"]
    for rule in app.url_map.iter_rules():
        if (rule.arguments or "GET" not in rule.methods or rule.endpoint == "static"
                or rule.endpoint.endswith(".static") or not role_holds(role, permission_of(app, rule.endpoint))):
            continue
        urls.append(rule.rule)
    return sorted(set(urls), key=urls.index)


def crawl(app, client, role: Role, per_endpoint: int = 2, limit: int = 600, start: list[str] | None = None,
          keep_html: bool = False) -> Crawl:
    """Follow the links a role is shown, from its start pages, at most ``per_endpoint`` URLs per endpoint."""
    seen = Crawl(role)
    queue = list(start or start_urls(app, role))
    for url in queue:
        seen.urls.setdefault(endpoint_of(app, url) or "", []).append(url)
    visited: set[str] = set()
    while queue and len(visited) < limit:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        try:
            response = client.get(url)
            body = response.get_data(as_text=response.mimetype == "text/html")
        except Exception:  # noqa: BLE001 - a body that fails while streaming: a server sends a broken 500
            seen.statuses[url], seen.content_types[url] = 500, ""
            continue
        seen.statuses[url] = response.status_code
        seen.content_types[url] = response.mimetype or ""
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        if keep_html:
            seen.html[url] = body
        page = _parse("http://localhost" + url, body)
        seen.forms += page.forms
        for link in page.links:
            parts = urlsplit(link)
            if parts.netloc not in ("", "localhost") or parts.scheme not in ("", "http"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            endpoint = endpoint_of(app, target)
            if endpoint is None or endpoint == "static" or endpoint.endswith(".static"):
                continue
            known = seen.urls.setdefault(endpoint, [])
            if target in known or len(known) >= per_endpoint:
                continue
            known.append(target)
            queue.append(target)
    return seen
