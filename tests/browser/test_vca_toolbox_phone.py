"""On a phone: a coordinator plans and opens a toolbox meeting, an attendee signs with one tap, the
coordinator records another attendee from the list and closes the meeting."""
import datetime as dt
import threading

import pytest
from werkzeug.serving import make_server

from qms import create_app
from qms.extensions import db
from qms.permissions import Role
from tests.conftest import PASSWORD

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def vca_server(tmp_path_factory):
    """Its own app and database: a company at VCA**, a coordinator, and two workers on risky work, one with a login."""
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password
    from qms.organisation.models import Company, Employee
    from qms.vca.models import VcaWorker

    root = tmp_path_factory.mktemp("vca-live")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{root / 'live.sqlite3'}",
                     UPLOAD_FOLDER=str(root / "uploads"), WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        hashed = hash_password(PASSWORD)
        users = {}
        for name, role in (("coordinator", Role.COORDINATOR), ("kim", Role.STAFF)):
            users[name] = User(email=f"{name}@vca.example", name=name.capitalize(), active=True, password_hash=hashed)
            users[name].roles = [UserRole(role=role)]
            db.session.add(users[name])
        db.session.add(Company(name="De Test B.V.", certification_targets="vca:vca2"))
        db.session.flush()
        for number, first, user in (("K1", "Kim", users["kim"]), ("L1", "Lars", None)):
            person = Employee(number=number, first_name=first, last_name="Jansen", function="Schoonmaker",
                              hired_on=dt.date(2020, 1, 1), user_id=user.id if user else None)
            db.session.add(person)
            db.session.flush()
            db.session.add(VcaWorker(employee_id=person.id, risky_work_since=dt.date(2020, 1, 1)))
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _log_in(page, base, email):
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, page.url


def test_hold_a_toolbox_meeting_with_signed_attendance_on_a_phone(vca_server, browser, page):
    app, base = vca_server
    # The coordinator plans the meeting and opens it for signing.
    _log_in(page, base, "coordinator@vca.example")
    page.goto(base + "/vca/toolbox")
    _no_sideways_scroll(page)
    with page.expect_navigation():
        page.locator("main a[href$='/vca/toolbox/new']").click()
    page.fill("input[name=planned_on]", dt.date.today().isoformat())
    page.fill("input[name=topic]", "Ladders en trappen")
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()
    assert "Ladders en trappen" in page.locator("main h1").inner_text()
    with page.expect_navigation():
        page.locator("form[action$='/start'] button").click()
    meeting_url = page.url
    _no_sideways_scroll(page)

    # The attendee signs on their own phone, from the menu.
    other = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    phone = other.new_page()
    errors = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _log_in(phone, base, "kim@vca.example")
    phone.locator("#menu .menu-toggle").click()
    with phone.expect_navigation():
        phone.locator("#menu nav a[href$='/vca/my-toolbox']").click()
    with phone.expect_navigation():
        phone.locator("main a.sign-button").first.click()
    _no_sideways_scroll(phone)
    sign = phone.locator("main button.sign-button")
    assert "Kim Jansen" in sign.inner_text()
    box = sign.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big target for a thumb
    with phone.expect_navigation():
        sign.tap()
    assert phone.locator(".sign-done").is_visible()
    assert not errors, errors
    other.close()

    # The coordinator records the other attendee from the list and closes the meeting.
    page.goto(meeting_url + "/sign")
    assert page.locator("main .people-picks label").count() == 1  # Kim signed already, Lars is left
    page.locator("main .people-picks input[type=checkbox]").check()
    with page.expect_navigation():
        page.locator("form[action$='/record'] button").click()
    page.goto(meeting_url)
    attendance = page.locator("main").inner_text()
    assert "Kim Jansen" in attendance and "Lars Jansen" in attendance
    with page.expect_navigation():
        page.locator("form[action$='/close'] button").click()
    _no_sideways_scroll(page)
    assert not page.console_errors, page.console_errors

    with app.app_context():
        from sqlalchemy import select

        from qms.vca.models import AttendanceMethod, MeetingState, VcaToolboxAttendance, VcaToolboxMeeting

        meeting = db.session.scalar(select(VcaToolboxMeeting))
        rows = db.session.scalars(select(VcaToolboxAttendance)).all()
        assert meeting.state is MeetingState.CLOSED
        assert sorted(r.method for r in rows) == sorted([AttendanceMethod.SIGNED, AttendanceMethod.RECORDED])
        db.session.remove()
