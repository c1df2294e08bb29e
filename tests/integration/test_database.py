"""SQLite runs with WAL, foreign keys and immediate write transactions; concurrent writers queue."""
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from qms.organisation.models import Department
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
