"""Shared fixtures: ``app``, ``db``, ``client``, ``login_as`` and small factories.

Databases: SQLite by default (a fresh file per test); PostgreSQL when TEST_DATABASE_URL is set (schema
created once per run, tables emptied between tests).
"""
import itertools
import os
import re
import time

# Days are counted as the app counts them, in its time zone (Europe/Amsterdam unless configured), also by
# ``datetime.date.today()`` in a test: on a machine on UTC the date is otherwise a day behind the app's from
# 23:00 (22:00 in summer) until midnight, and a test comparing dates fails in that hour.
os.environ["TZ"] = os.environ.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
time.tzset()

import pytest
from sqlalchemy import text

from qms import create_app
from qms.extensions import db as _db
from qms.permissions import Role

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
ROLE_EMAILS = {role: f"{role.value}@test.example" for role in Role}
PASSWORD = "correct horse battery"
_pg_schema_ready = False
_seq = itertools.count(1)


def _reset_postgres() -> None:
    global _pg_schema_ready
    if not _pg_schema_ready:
        _db.drop_all()
        with _db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.create_all()
        _pg_schema_ready = True
        return
    # TRUNCATE costs about as much for an empty table as for a full one (a new file per table), and a test
    # touches a handful of the 120 tables: one query finds the tables that hold rows or whose id sequence has
    # moved, and only those are emptied (their sequences restarted).
    with _db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        dirty = _touched_tables(conn)
        if dirty:
            names = ", ".join(f'"{name}"' for name in sorted(dirty))
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _touched_tables(conn) -> set[str]:
    """Tables with rows, and tables whose owned sequence was used (rows inserted, then deleted)."""
    names = [t.name for t in _db.metadata.sorted_tables]
    probe = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names)
    found = {row[0] for row in conn.execute(text(probe))}
    found |= {row[0] for row in conn.execute(text(
        "SELECT t.relname FROM pg_sequences s "
        "JOIN pg_class c ON c.relname = s.sequencename AND c.relkind = 'S' "
        "JOIN pg_depend d ON d.objid = c.oid AND d.deptype IN ('a', 'i') "
        "JOIN pg_class t ON t.oid = d.refobjid "
        "WHERE s.schemaname = current_schema() AND s.last_value IS NOT NULL"))}
    return found & set(names)


def _fresh_g() -> None:
    from flask import g

    for name in list(vars(g)):
        delattr(g, name)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Argon2id with small parameters for the test run (production parameters: tests/unit/test_passwords.py).
    Still differs from the 'weak' parameters the rehash test uses, so rehashing stays observable."""
    from argon2 import PasswordHasher

    from qms.auth import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=2, memory_cost=4096, parallelism=1)
    yield original
    passwords._hasher = original


@pytest.fixture(scope="session")
def password_hash(_fast_password_hashing):
    from qms.auth.passwords import hash_password

    return hash_password(PASSWORD)


@pytest.fixture
def app_factory(tmp_path):
    """Build an app on this test's database; keyword arguments override configuration."""
    made = []

    def make(**overrides):
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", PG_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}")
        overrides.setdefault("UPLOAD_FOLDER", str(tmp_path / "uploads"))
        overrides.setdefault("AUDIT_CHECKPOINT_FILE", str(tmp_path / "audit-checkpoints.jsonl"))
        overrides.setdefault("AUDIT_HMAC_KEY_FILE", str(tmp_path / "audit-hmac.key"))
        overrides.setdefault("WTF_CSRF_ENABLED", False)
        # Assertions on page text read the English msgids; the Dutch default is proven in
        # tests/unit/test_translations.py and the browser tests, against the real configuration.
        overrides.setdefault("BABEL_DEFAULT_LOCALE", "en")
        # The packages' reminder tests read each reminder as its own notification; the daily digest (the
        # shipped default) is proven in tests/integration/test_reminder_digest.py.
        overrides.setdefault("REMINDER_DELIVERY", "immediate")
        application = create_app("testing", **overrides)
        # Tests keep one app context pushed and requests reuse it, so ``g`` would carry the logged-in
        # user, audit actor and locale from one request (or client) to the next. Start each request
        # with an empty ``g``, as a real request has.
        application.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)
        with application.app_context():
            if PG_URL and not made:  # several apps in one test share the database, like processes
                _reset_postgres()
            elif not PG_URL:
                _db.create_all()
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def app(app_factory):
    application = app_factory()
    with application.app_context():
        yield application


@pytest.fixture
def db(app):
    yield _db
    _db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(db, password_hash):
    """Create and commit a user: ``make_user(Role.STAFF, email=..., active=...)``."""
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password

    cached_hash = password_hash

    def make(*roles: Role, email: str | None = None, name: str | None = None, active: bool = True,
             password: str | None = None):
        n = next(_seq)
        user = User(email=email or f"user{n}@test.example", name=name or f"Test User {n}", active=active,
                    password_hash=hash_password(password) if password else cached_hash)
        user.roles = [UserRole(role=r) for r in roles]
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in through the login form as a new user with the given role(s)."""

    def login(*roles: Role, **kwargs):
        user = make_user(*roles, **kwargs)
        response = client.post("/login", data={"email": user.email, "password": kwargs.get("password") or PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return login


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


@pytest.fixture
def api_token(app, db):
    """A personal access token for ``user``: ``api_token(user, scopes={"incidents:read"}) -> plain token``.

    Without ``scopes`` the token carries every scope of every API area (the route permissions still limit it to
    what the user's roles allow). Made directly, past the rule that offers only the user's own scopes, so
    tests can prove that the server refuses more than the user holds."""
    import datetime as dt
    import json

    from qms.api import state
    from qms.api.models import ApiToken
    from qms.api.tokens import TOKEN_PREFIX, hash_token

    def make(user, scopes=None, *, expires_at=None, name="test token") -> str:
        if scopes is None:
            scopes = {f"{key}:{access}" for key in state(app).areas for access in ("read", "write")}
        plain = TOKEN_PREFIX + f"test{next(_seq)}x" * 4
        db.session.add(ApiToken(user_id=user.id, name=name, prefix=plain[:12], token_hash=hash_token(plain),
                                scopes=json.dumps(sorted(scopes)),
                                expires_at=expires_at or dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=7)))
        db.session.commit()
        return plain

    return make
