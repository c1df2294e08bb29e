"""The Alembic history builds exactly the schema the models describe, and unwinds cleanly.

Runs against a fresh SQLite file, and against a scratch PostgreSQL database when TEST_DATABASE_URL is set
(created and dropped here, so the main test database is left alone). Set QMS_REQUIRE_POSTGRES=1 to make a
missing PostgreSQL a failure instead of a skip (CI does).
"""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from qms import MIGRATIONS_DIR, create_app
from qms.database import include_in_autogenerate
from qms.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("QMS_REQUIRE_POSTGRES", "") not in ("", "0")


def _heads() -> list[str]:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_heads()


def _require_history() -> None:
    assert _heads(), f"{MIGRATIONS_DIR / 'versions'} holds no revision: the schema has no migration yet"


@pytest.fixture
def pg_scratch_url():
    """A new, empty PostgreSQL database next to the test database; dropped afterwards."""
    if not PG_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("QMS_REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")
        pytest.skip("TEST_DATABASE_URL is not set")
    base = make_url(PG_URL)
    name = f"qms_migrations_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.fail(f"could not create a scratch database on {base.render_as_string()}: {exc}")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_app(request, tmp_path):
    """An app on an empty database of each kind; nothing created but what the migrations create."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_scratch_url")
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with application.app_context():
        try:
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()


def _schema_differences() -> list:
    configure_args = dict(current_app.extensions["migrate"].configure_args)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"target_metadata": db.metadata, "compare_type": configure_args.get("compare_type", True),
                        "render_as_batch": configure_args.get("render_as_batch", False),
                        "include_name": include_in_autogenerate})
        return compare_metadata(context, db.metadata)


def _tables() -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_history_has_exactly_one_head():
    heads = _heads()
    assert len(heads) == 1, f"expected one migration head, found {len(heads)}: {heads}"


def test_history_is_linear():
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    revisions = list(ScriptDirectory.from_config(cfg).walk_revisions())
    _require_history()
    merges = [r.revision for r in revisions if isinstance(r.down_revision, (tuple, list))]
    branches = [r.revision for r in revisions if len(r.nextrev) > 1]
    assert not merges and not branches, f"merge points {merges}, branch points {branches}"


def test_upgrade_from_empty_builds_the_models_schema(migrated_app):
    _require_history()
    upgrade(revision="head")
    missing = {t.name for t in db.metadata.sorted_tables} - _tables()
    assert not missing, f"tables the models define but the migrations do not create: {sorted(missing)}"
    differences = _schema_differences()
    assert not differences, "models and migrated schema differ:\n  " + "\n  ".join(map(str, differences))
    with db.engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert version == _heads()


def test_flask_db_check_finds_nothing_to_generate_after_upgrade(migrated_app):
    """What a developer's `flask db migrate` would see: no operations, and never a drop of the search tables."""
    _require_history()
    upgrade(revision="head")
    result = migrated_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "remove_table" not in result.output


def test_audit_trail_is_append_only_after_upgrade(migrated_app):
    from qms.audit import services as audit

    _require_history()
    upgrade(revision="head")
    audit.record(db.session, "migration_check", "test", 1)
    db.session.commit()
    for statement in ("UPDATE audit_entry SET action = 'changed'", "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.execute(text("SELECT action FROM audit_entry")).scalars().all() == ["migration_check"]


def test_entries_from_before_the_keyed_chain_survive_the_upgrade(migrated_app):
    """Rows hashed with plain SHA-256 by an older release are kept as they are (hash version 1) and still
    verify; the upgrade rewrites nothing, and new entries are keyed."""
    from qms.audit import services as audit

    _require_history()
    upgrade(revision="0013")
    prev = ""
    for n in range(2):
        row = {"at": audit.utcnow(), "actor_label": "system", "action": "create", "entity_type": "department",
               "entity_id": str(n), "new_values": None}
        row.update(prev_hash=prev, hash=audit.entry_hash(prev, row, None))
        db.session.execute(text("INSERT INTO audit_entry (at, actor_label, action, entity_type, entity_id, "
                                "prev_hash, hash) VALUES (:at, :actor_label, :action, :entity_type, :entity_id, "
                                ":prev_hash, :hash)"), row)
        prev = row["hash"]
    db.session.commit()
    upgrade(revision="head")
    audit.record(db.session, "migration_check", "test", 1)
    db.session.commit()
    versions = db.session.execute(text("SELECT hash_version FROM audit_entry ORDER BY id")).scalars().all()
    assert versions == [audit.HASH_UNKEYED, audit.HASH_UNKEYED, audit.HASH_KEYED]
    result = audit.verify_chain(db.session)
    assert result.ok and result.unkeyed == 2, result.problem
    if db.engine.dialect.name == "sqlite":
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("REPLACE INTO audit_entry (id, at, actor_label, action, prev_hash, hash) "
                                    "SELECT id, at, actor_label, 'forged', prev_hash, 'f' FROM audit_entry LIMIT 1"))
        db.session.rollback()


def test_downgrade_to_base_and_upgrade_again(migrated_app):
    _require_history()
    upgrade(revision="head")
    downgrade(revision="base")
    left = _tables() - {"alembic_version"}
    assert not left, f"tables left after downgrade to base: {sorted(left)}"
    # A second upgrade proves the downgrade also removed what is not a table (types, functions, triggers).
    upgrade(revision="head")
    assert not _schema_differences()


def test_record_counters_continue_from_the_numbers_in_use(migrated_app):
    """The counter migration seeds each series and year from the highest number already stored."""
    from qms.actions.services import next_number as next_nc_number
    from qms.incidents.services.reporting import next_number as next_incident_number

    _require_history()
    upgrade(revision="0013")
    incident = ("INSERT INTO incident (number, type, state, occurred_at, occurred_on, involved, injured_count, "
                "description, anonymous, via_qr, reported_at, lti_count, lost_days, max_lost_days, on_arbowet_list, "
                "lessons_for_toolbox) VALUES (:number, 'near_miss', 'reported', '2026-03-01 10:00:00', '2026-03-01', "
                "'own_staff', 0, 'x', false, false, '2026-03-01 10:00:00', 0, 0, 0, false, false)")
    for number in ("INC-2025-0007", "INC-2026-0002", "INC-2026-0011", "BI-2026-000900"):
        db.session.execute(text(incident), {"number": number})
    db.session.execute(text("INSERT INTO nonconformity (number, title, description, source_type, severity, state, "
                            "opened_on, created_at) VALUES ('NC-2026-0005', 't', '', 'manual', 'minor', 'open', "
                            "'2026-03-01', '2026-03-01 10:00:00')"))
    db.session.commit()
    upgrade(revision="head")
    rows = db.session.execute(text("SELECT series, year, value FROM record_counter ORDER BY series, year")).all()
    assert [tuple(r) for r in rows] == [("INC", 2025, 7), ("INC", 2026, 11), ("NC", 2026, 5)]
    assert next_incident_number(2026) == "INC-2026-0012" and next_incident_number(2025) == "INC-2025-0008"
    assert next_nc_number(2026) == "NC-2026-0006"
    assert next_incident_number(2027) == "INC-2027-0001"
    db.session.rollback()
