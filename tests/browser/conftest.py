"""Browser fixtures: the app served on a free local port, and Debian's Chromium driven by Playwright.

One server and one browser per test session; every test gets a fresh browser context (no cookies carried
over). Without /usr/bin/chromium or the playwright package the tests are skipped — unless
QMS_REQUIRE_BROWSER=1 (set by CI), which turns that into a failure. Browsers are never downloaded.
"""
import os
import pathlib
import threading
from dataclasses import dataclass, field

import pytest
from werkzeug.serving import make_server

from qms import create_app
from qms.extensions import db
from qms.permissions import Role
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
#: Playwright routes a service worker's own fetches through the browser context only with this set, so that
#: ``context.set_offline(True)`` cuts the service worker off as well (playwright issue #2311).
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
REQUIRE_BROWSER = os.environ.get("QMS_REQUIRE_BROWSER", "") not in ("", "0")
PHONE = {"width": 390, "height": 844}
#: Reports CSP violations on the console, where the console listener below picks them up.
CSP_REPORTER = ("document.addEventListener('securitypolicyviolation', function (e) {"
                " console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI); });")


def _unavailable(reason: str):
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason}, and QMS_REQUIRE_BROWSER is set")
    pytest.skip(reason)


@dataclass
class LiveServer:
    url: str
    #: E-mail address per account name ("admin", "coordinator", … and any extra accounts).
    emails: dict[str, str] = field(default_factory=dict)
    password: str = PASSWORD
    #: The served app, for a test that checks what was stored (``with live_server.app.app_context(): …``).
    app: object = None


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app on 127.0.0.1 with a file SQLite database, one user per role plus spare accounts."""
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password

    root = tmp_path_factory.mktemp("live")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{root / 'live.sqlite3'}",
                     UPLOAD_FOLDER=str(root / "uploads"), WTF_CSRF_ENABLED=True)
    accounts = {role.value: [role] for role in Role}
    accounts.update({"language": [Role.STAFF], "keyboard": [Role.STAFF], "twofactor": [Role.STAFF]})
    emails = {}
    with app.app_context():
        db.create_all()
        password_hash = hash_password(PASSWORD)
        for name, roles in accounts.items():
            email = f"{name}@browser.example"
            user = User(email=email, name=f"{name.capitalize()} Tester", active=True, password_hash=password_hash)
            user.roles = [UserRole(role=r) for r in roles]
            db.session.add(user)
            emails[name] = email
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", emails=emails, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not pathlib.Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    ctx.set_default_timeout(15_000)
    ctx.add_init_script(CSP_REPORTER)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A phone-sized page; ``page.console_errors`` collects console errors, CSP violations and page errors."""
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(f"{pg.url}: {msg.text}") if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"{pg.url}: {exc}"))
    pg.console_errors = errors
    yield pg
    pg.close()


def log_in(page, live_server: LiveServer, account: str) -> None:
    """Log in through the login form, as a person would. A test that switches person clears the cookies first; a
    static response still in flight can bring the old session cookie back, so the login page is reloaded until it
    shows the form."""
    for _ in range(5):
        page.goto(live_server.url + "/login", wait_until="networkidle")
        if page.locator("input[name=email]").count():
            break
        page.context.clear_cookies()
    page.fill("input[name=email]", live_server.emails[account])
    page.fill("input[name=password]", live_server.password)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert page.url.rstrip("/") == live_server.url, f"login as {account} ended on {page.url}"


def choose(page, box: str, text: str, option: str) -> None:
    """Type ``text`` into the search box ``box`` of a lookup input and pick the suggestion that reads ``option``."""
    page.locator(box).fill(text)
    suggestion = page.locator(f".lookup-list li:has-text('{option}')").first
    suggestion.wait_for()
    suggestion.dispatch_event("mousedown")
