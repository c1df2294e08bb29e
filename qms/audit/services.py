"""Writing and verifying the audit trail.

Changes to models that use the :class:`Audited` mixin are recorded automatically after each flush; other
events (login, refused access, viewing special personal data) are recorded with :func:`record`. Both write
in the caller's transaction, so an entry exists exactly when the change it describes was committed.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Protocol

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event, func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session, object_session

from ..database import PG_WRITERS_LOCK_KEY, insert_rows, lock_writers, utcnow
from ..extensions import db
from .chain import HASH_KEYED, HASH_UNKEYED, HASHED_FIELDS, _plain, dump_values, entry_hash, seal  # noqa: F401
from .keys import entry_key
from .models import AuditEntry, Audited

_PG_LOCK_KEY = PG_WRITERS_LOCK_KEY  # advisory lock that serialises appends to the chain on PostgreSQL
_SECRET = "***"


# --- who is acting ----------------------------------------------------------------------------

_ENVIRON_KEY = "qms.audit_actor"


def set_actor(actor_id: int | None, label: str) -> None:
    """Name the actor for this request or CLI command (set at login and before every request).

    Inside a request the actor is kept on the request itself, so it can never carry over to a later
    request that shares the application context (as test clients do)."""
    if has_request_context():
        request.environ[_ENVIRON_KEY] = (actor_id, label)
    else:
        g.audit_actor = (actor_id, label)


def _actor() -> tuple[int | None, str]:
    if has_request_context():
        return request.environ.get(_ENVIRON_KEY, (None, "anonymous"))
    if has_app_context():
        return g.get("audit_actor", (None, "system"))
    return (None, "system")


def _request_meta() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    return request.remote_addr, g.get("request_id")


@contextmanager
def reason(session: Session, text_: str) -> Iterator[None]:
    """Attach a reason (asked of the user) to every entry written inside the block.

    Changes made inside the block are flushed when it ends, so they carry the reason even if the caller
    commits later; an outer reason is restored afterwards."""
    previous = session.info.get("audit_reason")
    session.info["audit_reason"] = text_
    try:
        yield
        session.flush()
    finally:
        if previous is None:
            session.info.pop("audit_reason", None)
        else:
            session.info["audit_reason"] = previous


# --- appending --------------------------------------------------------------------------------

def _append(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert entries at the end of the chain, in order, holding the chain lock on PostgreSQL."""
    if not rows:
        return
    lock_writers(conn)
    prev = conn.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar() or ""
    key = entry_key()
    for row in rows:
        prev = seal(prev, row, key)
    # Many entries (a flush of many records, a bulk import) go as multi-row INSERTs of up to a thousand entries
    # each, never one statement per entry; the database numbers the rows of a VALUES list in its order, so the
    # ids ascend with the chain (appends are serialised by the writers' lock).
    insert_rows(conn, AuditEntry.__table__, rows)


def _row(session_info: dict, action: str, entity_type: str | None, entity_id: Any,
         old: dict | None, new: dict | None, reason_: str | None = None) -> dict[str, Any]:
    actor_id, label = _actor()
    ip, request_id = _request_meta()
    return {
        "at": utcnow(),
        "actor_id": actor_id, "actor_label": label, "action": action,
        "entity_type": entity_type, "entity_id": None if entity_id is None else str(entity_id),
        "old_values": dump_values(old), "new_values": dump_values(new),
        "reason": reason_ if reason_ is not None else session_info.get("audit_reason"),
        "ip": ip, "request_id": request_id,
    }


def record(session: Session, action: str, entity_type: str | None = None, entity_id: Any = None,
           old: dict | None = None, new: dict | None = None, reason: str | None = None) -> None:
    """Append one event entry in the session's transaction (the caller commits)."""
    _append(session.connection(), [_row(session.info, action, entity_type, entity_id, old, new, reason)])


def record_many(session: Session, entries: Iterable[tuple[str, str | None, Any, dict | None, dict | None]]) -> int:
    """Append many event entries ``(action, entity_type, entity_id, old, new)`` in one multi-row insert (bulk
    work such as a payroll import that writes its rows without loading objects); returns how many."""
    entries = list(entries)
    if not entries:
        return 0
    base = _row(session.info, "", None, None, None, None)  # actor, time, request: the same for every entry
    rows = [{**base, "action": action, "entity_type": entity_type,
             "entity_id": None if entity_id is None else str(entity_id),
             "old_values": dump_values(old), "new_values": dump_values(new)}
            for action, entity_type, entity_id, old, new in entries]
    _append(session.connection(), rows)
    return len(rows)


def entity_name(obj_or_class: Any) -> str:
    """The record type an audited model (instance or class) is written under."""
    cls = obj_or_class if isinstance(obj_or_class, type) else type(obj_or_class)
    return getattr(cls, "__audit_name__", None) or cls.__tablename__


def _identity(obj: Any) -> str:
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(_plain(part)) for part in ident if part is not None)


def _column_keys(obj: Any) -> list[str]:
    ignore = obj.__audit_ignore__
    return [attr.key for attr in inspect(obj).mapper.column_attrs if attr.key not in ignore]


def _mask(obj: Any, key: str, value: Any) -> Any:
    return _SECRET if key in obj.__audit_secret__ and value is not None else value


def _loaded_values(obj: Any) -> dict[str, Any]:
    """Values already in memory (no SQL inside the flush); columns the database filled in are left out."""
    loaded = inspect(obj).dict
    return {k: _mask(obj, k, loaded[k]) for k in _column_keys(obj) if k in loaded}


def _all_values(obj: Any) -> dict[str, Any]:
    return {k: _mask(obj, k, getattr(obj, k)) for k in _column_keys(obj)}


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
        old[key] = _mask(obj, key, before)
        new[key] = _mask(obj, key, after)
    return old, new


# Mapper events see every row the flush writes, including objects deleted as orphans of a collection
# (which never appear in ``session.deleted``). They collect rows; ``after_flush`` appends them in order.

def _pending(target: Any, row: dict[str, Any]) -> None:
    session = object_session(target)
    if session is not None:
        session.info.setdefault("audit_pending", []).append(row)


@event.listens_for(Audited, "after_insert", propagate=True)
def _on_insert(mapper, connection, target) -> None:
    _pending(target, _row(object_session(target).info, "create", entity_name(target), _identity(target),
                          None, _loaded_values(target)))


@event.listens_for(Audited, "after_update", propagate=True)
def _on_update(mapper, connection, target) -> None:
    old, new = _changes(target)
    if old or new:
        _pending(target, _row(object_session(target).info, "update", entity_name(target), _identity(target),
                              old, new))


@event.listens_for(Audited, "before_delete", propagate=True)
def _on_delete(mapper, connection, target) -> None:
    _pending(target, _row(object_session(target).info, "delete", entity_name(target), _identity(target),
                          _all_values(target), None))


@event.listens_for(Session, "before_flush")
def _audit_before_flush(session: Session, flush_context, instances) -> None:
    session.info.pop("audit_pending", None)  # left over from a flush that failed


@event.listens_for(Session, "after_flush")
def _audit_after_flush(session: Session, flush_context) -> None:
    rows = session.info.pop("audit_pending", None)
    if rows:
        _append(session.connection(), rows)


@event.listens_for(Session, "after_soft_rollback")
def _audit_after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop("audit_pending", None)


def _keep_old_value(target, value, oldvalue, initiator):
    """No-op ``set`` listener registered with active_history: the old value is loaded before it is
    replaced, so an update records what it was and a write of the same value records nothing."""


@event.listens_for(Mapper, "mapper_configured")
def _track_history(mapper: Mapper, class_: type) -> None:
    if issubclass(class_, Audited):
        for attr in mapper.column_attrs:
            event.listen(attr.class_attribute, "set", _keep_old_value, active_history=True)


for _mapper in list(db.Model.registry.mappers):  # mapped before this module was imported
    if _mapper.configured:
        _track_history(_mapper, _mapper.class_)


# --- verifying --------------------------------------------------------------------------------

class Anchor(Protocol):
    """A checkpoint of the chain's head as kept outside the database (see checkpoints.py)."""

    at: str
    head_id: int
    head_hash: str
    count: int


@dataclass
class VerifyResult:
    checked: int
    first_bad_id: int | None = None
    problem: str | None = None
    #: Entries sealed with plain SHA-256 before the chain was keyed (only allowed at the start).
    unkeyed: int = 0
    #: The newest checkpoint the chain was found to agree with, and how many entries came after it.
    anchor: Anchor | None = None
    after_anchor: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(session: Session, checkpoints: Iterable[Anchor] = (), since: Anchor | None = None) -> VerifyResult:
    """Walk the chain in insertion order and report the first entry whose seal or link does not match.

    Each checkpoint must find its head entry in the chain, with the same hash and the same number of
    entries up to it: so entries deleted from the end, or a chain rewritten with recomputed hashes, are
    found even though the chain itself would look whole. With ``since`` (a checkpoint already verified),
    only the entries after its head are walked."""
    key = entry_key()
    checkpoints = list(checkpoints)
    marks: dict[int, list[Anchor]] = {}
    for checkpoint in checkpoints:
        if checkpoint.head_id:
            marks.setdefault(checkpoint.head_id, []).append(checkpoint)
    prev, position, keyed_seen = "", 0, False
    result = VerifyResult(0)
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if since is not None and since.head_id:
        head = session.get(AuditEntry, since.head_id)
        upto = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id <= since.head_id))
        if head is None or head.hash != since.head_hash or upto != since.count:
            return _bad(result, since.head_id, f"entry {since.head_id} no longer matches the checkpoint of {since.at}")
        prev, position, keyed_seen = head.hash, upto, head.hash_version == HASH_KEYED
        result.anchor = since
        stmt = stmt.where(AuditEntry.id > since.head_id)
    for entry in session.scalars(stmt.execution_options(yield_per=2000)):
        result.checked += 1
        position += 1
        fields = {k: getattr(entry, k) for k in HASHED_FIELDS}
        if entry.prev_hash != prev:
            return _bad(result, entry.id, "link to the previous entry is broken")
        if entry.hash_version == HASH_KEYED:
            keyed_seen = True
            expected = entry_hash(prev, fields, key)
        elif entry.hash_version == HASH_UNKEYED and not keyed_seen:
            result.unkeyed += 1
            expected = entry_hash(prev, fields, None)
        else:
            return _bad(result, entry.id, "entry is not sealed with the chain key")
        if expected != entry.hash:
            return _bad(result, entry.id, "content does not match its hash")
        met = marks.pop(entry.id, [])
        for mark in met:
            if mark.head_hash != entry.hash or mark.count != position:
                return _bad(result, entry.id, f"the chain differs from the checkpoint of {mark.at}")
        if met:  # ids ascend, so the checkpoint met last is the newest one
            result.anchor, result.after_anchor = met[-1], 0
        elif result.anchor is not None:
            result.after_anchor += 1
        prev = entry.hash
    if marks:
        missing = min(marks)
        return _bad(result, missing, f"entry {missing}, the newest at the checkpoint of {marks[missing][0].at}, "
                                     "is missing: entries were deleted from the end")
    if result.anchor is None and checkpoints:  # only checkpoints of an empty trail
        result.anchor, result.after_anchor = checkpoints[-1], result.checked
    return result


def _bad(result: VerifyResult, entry_id: int, problem: str) -> VerifyResult:
    result.first_bad_id, result.problem = entry_id, problem
    return result


# --- reading ----------------------------------------------------------------------------------

#: Entity types whose old and new values (and reason) are special personal data, mapped to the permission
#: a reader needs to see them: the core's, declared at import with :func:`restrict_entity_type`. A norm
#: registers its own on its app's registry (``registry(app).add_record_name(…, restricted_by=…)``).
RESTRICTED_ENTITY_TYPES: dict[str, str] = {}


def restrict_entity_type(entity_type: str, permission: str = "target_group.view") -> None:
    """Hide the values of this entity type's entries from readers without ``permission``."""
    from ..permissions import PERMISSIONS

    if permission not in PERMISSIONS:
        raise LookupError(f"unknown permission {permission!r}")
    known = RESTRICTED_ENTITY_TYPES.get(entity_type)
    if known is not None and known != permission:
        raise ValueError(f"entity type {entity_type!r} is already restricted by {known!r}")
    RESTRICTED_ENTITY_TYPES[entity_type] = permission


def may_see_values(user, entity_type: str | None) -> bool:
    from ..permissions import has_permission

    from ..norms import registry

    permission = RESTRICTED_ENTITY_TYPES.get(entity_type or "") or registry().restricted_records.get(entity_type or "")
    return permission is None or has_permission(user, permission)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


def _load(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return {"": raw}
    return value if isinstance(value, dict) else {"": value}


def field_changes(entry: AuditEntry) -> list[FieldChange]:
    """The entry's old and new values side by side, one row per field, in field order."""
    old, new = _load(entry.old_values) or {}, _load(entry.new_values) or {}
    return [FieldChange(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new))]


#: Readable names of record types, shown in the trail instead of table names: the core packages declare theirs
#: with :func:`name_entity_type`, a norm on its app's registry (``registry(app).add_record_name``); a type
#: without a name is shown as its table name.
ENTITY_TYPE_NAMES: dict[str, Any] = {}


def name_entity_type(entity_type: str, label: Any) -> None:
    """Give a record type a readable (translatable, e.g. lazy_gettext) name for the trail."""
    ENTITY_TYPE_NAMES[entity_type] = label


def entity_type_name(entity_type: str | None) -> str:
    if not entity_type:
        return ""
    from ..norms import registry

    return str(ENTITY_TYPE_NAMES.get(entity_type) or registry().record_names.get(entity_type, entity_type))
