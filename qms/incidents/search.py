"""Full-text search over the incident log (number, description, location), as the document register does it.

SQLite keeps an external-content FTS5 table in step with ``incident`` through triggers (so bulk inserts are
indexed too); PostgreSQL has an expression GIN index over the same text. Every word of the query matches as a
prefix ("hoogwerk" finds "hoogwerker"); an exact incident number always matches. Other databases fall back to
a substring search. The migration (0060) and the create_all events below make the same objects.
"""
from __future__ import annotations

import re

from sqlalchemy import DDL, event, func, or_, text

from ..extensions import db
from .models import Incident

#: The text PostgreSQL indexes and searches: written identically in the index and the query, so the planner
#: uses the index.
PG_DOCUMENT = ("to_tsvector('simple', coalesce(incident.number, '') || ' ' || coalesce(incident.description, '')"
               " || ' ' || coalesce(incident.location, ''))")

_COLUMNS = "number, description, location"
SEARCH_DDL = {
    "sqlite": [
        f"CREATE VIRTUAL TABLE incident_fts USING fts5({_COLUMNS}, content='incident', content_rowid='id')",
        "CREATE TRIGGER incident_fts_insert AFTER INSERT ON incident BEGIN "
        f"INSERT INTO incident_fts (rowid, {_COLUMNS}) VALUES (new.id, new.number, new.description, new.location); "
        "END",
        "CREATE TRIGGER incident_fts_delete AFTER DELETE ON incident BEGIN "
        f"INSERT INTO incident_fts (incident_fts, rowid, {_COLUMNS}) "
        "VALUES ('delete', old.id, old.number, old.description, old.location); END",
        "CREATE TRIGGER incident_fts_update AFTER UPDATE OF number, description, location ON incident BEGIN "
        f"INSERT INTO incident_fts (incident_fts, rowid, {_COLUMNS}) "
        "VALUES ('delete', old.id, old.number, old.description, old.location); "
        f"INSERT INTO incident_fts (rowid, {_COLUMNS}) VALUES (new.id, new.number, new.description, new.location); "
        "END",
    ],
    "postgresql": [f"CREATE INDEX ix_incident_search ON incident USING gin (({PG_DOCUMENT}))"],
}
SEARCH_DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS incident_fts_update", "DROP TRIGGER IF EXISTS incident_fts_delete",
               "DROP TRIGGER IF EXISTS incident_fts_insert", "DROP TABLE IF EXISTS incident_fts"],
    "postgresql": ["DROP INDEX IF EXISTS ix_incident_search"],
}

for _dialect, _statements in SEARCH_DDL.items():
    for _sql in _statements:
        event.listen(Incident.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))
for _dialect, _statements in SEARCH_DROP.items():
    for _sql in _statements:
        event.listen(Incident.__table__, "before_drop", DDL(_sql).execute_if(dialect=_dialect))

db.metadata.info.setdefault("unmapped_tables", set()).add("incident_fts")
db.metadata.info.setdefault("unmapped_indexes", set()).add("ix_incident_search")

#: At most this many words of a query are used.
MAX_WORDS = 12


def words(q: str) -> list[str]:
    return re.findall(r"\w+", q, flags=re.UNICODE)[:MAX_WORDS]


def search_clause(q: str):
    """WHERE clause for the log's free-text search ``q`` (never operators from user input)."""
    found = words(q)
    exact = Incident.number == q.strip().upper()
    dialect = db.session.get_bind().dialect.name
    if found and dialect == "sqlite":
        # The FTS table holds the number too: the matching rowids alone drive the query.
        return text("incident.id IN (SELECT rowid FROM incident_fts WHERE incident_fts MATCH :fts)").bindparams(
            fts=" ".join('"' + w.replace('"', '') + '"*' for w in found))
    if found and dialect == "postgresql":
        match = text(f"{PG_DOCUMENT} @@ to_tsquery('simple', :tsq)").bindparams(
            tsq=" & ".join(f"{w}:*" for w in found))
        return or_(exact, match)
    like = f"%{q.strip().lower()}%"
    return or_(exact, func.lower(Incident.number).like(like), func.lower(Incident.description).like(like),
               func.lower(Incident.location).like(like))
