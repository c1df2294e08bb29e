"""On a phone: a master trainer opens an apprentice's learning path from the menu and signs off the next step;
another master trainer cannot even open that apprentice. The page is in Dutch and does not scroll sideways."""
import datetime as dt
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from qms import create_app
from qms.extensions import db
from qms.permissions import Role
from tests.conftest import PASSWORD

from .conftest import PHONE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def iso_server(tmp_path_factory):
    """Its own app: master trainer Wim (staff login) with apprentice Tim on a three-step path; master trainer Anita."""
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password
    from qms.iso9001.models import LearningAssignment, LearningPath, LearningStep
    from qms.organisation.models import Employee

    root = tmp_path_factory.mktemp("iso-live")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{root / 'live.sqlite3'}",
                     UPLOAD_FOLDER=str(root / "uploads"), WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        hashed = hash_password(PASSWORD)
        users = {}
        for name in ("wim", "anita"):
            users[name] = User(email=f"{name}@iso.example", name=name.capitalize(), active=True, password_hash=hashed)
            users[name].roles = [UserRole(role=Role.STAFF)]
            db.session.add(users[name])
        db.session.flush()
        wim = Employee(number="M1", first_name="Wim", last_name="de Boer", function="Leermeester",
                       hired_on=dt.date(2010, 1, 1), is_master_trainer=True, user_id=users["wim"].id)
        anita = Employee(number="M2", first_name="Anita", last_name="Kok", function="Leermeester",
                         hired_on=dt.date(2012, 1, 1), is_master_trainer=True, user_id=users["anita"].id)
        db.session.add_all([wim, anita])
        db.session.flush()
        tim = Employee(number="A1", first_name="Tim", last_name="van Leeuwen", function="BBL glazenwasser",
                       hired_on=dt.date(2026, 1, 1), is_apprentice=True, mentor_id=wim.id)
        path = LearningPath(name="BBL Glazenwasser niveau 2")
        path.steps = [LearningStep(position=n, title=title) for n, title in
                      enumerate(["Veilig werken met ladder", "Binnenglas met methode", "Buitenglas met telescoopsteel"],
                                start=1)]
        db.session.add_all([tim, path])
        db.session.flush()
        db.session.add(LearningAssignment(employee_id=tim.id, path_id=path.id, started_on=dt.date(2026, 1, 1)))
        db.session.commit()
        ids = {"tim": tim.id}
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}", ids
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


def test_the_master_trainer_signs_off_a_step_on_a_phone(iso_server, page):
    from playwright.sync_api import expect

    app, base, ids = iso_server
    _log_in(page, base, "wim@iso.example")
    page.locator(".menu-toggle").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Leerroutes").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Tim van Leeuwen").click()
    assert page.url.endswith(f"/iso9001/learning/{ids['tim']}")
    expect(page.get_by_text("0 van 3 stappen afgetekend")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    first = page.locator("li.step").first
    button = first.get_by_role("button", name="Stap aftekenen")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 200, box  # a thumb-sized button
    first.get_by_label("Opmerking (optioneel)").fill("Netjes gewerkt")
    with page.expect_navigation():
        button.click()
    # First the confirmation: what is signed, for whom; "back" would sign nothing.
    expect(page.get_by_text("Je tekent stap")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, teken deze stap af").click()

    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_text("1 van 3 stappen afgetekend")).to_be_visible()
    signed = page.locator("li.step").first
    expect(signed.get_by_text("Afgetekend", exact=True)).to_be_visible()
    assert "Netjes gewerkt" in signed.inner_text()
    # A signed step cannot be signed again; for a few minutes it can be undone.
    assert [b.inner_text() for b in signed.get_by_role("button").all()] == ["Aftekenen ongedaan maken"]
    assert page.console_errors == []

    from qms.iso9001.models import StepSignoff

    with app.app_context():
        signoffs = db.session.scalars(select(StepSignoff)).all()
        assert len(signoffs) == 1 and signoffs[0].note == "Netjes gewerkt"
        db.session.remove()


def test_another_master_trainer_does_not_see_the_apprentice(iso_server, page):
    app, base, ids = iso_server
    _log_in(page, base, "anita@iso.example")
    page.goto(base + "/iso9001/learning")
    assert page.get_by_text("Tim van Leeuwen").count() == 0
    response = page.goto(base + f"/iso9001/learning/{ids['tim']}")
    assert response.status == 404
