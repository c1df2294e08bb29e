"""Database conventions shared by every package: time helpers, SQLite tuning, the writers' lock, pagination,
text search and the check that a unique name is still free."""
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Generic, Iterator, Sequence, TypeVar

from flask import Flask, has_request_context, request
from sqlalchemy import Engine, Enum, bindparam, event, func, insert, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from .extensions import db

T = TypeVar("T")

#: The largest value of an INTEGER column (ids included) on every supported database: a larger number in a URL
#: or a form cannot name a row, and sent to PostgreSQL or SQLite it would overflow the query parameter.
MAX_ID = 2**31 - 1


#: Most values one IN list binds: PostgreSQL refuses a statement with more than 65,535 parameters, and a bulk
#: path (a payroll file of 100,000 rows) splits its lists into chunks of this size.
IN_CHUNK = 10_000


def chunked(values: Sequence[T], size: int | None = None) -> Iterator[Sequence[T]]:
    """``values`` in consecutive slices of at most ``size`` (IN_CHUNK) items, for IN lists of any length."""
    size = size or IN_CHUNK
    for start in range(0, len(values), size):
        yield values[start:start + size]


#: Rows one ``UPDATE … FROM unnest(…)`` carries on PostgreSQL (each column is one array parameter).
UPDATE_CHUNK = 10_000


def insert_rows(conn: Connection | Session, table: Any, rows: Sequence[dict[str, Any]],
                returning: Sequence[Any] = ()) -> list[Any]:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in the order given, which is the order the
    database numbers them in: a bulk path, never one round trip per row. Returns the ``returning`` columns of
    the new rows (in no promised order) when asked for.

    Without ``returning`` the rows go as one executemany (psycopg pipelines it, SQLite runs one prepared
    statement): 10,000 audit entries in 0.5 s on PostgreSQL. With it, SQLAlchemy batches INSERT … RETURNING into
    multi-row statements of up to a thousand rows ("insertmanyvalues"), five times slower there: ask only for
    what the caller needs (``insert().values([...])`` would compile every chunk anew, slower still)."""
    if not rows:
        return []
    if not returning:
        conn.execute(insert(table), list(rows))
        return []
    return conn.execute(insert(table).returning(*returning), list(rows)).all()  # batches of 1,000 rows


def update_rows(session: Session, table: Any, rows: Sequence[dict[str, Any]], key: str = "id") -> int:
    """Update many rows of ``table`` by ``key`` (dicts with the same keys: the key and the new values). On
    PostgreSQL one ``UPDATE … FROM unnest(:key, :value, …)`` per chunk, each column bound as one array (the
    statement is compiled once; a ``VALUES`` list of a thousand rows was compiled anew for every chunk: 11 s
    of 100,000 changed payroll hours); elsewhere an executemany, which SQLite runs as one prepared statement.
    Returns how many rows."""
    from sqlalchemy import column, func, update
    from sqlalchemy.dialects.postgresql import ARRAY

    if not rows:
        return 0
    if session.get_bind().dialect.name != "postgresql":
        session.execute(update(table).where(table.c[key] == bindparam(f"_{key}"))
                        .values({k: bindparam(f"_{k}") for k in rows[0] if k != key}),
                        [{f"_{k}": v for k, v in row.items()} for row in rows])
        return len(rows)
    names = [key, *(k for k in rows[0] if k != key)]
    given = func.unnest(*(bindparam(f"_{name}", type_=ARRAY(table.c[name].type)) for name in names)) \
        .table_valued(*(column(name, table.c[name].type) for name in names)).render_derived(name="given")
    statement = update(table).where(table.c[key] == given.c[key]) \
        .values({name: given.c[name] for name in names if name != key})
    for part in chunked(rows, UPDATE_CHUNK):
        session.execute(statement, {f"_{name}": [row[name] for row in part] for name in names})
    return len(rows)


def utcnow() -> dt.datetime:
    """Naive UTC timestamp: every datetime column stores UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """WAL, foreign keys, recursive triggers and a busy timeout on every SQLite connection; own transaction control."""
    if type(dbapi_connection).__module__.split(".")[0] not in {"sqlite3", "pysqlite2"}:
        return
    # Let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE instead of pysqlite's deferred BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # REPLACE then fires DELETE triggers for the rows it removes, so the append-only triggers see it.
    cursor.execute("PRAGMA recursive_triggers=ON")
    # Writers queue for the one write lock: under a burst (a whole team reporting through the QR poster at
    # once, on a busy machine) the queue can pass 15 seconds; waiting is better than refusing the write.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


#: Methods that only read: their requests begin SQLite transactions deferred (readers never wait for writers).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READS_ONLY = "qms.db.reads_only"


def _mark_reading_request() -> None:
    """Before every request: a GET/HEAD/OPTIONS reads only, unless its view says it writes (an access log)."""
    view = None
    if request.url_rule is not None:
        from flask import current_app

        view = current_app.view_functions.get(request.url_rule.endpoint)
    request.environ[_READS_ONLY] = request.method in SAFE_METHODS and not getattr(view, "_qms_writes_on_read", False)


def writes_on_read(view):
    """Mark a view that writes during a GET on purpose (the trail of who viewed special personal data): its
    transactions take the write lock from the start, like a POST's."""
    view._qms_writes_on_read = True
    return view


def expect_writes() -> None:
    """From the next transaction on, this request writes (e.g. recording a refused access on a GET)."""
    if has_request_context():
        request.environ[_READS_ONLY] = False


def init_app(app: Flask) -> None:
    """Mark reading requests first of all, before any other hook opens a transaction."""
    app.before_request_funcs.setdefault(None, []).insert(0, _mark_reading_request)


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """A write transaction (BEGIN IMMEDIATE) everywhere except in requests that only read.

    Writers queue on the busy timeout for the one write lock instead of failing when a read transaction tries
    to upgrade; POST requests, CLI commands and jobs all begin immediate. A GET reads only (a GET never
    writes), so it begins deferred and, under WAL, never waits for a writer."""
    if conn.dialect.name == "sqlite":
        reads_only = has_request_context() and request.environ.get(_READS_ONLY, False)
        conn.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")


# --- what a failed request saved ----------------------------------------------------------------

_COMMIT = "qms.db.commit"
#: Commit states of a request, for a failure page that tells the truth about what was saved.
NOTHING_SAVED, SAVE_UNKNOWN, SAVED = "none", "started", "done"


@event.listens_for(Session, "before_commit")
def _commit_starts(session) -> None:
    if has_request_context():
        request.environ[_COMMIT] = SAVE_UNKNOWN


@event.listens_for(Session, "after_commit")
def _commit_done(session) -> None:
    if has_request_context():
        request.environ[_COMMIT] = SAVED


def commit_state() -> str:
    """Whether this request committed: ``NOTHING_SAVED``, ``SAVE_UNKNOWN`` (a commit that did not answer) or
    ``SAVED``. Every write of a request is in a transaction, so without a commit nothing was stored."""
    return request.environ.get(_COMMIT, NOTHING_SAVED) if has_request_context() else NOTHING_SAVED


def lost_connection(error: BaseException) -> bool:
    """The database connection broke (server restarted, connection terminated): worth one more try on a new
    connection (the pool checks it first). A locked SQLite database is not a lost connection."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def database_busy(error: BaseException) -> bool:
    """SQLite's write lock stayed taken for the whole busy timeout (a burst of writers)."""
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


#: Advisory lock that serialises appends to shared sequences on PostgreSQL (the audit chain, record counters).
PG_WRITERS_LOCK_KEY = 0x51A5_0001


def lock_writers(conn: Connection) -> None:
    """On PostgreSQL, take the writers' lock for this transaction (re-entrant, released at commit or rollback).

    Everything that extends a shared sequence takes this one lock before anything else of its kind, so two
    transactions never hold one piece each and wait for the other's. SQLite needs nothing: its write
    transaction is already the one lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITERS_LOCK_KEY})


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


def enum_column(cls, length: int = 20, *, strict: bool = False) -> Enum:
    """The column type of an enum: its members' values in a VARCHAR with a CHECK, no database enum type (so a new
    member needs no type change); ``strict`` also refuses, in Python, a string that is no member's value."""
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                validate_strings=strict)


def like_pattern(text: str) -> str:
    """``text`` anywhere, case folded, as a LIKE pattern (its own wildcards escaped with a backslash)."""
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains(text: str, *columns):
    """The condition "one of ``columns`` contains ``text``", without regard to case, in the database."""
    pattern = like_pattern(text)
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def value_taken(column, value: str, *, other_than: Any = None) -> bool:
    """Whether a row other than ``other_than`` already holds ``value`` in ``column`` (a name or number that must
    be unique), compared without regard to case."""
    model = column.class_
    stmt = select(model.id).where(func.lower(column) == value.lower())
    if other_than is not None and other_than.id is not None:
        stmt = stmt.where(model.id != other_than.id)
    return db.session.scalar(stmt.limit(1)) is not None


def include_in_autogenerate(name, type_, parent_names) -> bool:
    """Alembic ``include_name``: leave out search objects a package declares as unmapped, which only its
    migration and DDL events create — tables by prefix (``metadata.info["unmapped_tables"]``: an FTS5 table and
    its shadow tables) and indexes by name (``metadata.info["unmapped_indexes"]``: a PostgreSQL full-text
    expression index). Without this, autogenerate would propose dropping them."""
    prefixes = tuple(db.metadata.info.get("unmapped_tables", ()))
    if type_ == "table" and prefixes and name and name.startswith(prefixes):
        return False
    return not (type_ == "index" and name in db.metadata.info.get("unmapped_indexes", ()))


# --- once per request --------------------------------------------------------------------------

_PER_REQUEST = "qms.per_request"


def once_per_request(key: Any, compute):
    """``compute()`` once per request for ``key`` (several surfaces of one page asking the same figures);
    outside a request it is simply computed. Any flush in the request forgets what was kept."""
    if not has_request_context():
        return compute()
    kept = request.environ.setdefault(_PER_REQUEST, {})
    if key not in kept:
        kept[key] = compute()
    return kept[key]


@event.listens_for(Session, "after_flush")
def _forget_per_request(session: Session, flush_context) -> None:
    if has_request_context():
        request.environ.pop(_PER_REQUEST, None)
