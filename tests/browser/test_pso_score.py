"""An HR officer opens the PSO score page on a phone: score, level, PSO 30+ and the chart, in Dutch."""
import datetime as dt
import threading
from decimal import Decimal

import pytest
from werkzeug.serving import make_server

from qms import create_app
from qms.extensions import db
from qms.permissions import Role
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pso_server(tmp_path_factory):
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password
    from qms.organisation.models import Employee
    from qms.pso import services
    from qms.pso.services import StatusData

    root = tmp_path_factory.mktemp("pso-live")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{root / 'live.sqlite3'}",
                     UPLOAD_FOLDER=str(root / "uploads"), WTF_CSRF_ENABLED=True)
    with app.app_context(), app.test_request_context():
        db.create_all()
        user = User(email="hr@pso.example", name="HR Tester", active=True, password_hash=hash_password(PASSWORD))
        user.roles = [UserRole(role=Role.HR)]
        db.session.add(user)
        people = [Employee(number=f"B{n}", first_name="Bea", last_name=f"Test{n}", function="cleaner",
                           hired_on=dt.date(2015, 1, 1)) for n in range(10)]
        db.session.add_all(people)
        db.session.flush()
        for e in people:
            services.add_employment(e, start=dt.date(2015, 1, 1), end=None, contract_type="regular",
                                    hours_per_week=Decimal(40), norm_week_hours=None)
        status = services.save_status(people[0], StatusData(
            starting_position="wia_wajong", intake_date=dt.date(2015, 1, 1), suitable_work="ja", integration="ja",
            support="ja"))
        services.add_conversation(status, held_on=dt.date(2025, 5, 1), kind="performance", summary="goed")
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_hr_sees_the_score_page_on_a_phone(browser, pso_server):
    ctx = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    page = ctx.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(pso_server + "/login")
    page.fill("input[name=email]", "hr@pso.example")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    page.goto(pso_server + "/pso/?year=2025")
    assert page.locator("h1").inner_text() == "PSO-score 2025"
    main = page.locator("main").inner_text()
    assert "Totale bijdrage" in main and ("10,0" in main or "10.0" in main)
    assert "Trede 2" in main and "PSO 30+" in main
    assert page.locator("svg polyline.forecast, svg circle.score").count() >= 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page scrolls sideways on a phone ({width}px)"
    assert not errors, errors
    ctx.close()
