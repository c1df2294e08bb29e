"""The start page on a 390 px phone, per role: the "Incident melden" button and "my tasks" come first, within
the first screen, before the figures; on a desktop the coordinator's menu is one row of groups that opens with
the keyboard. Screenshots of each role's start page are written to QMS_SCREENSHOTS (a folder) when set."""
import datetime as dt
import os
import pathlib
import threading

import pytest
from werkzeug.serving import make_server

from qms import create_app
from qms.extensions import db
from qms.permissions import Role
from tests.conftest import PASSWORD

from .conftest import CSP_REPORTER, PHONE, LiveServer, log_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QMS_SCREENSHOTS")


@pytest.fixture(scope="module")
def start_server(tmp_path_factory):
    """Its own app: a staff member with an overdue action and a document to read, a coordinator with an accident
    to report to the Arbeidsinspectie and a report to triage."""
    from qms.actions.models import CorrectiveAction
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password
    from qms.documents.models import DistributionTarget, Document, DocumentVersion, TargetKind, VersionState
    from qms.incidents.models import Incident
    from qms.incidents.workflow import ArboReason, IncidentType

    root = tmp_path_factory.mktemp("start-live")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{root / 'live.sqlite3'}",
                     UPLOAD_FOLDER=str(root / "uploads"), WTF_CSRF_ENABLED=True)
    emails = {}
    with app.app_context():
        db.create_all()
        hashed = hash_password(PASSWORD)
        users = {}
        for name, role in (("staff", Role.STAFF), ("coordinator", Role.COORDINATOR)):
            users[name] = User(email=f"{name}@start.example", name=f"{name.capitalize()} Tester", active=True,
                               password_hash=hashed)
            users[name].roles = [UserRole(role=role)]
            db.session.add(users[name])
            emails[name] = users[name].email
        db.session.flush()
        today = dt.date.today()
        now = dt.datetime.now().replace(microsecond=0) - dt.timedelta(hours=3)
        doc = Document(number="WI-001", title="Dagelijks onderhoud kantoren", type="work_instruction",
                       status=VersionState.PUBLISHED)
        doc.versions = [DocumentVersion(major=1, minor=0, state=VersionState.PUBLISHED, content_markdown="Tekst",
                                        published_at=dt.datetime(2026, 1, 5), effective_date=dt.date(2026, 1, 5))]
        doc.targets = [DistributionTarget(kind=TargetKind.ROLE, role="staff")]
        db.session.add_all([
            doc,
            CorrectiveAction(description="Werkinstructie aanpassen en bespreken in de toolbox",
                             owner_id=users["staff"].id, due_date=today - dt.timedelta(days=2)),
            Incident(number="INC-2026-0101", type=IncidentType.LTI, occurred_at=now, occurred_on=now.date(),
                     description="Van de trap gevallen", arbo_reason=ArboReason.HOSPITAL),
            Incident(number="INC-2026-0102", type=IncidentType.NEAR_MISS, occurred_at=now, occurred_on=now.date(),
                     description="Natte vloer zonder bord"),
        ])
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", emails=emails)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _shot(page, name: str) -> None:
    if SHOTS:
        folder = pathlib.Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("role, first_task", [("staff", "Werkinstructie aanpassen"),
                                              ("coordinator", "INC-2026-0101")])
def test_on_a_phone_the_button_and_my_tasks_come_first(start_server, page, role, first_task):
    log_in(page, start_server, role)
    button = page.locator("[data-report-now]")
    assert button.inner_text().strip() == "Incident melden"
    tasks = page.locator("[data-tasks] li.task")
    assert tasks.count() >= 2
    assert first_task in tasks.first.inner_text()
    # Both within the first screen, the button big enough to hit with a thumb, the figures further down.
    bbox, first = button.bounding_box(), tasks.first.bounding_box()
    assert bbox["y"] + bbox["height"] <= PHONE["height"] and bbox["height"] >= 44 and bbox["width"] >= 300
    assert first["y"] + first["height"] <= PHONE["height"], first
    figures = page.locator("h2", has_text="Kerncijfers")
    if figures.count():
        assert figures.bounding_box()["y"] > first["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, f"start-{role}-390")
    with page.expect_navigation():
        tasks.first.locator("a").click()
    assert page.url != start_server.url + "/"
    assert page.console_errors == []


def test_on_a_desktop_the_coordinators_menu_is_one_row_of_groups(browser, start_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.add_init_script(CSP_REPORTER)
    page = context.new_page()
    try:
        log_in(page, start_server, "coordinator")
        _shot(page, "start-coordinator-1280")
        bar = page.locator("header.topbar").bounding_box()
        assert bar["height"] < 80, bar  # one row, not three
        groups = page.locator("#menu summary")
        assert groups.count() >= 3
        # Keyboard: focus a group's title, open it with Enter, its links show; Escape closes it again.
        first = groups.first
        first.focus()
        page.keyboard.press("Enter")
        link = page.locator("#menu details[open] ul a").first
        assert link.is_visible()
        page.keyboard.press("Escape")
        assert page.locator("#menu details[open]").count() == 0
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
        context.clear_cookies()
        log_in(page, start_server, "staff")
        _shot(page, "start-staff-1280")
    finally:
        context.close()
