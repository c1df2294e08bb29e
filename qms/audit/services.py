"""Writing and verifying the audit trail.

Changes to models that use the :class:`Audited` mixin are recorded automatically after each flush; other
events (login, refused access, viewing special personal data) are recorded with :func:`record`. Both write
in the caller's transaction, so an entry exists exactly when the change it describes was committed.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from flask import g, has_request_context, request
from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..database import utcnow
from .models import AuditEntry, Audited

_PG_LOCK_KEY = 0x51A5_0001  # advisory lock that serialises appends to the chain on PostgreSQL
_SECRET = "***"


# --- who is acting ----------------------------------------------------------------------------

def set_actor(actor_id: int | None, label: str) -> None:
    """Name the actor for this request or CLI command (set at login and before every request)."""
    g.audit_actor = (actor_id, label)


def _actor() -> tuple[int | None, str]:
    try:
        return g.get("audit_actor", (None, "anonymous" if has_request_context() else "system"))
    except RuntimeError:  # no application context
        return (None, "system")


def _request_meta() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    return request.remote_addr, g.get("request_id")


@contextmanager
def reason(session: Session, text_: str) -> Iterator[None]:
    """Attach a reason (asked of the user) to every entry written inside the block."""
    session.info["audit_reason"] = text_
    try:
        yield
    finally:
        session.info.pop("audit_reason", None)


# --- values -----------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes sha256={hashlib.sha256(value).hexdigest()}>"
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _dump(values: dict | None) -> str | None:
    if values is None:
        return None
    return json.dumps(_plain(values), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the entry's fields."""
    body = {k: _plain(fields.get(k)) for k in HASHED_FIELDS}
    payload = prev_hash + json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


HASHED_FIELDS = ("at", "actor_id", "actor_label", "action", "entity_type", "entity_id",
                 "old_values", "new_values", "reason", "ip", "request_id")


# --- appending --------------------------------------------------------------------------------

def _append(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert entries at the end of the chain, in order, holding the chain lock on PostgreSQL."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    prev = conn.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar() or ""
    for row in rows:
        row["prev_hash"] = prev
        row["hash"] = prev = entry_hash(prev, row)
        conn.execute(insert(AuditEntry.__table__).values(**row))


def _row(session_info: dict, action: str, entity_type: str | None, entity_id: Any,
         old: dict | None, new: dict | None, reason_: str | None = None) -> dict[str, Any]:
    actor_id, label = _actor()
    ip, request_id = _request_meta()
    return {
        "at": utcnow(),
        "actor_id": actor_id, "actor_label": label, "action": action,
        "entity_type": entity_type, "entity_id": None if entity_id is None else str(entity_id),
        "old_values": _dump(old), "new_values": _dump(new),
        "reason": reason_ if reason_ is not None else session_info.get("audit_reason"),
        "ip": ip, "request_id": request_id,
    }


def record(session: Session, action: str, entity_type: str | None = None, entity_id: Any = None,
           old: dict | None = None, new: dict | None = None, reason: str | None = None) -> None:
    """Append one event entry in the session's transaction (the caller commits)."""
    _append(session.connection(), [_row(session.info, action, entity_type, entity_id, old, new, reason)])


def entity_name(obj: Any) -> str:
    return getattr(obj, "__audit_name__", None) or obj.__class__.__tablename__


def _identity(obj: Any) -> str:
    state = inspect(obj)
    ident = state.mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in ident if part is not None)


def _values(obj: Any, keys: list[str]) -> dict[str, Any]:
    secret = obj.__audit_secret__
    return {k: (_SECRET if k in secret and getattr(obj, k) is not None else getattr(obj, k)) for k in keys}


def _column_keys(obj: Any) -> list[str]:
    ignore = obj.__audit_ignore__
    return [attr.key for attr in inspect(obj).mapper.column_attrs if attr.key not in ignore]


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    old, new = {}, {}
    for key in _column_keys(obj):
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        before = hist.deleted[0] if hist.deleted else None
        after = hist.added[0] if hist.added else None
        if _plain(before) == _plain(after):
            continue
        secret = key in obj.__audit_secret__
        old[key] = _SECRET if secret and before is not None else before
        new[key] = _SECRET if secret and after is not None else after
    return old, new


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, flush_context) -> None:
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_row(session.info, "create", entity_name(obj), _identity(obj), None,
                             _values(obj, _column_keys(obj))))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            old, new = _changes(obj)
            if new or old:
                rows.append(_row(session.info, "update", entity_name(obj), _identity(obj), old, new))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_row(session.info, "delete", entity_name(obj), _identity(obj),
                             _values(obj, _column_keys(obj)), None))
    if rows:
        _append(session.connection(), rows)


# --- verifying --------------------------------------------------------------------------------

@dataclass
class VerifyResult:
    checked: int
    first_bad_id: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(session: Session) -> VerifyResult:
    """Walk the chain in insertion order; report the first entry whose hash or link does not match."""
    prev = ""
    checked = 0
    stmt = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
    for entry in session.scalars(stmt):
        checked += 1
        fields = {k: getattr(entry, k) for k in HASHED_FIELDS}
        if entry.prev_hash != prev:
            return VerifyResult(checked, entry.id, "link to the previous entry is broken")
        if entry_hash(prev, fields) != entry.hash:
            return VerifyResult(checked, entry.id, "content does not match its hash")
        prev = entry.hash
    return VerifyResult(checked)
