"""Which tables changed, and figures kept until they do.

Every write transaction notes, once per table it changes, a row in ``table_change`` (the newest id per table
is that table's stamp). Any statement counts: ORM flushes, bulk inserts and updates, the trail excepted. A
figure that costs a whole register to compute (the diploma overview, the competence summary, the PSO score)
is kept per process with the stamps of the tables it reads and today's date; the next request that finds the
same stamps reuses it, any change to one of those tables makes the next request compute it again. Stamps
live in the database, so every worker process and the job worker see the same change at once.

A transaction that has itself changed a table neither uses nor keeps a figure (it may still roll back), and
outside an application context nothing is kept. What a cached figure returns is shared between requests:
plain data that callers never change."""
from __future__ import annotations

import contextlib
import functools
import threading
from collections import OrderedDict
from typing import Any, Callable, Iterable, TypeVar

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import BigInteger, Index, Integer, String, event, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

F = TypeVar("F", bound=Callable[..., Any])

#: Tables whose changes no figure reads: the change log itself, the append-only trail and the sign-in sessions
#: (a GET may move a session's last-seen time, and must not write anything else).
UNTRACKED = frozenset({"table_change", "audit_entry", "user_session"})
_TOUCHED = "qms_changed_tables"


class TableChange(db.Model):
    """One row per (write transaction, table it changed); pruned daily to the newest row per table."""
    __tablename__ = "table_change"
    __table_args__ = (Index("ix_table_change_table_id", "table_name", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(80))


def _table_names(statement) -> list[str]:
    table = getattr(statement, "table", None)
    name = getattr(table, "name", None)
    return [name] if isinstance(name, str) else []


_UNTRACKED_CONNECTION = "qms_untracked"


@contextlib.contextmanager
def untracked(conn):
    """Note no change made on this connection meanwhile (the migrations, which run before the change log
    exists). The mark is on the pooled database connection, so it is taken off afterwards whatever happens."""
    conn.info[_UNTRACKED_CONNECTION] = True
    try:
        yield conn
    finally:
        conn.info.pop(_UNTRACKED_CONNECTION, None)


@event.listens_for(Engine, "after_execute")
def _note_change(conn, clauseelement, multiparams, params, execution_options, result) -> None:
    if not getattr(clauseelement, "is_dml", False) or conn.info.get(_UNTRACKED_CONNECTION):
        return
    touched = conn.info.setdefault(_TOUCHED, set())
    for name in _table_names(clauseelement):
        if name in UNTRACKED or name in touched:
            continue
        touched.add(name)
        conn.execute(insert(TableChange.__table__).values(table_name=name))


@event.listens_for(Engine, "begin")
@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget_touched(conn) -> None:
    if not conn.invalidated:  # a lost connection (the server went away) has nothing to forget, and no info
        conn.info.pop(_TOUCHED, None)


@event.listens_for(Engine, "rollback_savepoint")
def _forget_after_savepoint(conn, name, context) -> None:
    """A savepoint rolled back took its change rows with it: note the tables again at their next change."""
    _forget_touched(conn)


def changed_in_transaction() -> bool:
    """Whether the session's current transaction has changed any tracked table (not yet committed)."""
    session = db.session()
    if not session.in_transaction():
        return False
    return any(bool(conn.info.get(_TOUCHED)) for conn in _connections(session))


def _connections(session) -> Iterable:
    transaction = session.get_transaction()
    if transaction is None:
        return ()
    return [conn for conn, *_ in transaction._connections.values()]  # noqa: SLF001 (no public accessor)


def stamps(tables: Iterable[str]) -> tuple:
    """The newest change id of each table (None for a table never changed), in one query."""
    names = sorted(set(tables))
    row = db.session.execute(select(*[
        select(func.max(TableChange.id)).where(TableChange.table_name == name).scalar_subquery()
        for name in names])).one()
    return tuple(zip(names, row))


def prune() -> int:
    """Keep only the newest change row of each table (the stamps stay the same); returns how many went."""
    from sqlalchemy import delete

    newest = select(func.max(TableChange.id)).group_by(TableChange.table_name)
    result = db.session.execute(delete(TableChange).where(TableChange.id.not_in(newest)))
    return result.rowcount or 0


#: Figures kept per app (app.extensions); the oldest goes first when more are kept.
CACHE = "qms_figures"
CACHE_SIZE = 128
_lock = threading.Lock()


def _tables_of(models: Iterable) -> tuple[str, ...]:
    names = []
    for model in models:
        table = getattr(model, "__table__", model)
        names.append(table if isinstance(table, str) else table.name)
    return tuple(sorted(set(names)))


def until_changed(*models) -> Callable[[F], F]:
    """Keep ``fn``'s result (per arguments and day) until one of the tables of ``models`` changes.

    ``models`` are mapped classes or table names: every table the figure reads. The day is part of the key,
    so a figure that depends on today is computed anew each day."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not has_app_context():
                return fn(*args, **kwargs)
            from .dates import today

            tables = _tables_of(models)
            current = _request_stamps(tables)  # its query flushes what the session holds
            if changed_in_transaction():
                return fn(*args, **kwargs)
            key = (fn.__module__, fn.__qualname__, args, tuple(sorted(kwargs.items())), today(), current)
            cache = current_app.extensions.setdefault(CACHE, OrderedDict())
            with _lock:
                if key in cache:
                    cache.move_to_end(key)
                    return cache[key]
            found = fn(*args, **kwargs)
            if not changed_in_transaction():
                with _lock:
                    cache[key] = found
                    while len(cache) > CACHE_SIZE:
                        cache.popitem(last=False)
            return found

        wrapper.uncached = fn  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _request_stamps(tables: tuple[str, ...]) -> tuple:
    """:func:`stamps`, once per request for each set of tables (dropped with the request's figures at a flush)."""
    if not has_request_context():
        return stamps(tables)
    from ..requestcache import _KEY

    store = request.environ.setdefault(_KEY, {})
    key = ("qms.core.changes", tables)
    if key not in store:
        store[key] = stamps(tables)
    return store[key]
