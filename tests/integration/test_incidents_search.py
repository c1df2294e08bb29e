"""Free-text search over the incident log uses the database's full-text index (FTS5 on SQLite, a GIN
expression index on PostgreSQL), kept in step with inserts, edits and deletes, bulk inserts included."""
import datetime as dt

import pytest
from sqlalchemy import insert, text

from qms.extensions import db as _db
from qms.incidents import services
from qms.incidents.models import Incident
from qms.incidents.search import search_clause
from qms.incidents.services import ReportData
from qms.incidents.workflow import IncidentType
from qms.permissions import Role


def report(description: str, location: str | None = None) -> Incident:
    when = dt.datetime.now().replace(microsecond=0) - dt.timedelta(hours=3)
    incident, _ = services.report(ReportData(type=IncidentType.NEAR_MISS, occurred_at=when, description=description,
                                             location=location, involved=["own_staff"]), reporter=None, token=None)
    _db.session.commit()
    return incident


def found(q: str) -> set[int]:
    return set(_db.session.scalars(_db.select(Incident.id).where(search_clause(q))))


def test_words_match_as_prefixes_in_description_location_and_number(db):
    lift = report("Hoogwerker kantelde bijna op de helling", location="Parkeergarage Noord")
    floor = report("Uitgegleden op natte vloer in de kantine")
    assert found("hoogwerk") == {lift.id}
    assert found("HOOGWERKER helling") == {lift.id}
    assert found("parkeergarage") == {lift.id}
    assert found("natte kantine") == {floor.id}
    assert found("hoogwerker kantine") == set()  # every word must match
    assert found(lift.number) == {lift.id}
    assert found('"; DROP TABLE incident; --') == set()  # no operators from user input, no error


def test_the_index_follows_edits_deletes_and_bulk_inserts(db):
    incident = report("Ladder gleed weg")
    incident.description = "Steiger niet vastgezet"
    _db.session.commit()
    assert found("ladder") == set() and found("steiger") == {incident.id}
    now = dt.datetime.now().replace(microsecond=0)
    _db.session.execute(insert(Incident), [{
        "number": "BULK-0001", "type": IncidentType.NEAR_MISS, "occurred_at": now, "occurred_on": now.date(),
        "description": "Schrobmachine met kapotte kabel", "involved": "own_staff", "reported_at": now}])
    _db.session.commit()
    bulk = _db.session.scalar(_db.select(Incident.id).where(Incident.number == "BULK-0001"))
    assert found("schrobmachine") == {bulk}
    _db.session.delete(_db.session.get(Incident, incident.id))
    _db.session.commit()
    assert found("steiger") == set()


def test_the_log_page_searches_with_the_index(db, client, login_as):
    lift = report("Hoogwerker kantelde bijna", location="Depot")
    other = report("Chemicaliën gemorst")
    login_as(Role.COORDINATOR)
    page = client.get("/incidents/?q=hoogwerk").get_data(as_text=True)
    assert lift.number in page and other.number not in page


def test_the_full_text_objects_exist(db):
    dialect = _db.session.get_bind().dialect.name
    if dialect == "sqlite":
        names = set(_db.session.scalars(text("SELECT name FROM sqlite_master WHERE name LIKE 'incident_fts%'")))
        assert {"incident_fts", "incident_fts_insert", "incident_fts_update", "incident_fts_delete"} <= names
    elif dialect == "postgresql":
        plan = "\n".join(_db.session.scalars(text(
            "EXPLAIN SELECT id FROM incident WHERE to_tsvector('simple', coalesce(incident.number, '') || ' ' || "
            "coalesce(incident.description, '') || ' ' || coalesce(incident.location, '')) "
            "@@ to_tsquery('simple', 'x:*')")))
        indexes = set(_db.session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'incident'")))
        assert "ix_incident_search" in indexes, plan
    else:
        pytest.skip("full-text objects exist on SQLite and PostgreSQL only")
