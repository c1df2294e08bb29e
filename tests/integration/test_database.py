"""SQLite runs with WAL, foreign keys and immediate write transactions; concurrent writers queue."""
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from qms.organisation.models import Department
from qms.permissions import Role
from tests.conftest import PG_URL

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite-specific connection settings")


@sqlite_only
def test_sqlite_pragmas(db):
    conn = db.session.connection()
    assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(db):
    from qms.organisation.models import Employee
    import datetime as dt

    db.session.add(Employee(number="E1", first_name="A", last_name="B", function="Schoonmaker",
                            department_id=9999, hired_on=dt.date(2024, 1, 1)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@sqlite_only
def test_concurrent_writers_queue_instead_of_failing(app, db):
    """Two threads that each read, then write, in one transaction: with deferred transactions the second
    upgrade to a write lock fails with 'database is locked'; with BEGIN IMMEDIATE they take turns."""
    db.session.add(Department(name="Start"))
    db.session.commit()
    db.session.remove()
    holding = threading.Event()
    errors: list[BaseException] = []

    def writer(name: str, hold: bool) -> None:
        try:
            with app.app_context():
                session = db.session
                session.execute(text("SELECT count(*) FROM department")).scalar()
                if hold:
                    holding.set()
                    threading.Event().wait(0.3)
                session.add(Department(name=name))
                session.commit()
                session.remove()
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    first = threading.Thread(target=writer, args=("First", True))
    first.start()
    holding.wait(5)
    second = threading.Thread(target=writer, args=("Second", False))
    second.start()
    first.join(20)
    second.join(20)
    assert errors == []
    names = set(db.session.scalars(db.select(Department.name)))
    assert {"Start", "First", "Second"} <= names


@sqlite_only
def test_reading_requests_begin_deferred_and_writing_ones_immediate(app, db, client, login_as):
    """A GET only reads, so it begins deferred; a POST, and work outside a request, takes the write lock."""
    from sqlalchemy import event

    login_as(Role.ADMIN)
    begins: list[tuple[str, str]] = []

    def hook(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            from flask import has_request_context, request

            begins.append((request.method if has_request_context() else "-", statement))

    event.listen(db.engine, "before_cursor_execute", hook)
    try:
        db.session.remove()
        assert client.get("/organisation/departments").status_code == 200
        assert client.post("/organisation/departments", data={"name": "Glas"}).status_code in (200, 302)
        db.session.remove()
        db.session.scalar(text("SELECT count(*) FROM department"))
    finally:
        event.remove(db.engine, "before_cursor_execute", hook)
    assert ("GET", "BEGIN") in begins and ("GET", "BEGIN IMMEDIATE") not in begins
    assert ("POST", "BEGIN IMMEDIATE") in begins and ("POST", "BEGIN") not in begins
    assert begins[-1] == ("-", "BEGIN IMMEDIATE")


@sqlite_only
def test_a_page_opens_while_another_connection_holds_the_write_lock(app, db, client, login_as):
    """WAL lets readers read beside the one writer: a GET does not queue behind a long write."""
    import sqlite3

    login_as(Role.ADMIN)
    db.session.remove()
    writer = sqlite3.connect(db.engine.url.database, isolation_level=None, timeout=1)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO department (name, active) VALUES ('Bezig', 1)")
        response = client.get("/organisation/departments")
        assert response.status_code == 200
        assert "Bezig" not in response.get_data(as_text=True)  # the reader sees the last committed state
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_update_rows_changes_exactly_the_rows_given_by_their_key(db, monkeypatch):
    """The bulk update of changed payroll hours: several chunks (on PostgreSQL one UPDATE … FROM unnest(…) each),
    decimals and dates kept exactly, the other rows untouched."""
    from decimal import Decimal

    from sqlalchemy import insert as insert_, select as select_

    import qms.database as database
    from qms.pso.models import PsoHours
    from tests import factories

    people = [factories.employee(db, f"U{i}") for i in range(7)]
    db.session.execute(insert_(PsoHours), [{"employee_id": p.id, "year": 2025, "hours_worked": Decimal("100.00"), "source": "entered"}
                                           for p in people])
    db.session.commit()
    rows = {r.employee_id: r.id for r in db.session.scalars(select_(PsoHours))}
    monkeypatch.setattr(database, "UPDATE_CHUNK", 2)
    changed = [{"id": rows[p.id], "hours_worked": Decimal("1234.5") + i, "source": "import"} for i, p in enumerate(people[:5])]
    assert database.update_rows(db.session, PsoHours.__table__, changed) == 5
    db.session.commit()
    db.session.expire_all()
    hours = {r.employee_id: r.hours_worked for r in db.session.scalars(select_(PsoHours))}
    assert [hours[p.id] for p in people] == [Decimal("1234.5") + i for i in range(5)] + [Decimal("100.00")] * 2
    assert database.update_rows(db.session, PsoHours.__table__, []) == 0
    assert sorted(r.source for r in db.session.scalars(select_(PsoHours))) == ["entered"] * 2 + ["import"] * 5
    assert {r.year for r in db.session.scalars(select_(PsoHours))} == {2025}
