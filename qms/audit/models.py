"""The audit entry table. Rows are only ever inserted: triggers in the database refuse UPDATE and DELETE,
and on SQLite also an insert that would replace an existing row (REPLACE INTO, INSERT OR REPLACE)."""
import datetime as dt

from sqlalchemy import DDL, BigInteger, Index, Integer, SmallInteger, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column

from ..database import utcnow
from ..extensions import db


class Audited:
    """Mixin: every insert, update and delete of the model is written to the audit trail on flush."""

    #: Columns whose values are never written to the trail (only that they changed).
    __audit_secret__: frozenset[str] = frozenset()
    #: Columns left out of the trail altogether (bookkeeping such as counters).
    __audit_ignore__: frozenset[str] = frozenset()


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_entity", "entity_type", "entity_id"),
        Index("ix_audit_entry_actor_id", "actor_id"),
        Index("ix_audit_entry_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The user who acted; no foreign key, so the trail outlives any change to the user table.
    actor_id: Mapped[int | None]
    #: E-mail or process name of the actor at the time ("cli", "system", "anonymous").
    actor_label: Mapped[str] = mapped_column(String(255))
    #: create, update, delete, login, logout, login_failed, access_refused, view, …
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str | None] = mapped_column(String(80))
    entity_id: Mapped[str | None] = mapped_column(String(80))
    #: JSON objects of the changed fields before and after.
    old_values: Mapped[str | None] = mapped_column(Text)
    new_values: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    #: Hash of the previous entry ("" for the first): the chain that audit-verify checks.
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: How ``hash`` was made: 2 = HMAC-SHA256 with the chain key (qms/audit/keys.py); 1 = plain SHA-256, only
    #: for entries written before the chain was keyed, and only accepted before the first keyed entry.
    hash_version: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))


#: REPLACE deletes the row it conflicts with without firing DELETE triggers (unless recursive_triggers is
#: on, which qms/database.py sets for the app's own connections, but not for someone else's). So an insert
#: must come after the newest entry and carry a new hash. SQLite gives NEW.id = -1 when the id is left to it.
SQLITE_NO_REPLACE = (
    "CREATE TRIGGER audit_entry_no_replace BEFORE INSERT ON audit_entry "
    "WHEN (NEW.id <> -1 AND NEW.id <= (SELECT max(id) FROM audit_entry)) "
    "OR EXISTS (SELECT 1 FROM audit_entry WHERE hash = NEW.hash) "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END"
)

APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
        SQLITE_NO_REPLACE,
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
    ],
}

for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _sql in _statements:
        event.listen(AuditEntry.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))
