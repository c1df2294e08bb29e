"""The number of SQL statements of each key page does not grow with the number of rows: the same pages are
asked on a small and on a larger data set, and every page must issue exactly as many statements on both
(a query per row would show as a difference). Timing is left to ``make bench``."""
import datetime as dt

import pytest
from sqlalchemy import event, select

from qms.extensions import db as _db
from qms.permissions import Role
from tests.conftest import PASSWORD, PG_URL, _reset_postgres

#: (label, role, URL or a function of the app giving it). Add a line to guard another page.
PAGES = [
    ("dashboard", Role.COORDINATOR, "/"),
    ("dashboard", Role.STAFF, "/"),
    ("dashboard", Role.HR, "/"),
    ("dashboard", Role.AUDITOR, "/"),
    ("incident log", Role.COORDINATOR, "/incidents/"),
    ("incident log search", Role.COORDINATOR, "/incidents/?q=uitgegleden"),
    ("documents register", Role.COORDINATOR, "/documents/"),
    ("documents search", Role.COORDINATOR, "/documents/?q=vloer"),
    ("documents to read", Role.STAFF, "/documents/to-read"),
    ("evidence readiness", Role.COORDINATOR, "/evidence/"),
    ("evidence norm tree", Role.COORDINATOR, "/evidence/norms/iso9001/2015"),
    ("evidence requirement", Role.COORDINATOR, lambda: f"/evidence/norms/iso9001/2015/req/{_first_requirement()}"),
    ("all actions", Role.COORDINATOR, "/actions/?status=all"),
    ("audit programme", Role.AUDITOR, "/audits/"),
    ("audit trail", Role.AUDITOR, "/audit/"),
    ("pso score", Role.HR, "/pso/"),
    ("pso register", Role.HR, "/pso/register"),
    ("vca overview", Role.COORDINATOR, "/vca/"),
    ("employees", Role.HR, "/organisation/employees"),
]


def _first_requirement() -> str:
    """The requirement the first evidence file of the bench seed serves (so it has evidence in both sets)."""
    from qms.norms import registry

    cat = registry().get("iso9001").versions["2015"]
    return next(r.code for r in cat.requirements.values() if r.kind == "requirement")


def _empty_database() -> None:
    _db.session.remove()
    if PG_URL:
        _reset_postgres()
    else:
        _db.drop_all()
        _db.create_all()


def _seed(scale: int, rows: int) -> None:
    from qms.demo.seed import seed
    from qms.documents.demo import seed_documents
    from qms.evidence.seed import seed_evidence
    from qms.incidents.seed import seed_incidents

    seed(_db.session, scale)
    seed_documents(_db.session, rows)
    seed_evidence(_db.session, "iso9001", "2015", count=rows)
    seed_incidents(_db.session, rows, today=dt.date.today())
    _db.session.commit()


def _counts(app, make_user) -> dict[tuple[str, str], int]:
    clients = {}
    for role in {role for _label, role, _url in PAGES}:
        user = make_user(role)
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        clients[role] = client
    statements = []

    def count(*_args):
        statements.append(1)

    out = {}
    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        for label, role, url in PAGES:
            url = url() if callable(url) else url
            clients[role].get(url)  # warm (caches that legitimately fill once)
            _db.session.remove()  # a fresh session, as every real request has (tests share one app context)
            statements.clear()
            response = clients[role].get(url)
            assert response.status_code == 200, (label, role, url, response.status_code)
            out[(label, role.value)] = len(statements)
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    return out


def test_key_pages_issue_as_many_queries_on_five_times_the_rows(app, db, make_user):
    """Seeds twice (scale 1 with 5 rows per bench table, then scale 2 with 25): about 10 s, the price of two
    data sets, for one guard over every key page."""
    from qms.norms import registry

    if "iso9001" not in registry():
        pytest.skip("the guard reads the ISO 9001 evidence pages")
    _empty_database()
    _seed(1, 5)
    small = _counts(app, make_user)
    _empty_database()
    _seed(2, 25)
    large = _counts(app, make_user)
    grown = {page: (small[page], large[page]) for page in small if large[page] != small[page]}
    assert not grown, f"queries per page grew with the rows (small, large): {grown}"
