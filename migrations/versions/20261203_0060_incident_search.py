"""Incidents: full-text search over number, description and location (an FTS5 table kept in step by
triggers on SQLite, an expression GIN index on PostgreSQL), as the document register has.

Revision ID: 0060
Revises: 0050
Create Date: 2026-12-03 17:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0060'
down_revision = '0050'
branch_labels = None
depends_on = None

# The same statements as qms/incidents/search.py (copied: a migration must not change when the code does).
_COLUMNS = "number, description, location"
PG_DOCUMENT = ("to_tsvector('simple', coalesce(incident.number, '') || ' ' || coalesce(incident.description, '')"
               " || ' ' || coalesce(incident.location, ''))")
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
        # The incidents already in the log.
        "INSERT INTO incident_fts (incident_fts) VALUES ('rebuild')",
    ],
    "postgresql": [f"CREATE INDEX ix_incident_search ON incident USING gin (({PG_DOCUMENT}))"],
}
SEARCH_DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS incident_fts_update", "DROP TRIGGER IF EXISTS incident_fts_delete",
               "DROP TRIGGER IF EXISTS incident_fts_insert", "DROP TABLE IF EXISTS incident_fts"],
    "postgresql": ["DROP INDEX IF EXISTS ix_incident_search"],
}


def upgrade():
    for statement in SEARCH_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in SEARCH_DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
