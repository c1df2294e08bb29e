"""Database conventions shared by every package: time helpers, SQLite tuning, pagination."""
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Generic, Sequence, TypeVar

from sqlalchemy import Engine, event, func, select
from sqlalchemy.sql import Select

from .extensions import db

T = TypeVar("T")

#: The largest value of an INTEGER column (ids included) on every supported database: a larger number in a URL
#: or a form cannot name a row, and sent to PostgreSQL or SQLite it would overflow the query parameter.
MAX_ID = 2**31 - 1


def utcnow() -> dt.datetime:
    """Naive UTC timestamp: every datetime column stores UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """WAL, foreign keys and a busy timeout on every SQLite connection; own transaction control."""
    if type(dbapi_connection).__module__.split(".")[0] not in {"sqlite3", "pysqlite2"}:
        return
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of pysqlite's deferred BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin_immediate(conn):
    """Begin every SQLite transaction as a write transaction, so concurrent writers queue on the
    busy timeout instead of failing when a read transaction tries to upgrade."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Page(Generic[T]):
    """One page of a query result, counted and sliced in the database."""

    items: Sequence[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: Select, page: Any, per_page: int = 25) -> Page:
    """Paginate a select in the database; a malformed or out-of-range page number is clamped."""
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    last = max(1, math.ceil(total / per_page))
    page = min(page, last)
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, page=page, per_page=per_page, total=total)


def include_in_autogenerate(name, type_, parent_names) -> bool:
    """Alembic ``include_name``: leave out search objects a package declares as unmapped, which only its
    migration and DDL events create — tables by prefix (``metadata.info["unmapped_tables"]``: an FTS5 table and
    its shadow tables) and indexes by name (``metadata.info["unmapped_indexes"]``: a PostgreSQL full-text
    expression index). Without this, autogenerate would propose dropping them."""
    prefixes = tuple(db.metadata.info.get("unmapped_tables", ()))
    if type_ == "table" and prefixes and name and name.startswith(prefixes):
        return False
    return not (type_ == "index" and name in db.metadata.info.get("unmapped_indexes", ()))
