"""The demo company (``qms demo``) loaded once into an app that a whole test module shares.

For walks over every route and form: loading the demo takes seconds, so a module loads it once and logs in
one test client per role. On PostgreSQL the run's schema is emptied first, as the per-test ``app`` fixture
does.
"""
from __future__ import annotations

import pathlib

from qms import create_app
from qms.extensions import db
from qms.permissions import Role

from ..conftest import PG_URL, _fresh_g, _reset_postgres

DEMO_PASSWORD = "demo-password-for-tests"


def build_demo_app(workdir: pathlib.Path):
    """An app on a fresh database holding the demo company; the caller pushes no context."""
    from qms.audit.services import set_actor
    from qms.demo.company import load_demo

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=PG_URL or f"sqlite:///{workdir / 'demo.sqlite3'}",
                     UPLOAD_FOLDER=str(workdir / "uploads"), WTF_CSRF_ENABLED=False, BABEL_DEFAULT_LOCALE="en",
                     QMS_DEMO_PASSWORD_FILE=str(workdir / "demo-password.txt"))
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
