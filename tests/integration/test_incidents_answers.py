"""A stored report is answered as stored: everything the answer needs is read before the commit, so a
database that fails right after the commit cannot turn a stored report into an error page (and a person's
second press of the button into a second report). A resubmitted form gets the first answer."""
import datetime as dt

import pytest
from flask import has_request_context, request
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from qms.documents.models import Document, DocumentType, DocumentVersion, ReadConfirmation, VersionState
from qms.incidents import services
from qms.incidents.models import Incident
from qms.organisation.models import Site
from qms.permissions import Role


class DatabaseGone(Exception):
    """Raised for every statement after a request's commit."""


#: The views under test (logging in, which reads after its commit, is left alone).
ENDPOINTS = {"incidents.report", "incidents.public_report", "documents.confirm"}


@pytest.fixture
def fails_after_commit(app, db):
    """From the commit on, every statement of a request to the views under test fails (the connection died)."""
    state = {"armed": False}

    def committed(session):
        if has_request_context() and request.endpoint in ENDPOINTS:
            state["armed"] = True

    def statement(conn, cursor, sql, parameters, context, executemany):
        if state["armed"] and has_request_context():
            raise DatabaseGone(sql)

    def fresh_request():
        state["armed"] = False

    event.listen(Session, "after_commit", committed)
    event.listen(db.engine, "before_cursor_execute", statement)
    app.before_request_funcs.setdefault(None, []).insert(0, fresh_request)
    yield state
    event.remove(Session, "after_commit", committed)
    event.remove(db.engine, "before_cursor_execute", statement)
    app.before_request_funcs[None].remove(fresh_request)


def _form(**overrides):
    when = (dt.datetime.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"type": "near_miss", "occurred_at": when, "site_id": "", "location": "Keuken",
            "involved": ["own_staff"], "injured_count": "0", "description": "Natte vloer zonder bord.",
            "immediate_action": "", "persons_text": "", "submission_id": "once-1"}
    data.update(overrides)
    return data


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Incident))


def test_a_logged_in_report_is_answered_as_stored_even_if_the_database_fails_after_the_commit(
        db, client, login_as, fails_after_commit):
    login_as(Role.STAFF)
    first = client.post("/incidents/report", data=_form())
    fails_after_commit["armed"] = False
    assert first.status_code == 302 and "/incidents/mine" in first.headers["Location"]
    number = db.session.scalar(select(Incident.number))
    assert _count(db) == 1
    # The same form sent again: the first report's answer, no second report.
    again = client.post("/incidents/report", data=_form())
    fails_after_commit["armed"] = False
    assert again.status_code == 302 and _count(db) == 1
    page = client.get("/incidents/mine").get_data(as_text=True)
    assert number in page


def test_a_qr_report_is_answered_as_stored_even_if_the_database_fails_after_the_commit(
        db, client, fails_after_commit):
    site = Site(name="Sportpark", active=True)
    db.session.add(site)
    db.session.commit()
    token = services.site_token(site).token
    db.session.commit()
    first = client.post(f"/incidents/qr/{token}", data=_form(anonymous="y", submission_id="qr-1"))
    fails_after_commit["armed"] = False
    number = db.session.scalar(select(Incident.number))
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/thanks?number={number}")
    again = client.post(f"/incidents/qr/{token}", data=_form(anonymous="y", submission_id="qr-1"))
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert _count(db) == 1


def test_a_reading_confirmation_is_answered_as_stored_even_if_the_database_fails_after_the_commit(
        db, client, login_as, fails_after_commit):
    user = login_as(Role.STAFF)
    document = Document(number="WI-100", title="Werkinstructie", type=DocumentType.WORK_INSTRUCTION,
                        status=VersionState.PUBLISHED)
    version = DocumentVersion(major=1, minor=0, state=VersionState.PUBLISHED, content_markdown="Lees dit.",
                              published_at=dt.datetime.now(), effective_date=dt.date.today())
    document.versions.append(version)
    db.session.add(document)
    db.session.commit()
    from tests.factories import read_and_confirm

    answer = read_and_confirm(client, document.id, version.id)
    fails_after_commit["armed"] = False
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/documents/to-read")
    assert db.session.scalar(select(func.count()).select_from(ReadConfirmation)
                             .where(ReadConfirmation.user_id == user.id)) == 1


def test_a_failure_before_anything_was_saved_says_so(app, db, client, login_as, monkeypatch):
    """The error page never claims more than is known: here nothing was committed, and the page says so."""
    login_as(Role.STAFF)

    def broken(*args, **kwargs):
        raise RuntimeError("broken service")

    monkeypatch.setattr(services, "report", broken)
    answer = client.post("/incidents/report", data=_form())
    assert answer.status_code == 500
    assert "Nothing was saved" in answer.get_data(as_text=True) and _count(db) == 0


def test_a_write_lock_that_stays_taken_is_answered_as_busy_and_nothing_saved(app, db, client, login_as, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    login_as(Role.STAFF)

    def locked(*args, **kwargs):
        raise OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(services, "report", locked)
    answer = client.post("/incidents/report", data=_form())
    assert answer.status_code == 503
    assert "The database is busy right now. Nothing was saved" in answer.get_data(as_text=True) and _count(db) == 0
