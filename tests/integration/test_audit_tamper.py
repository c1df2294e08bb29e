"""Tamper-evidence of the audit trail against someone with write access to the database: the keyed chain,
REPLACE refused on SQLite, and signed checkpoints of the head kept outside the database."""
import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from qms.audit import services as audit
from qms.audit.checkpoints import checkpoint_file, read_checkpoints
from qms.audit.models import AuditEntry
from tests.conftest import PG_URL
from tests.integration.test_audit_trail import add_departments, entries, run_verify, triggers_off

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="REPLACE exists on SQLite only")
postgres_only = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")


def checkpoint(app):
    result = app.test_cli_runner().invoke(args=["qms", "audit-checkpoint"])
    assert result.exit_code == 0, result.output
    return read_checkpoints()[-1]


def rechain(db, start_id: int, key: bytes | None, version: int, change: dict | None = None) -> None:
    """Play the attacker: alter the entry ``start_id`` and recompute every hash from there to the end."""
    chain = entries(db)
    prev = ""
    for entry in chain:
        if entry.id < start_id:
            prev = entry.hash
            continue
        fields = {k: getattr(entry, k) for k in audit.HASHED_FIELDS}
        if entry.id == start_id and change:
            fields.update(change)
        new_hash = audit.entry_hash(prev, fields, key)
        db.session.execute(text("UPDATE audit_entry SET actor_label = :label, prev_hash = :prev, hash = :hash, "
                                "hash_version = :version WHERE id = :id"),
                           {"label": fields["actor_label"], "prev": prev, "hash": new_hash, "version": version,
                            "id": entry.id})
        prev = new_hash
    db.session.commit()


# --- the keyed chain --------------------------------------------------------------------------

def test_intact_chain_verifies_against_its_checkpoint(app, db):
    add_departments(db, "A", "B", "C")
    taken = checkpoint(app)
    add_departments(db, "D")
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert "intact: 4 entries" in result.output
    assert f"Matches the checkpoint of {taken.at} (3 entries); 1 entries since." in result.output


def test_verify_without_a_checkpoint_says_truncation_would_go_unnoticed(app, db):
    add_departments(db, "A")
    result = run_verify(app)
    assert result.exit_code == 0
    assert "No checkpoint" in result.output and "qms audit-checkpoint" in result.output


def test_rewrite_with_recomputed_plain_hashes_is_detected(app, db):
    """Without the key, the attacker's recomputed hashes are plain SHA-256: the first one is refused."""
    add_departments(db, "A", "B", "C", "D")
    target = entries(db)[1].id
    with triggers_off(db):
        rechain(db, target, None, audit.HASH_UNKEYED, {"actor_label": "someone else"})
        result = run_verify(app)
    assert result.exit_code == 1
    assert f"TAMPERED at entry {target}: entry is not sealed with the chain key" in result.output


def test_rewrite_with_a_guessed_key_is_detected(app, db):
    add_departments(db, "A", "B", "C", "D")
    target = entries(db)[1].id
    with triggers_off(db):
        rechain(db, target, b"a guess at the key", audit.HASH_KEYED, {"actor_label": "someone else"})
        result = run_verify(app)
    assert result.exit_code == 1
    assert f"TAMPERED at entry {target}: content does not match its hash" in result.output


def test_whole_chain_rewritten_as_unkeyed_is_caught_by_the_checkpoint(app, db):
    """Rewriting every entry as one from before the keying looks like an old, whole chain; the checkpoint
    signed the head's keyed hash, so the rewrite shows."""
    add_departments(db, "A", "B", "C")
    taken = checkpoint(app)
    with triggers_off(db):
        rechain(db, entries(db)[0].id, None, audit.HASH_UNKEYED, {"actor_label": "someone else"})
        result = run_verify(app)
    assert result.exit_code == 1
    assert f"TAMPERED at entry {taken.head_id}: the chain differs from the checkpoint of {taken.at}" in result.output


def test_truncation_of_the_newest_entries_is_detected(app, db):
    add_departments(db, "A", "B", "C", "D")
    taken = checkpoint(app)
    newest = entries(db)[-2:]
    with triggers_off(db):
        db.session.execute(text("DELETE FROM audit_entry WHERE id >= :id"), {"id": newest[0].id})
        db.session.commit()
        result = run_verify(app)
    assert result.exit_code == 1
    assert f"TAMPERED at entry {taken.head_id}:" in result.output
    assert "entries were deleted from the end" in result.output


def test_unkeyed_entries_from_before_the_upgrade_still_verify(app, db):
    """Rows written by an older release carry plain SHA-256 (hash version 1); later entries are keyed."""
    prev = ""
    for n in range(3):
        row = {"at": audit.utcnow(), "actor_label": "system", "action": "create", "entity_type": "department",
               "entity_id": str(n + 1), "new_values": f'{{"name":"Old {n}"}}'}
        row.update(prev_hash=prev, hash=audit.entry_hash(prev, row, None))
        db.session.execute(text("INSERT INTO audit_entry (at, actor_label, action, entity_type, entity_id, "
                                "new_values, prev_hash, hash) VALUES (:at, :actor_label, :action, :entity_type, "
                                ":entity_id, :new_values, :prev_hash, :hash)"), row)
        prev = row["hash"]
    db.session.commit()
    assert [e.hash_version for e in entries(db)] == [audit.HASH_UNKEYED] * 3
    add_departments(db, "New")
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert "intact: 4 entries" in result.output
    assert "3 entries from before the chain was keyed" in result.output


# --- REPLACE and friends ---------------------------------------------------------------------------

def _copy_of(entry: AuditEntry, **changes) -> dict:
    row = {c.key: getattr(entry, c.key) for c in AuditEntry.__table__.columns}
    row.update(changes)
    return row


REPLACE_COLUMNS = ", ".join(c.key for c in AuditEntry.__table__.columns)
REPLACE_VALUES = ", ".join(f":{c.key}" for c in AuditEntry.__table__.columns)


@sqlite_only
@pytest.mark.parametrize("verb", ["REPLACE", "INSERT OR REPLACE"])
@pytest.mark.parametrize("clash", ["id", "hash"])
def test_sqlite_refuses_replace_into(db, verb, clash):
    add_departments(db, "A", "B")
    old = entries(db)[0]
    newest_id = entries(db)[-1].id
    changes = {"reason": "rewritten", "hash": "f" * 64} if clash == "id" else {"id": newest_id + 1, "reason": "x"}
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(f"{verb} INTO audit_entry ({REPLACE_COLUMNS}) VALUES ({REPLACE_VALUES})"),
                           _copy_of(old, **changes))
    db.session.rollback()
    assert [(e.id, e.reason) for e in entries(db)][0] == (old.id, None)


@sqlite_only
def test_sqlite_refuses_replace_on_a_connection_of_its_own(app, db):
    """The trigger holds for any connection, also one without the app's recursive_triggers pragma."""
    add_departments(db, "A")
    row = {k: (v.isoformat(" ") if hasattr(v, "isoformat") else v)
           for k, v in _copy_of(entries(db)[0], reason="rewritten", hash="e" * 64).items()}
    db.session.rollback()
    conn = sqlite3.connect(db.engine.url.database)
    try:
        assert conn.execute("PRAGMA recursive_triggers").fetchone() == (0,)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"REPLACE INTO audit_entry ({REPLACE_COLUMNS}) VALUES ({REPLACE_VALUES})", row)
    finally:
        conn.close()
    assert entries(db)[0].reason is None


@sqlite_only
def test_sqlite_connections_fire_delete_triggers_on_replace(db):
    assert db.session.execute(text("PRAGMA recursive_triggers")).scalar() == 1


@postgres_only
def test_postgres_refuses_an_upsert_over_an_entry(db):
    add_departments(db, "A")
    old = entries(db)[0]
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(f"INSERT INTO audit_entry ({REPLACE_COLUMNS}) VALUES ({REPLACE_VALUES}) "
                                "ON CONFLICT (id) DO UPDATE SET reason = 'rewritten'"), _copy_of(old))
    db.session.rollback()
    assert entries(db)[0].reason is None


def test_the_app_still_appends_after_the_guard(db):
    add_departments(db, "A", "B")
    audit.record(db.session, "login", "user", 1)
    db.session.commit()
    assert audit.verify_chain(db.session).ok
    assert len(entries(db)) == 3


# --- checkpoints -----------------------------------------------------------------------------------

def test_checkpoint_file_holds_a_signed_line_per_checkpoint(app, db):
    add_departments(db, "A", "B")
    head = entries(db)[-1]
    first = checkpoint(app)
    add_departments(db, "C")
    second = checkpoint(app)
    lines = checkpoint_file().read_text().splitlines()
    assert len(lines) == 2
    stored = json.loads(lines[0])
    assert (stored["head_id"], stored["head_hash"], stored["count"]) == (head.id, head.hash, 2)
    assert len(stored["sig"]) == 64 and stored["at"].endswith("Z")
    assert (first.count, second.count) == (2, 3)
    assert oct(checkpoint_file().stat().st_mode & 0o777) == "0o600"


def test_an_altered_checkpoint_file_is_refused(app, db):
    add_departments(db, "A", "B", "C")
    checkpoint(app)
    path = checkpoint_file()
    path.write_text(path.read_text().replace('"count":3', '"count":2'))
    result = run_verify(app)
    assert result.exit_code == 1
    assert "line 1: the signature does not match" in result.output


def test_no_checkpoint_is_signed_over_a_tampered_trail(app, db):
    add_departments(db, "A", "B", "C")
    checkpoint(app)
    add_departments(db, "D")
    with triggers_off(db):
        db.session.execute(text("UPDATE audit_entry SET reason = 'x' WHERE id = :id"), {"id": entries(db)[-1].id})
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["qms", "audit-checkpoint"])
    assert result.exit_code == 1
    assert "No checkpoint taken" in result.output and "TAMPERED" in result.output
    assert len(read_checkpoints()) == 1


def test_the_daily_run_takes_a_checkpoint(app, db):
    add_departments(db, "A")
    result = app.test_cli_runner().invoke(args=["qms", "reminders"])
    assert result.exit_code == 0, result.output
    assert "Audit checkpoint:" in result.output
    [taken] = read_checkpoints()
    assert taken.head_id == entries(db)[-1].id


def test_verify_checks_a_saved_copy_of_the_checkpoints_too(app, db, tmp_path):
    """A copy kept elsewhere (from the e-mails) still catches a truncation after the local file is gone."""
    add_departments(db, "A", "B", "C")
    taken = checkpoint(app)
    saved = tmp_path / "saved.jsonl"
    saved.write_text(checkpoint_file().read_text())
    checkpoint_file().unlink()
    with triggers_off(db):
        db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": taken.head_id})
        db.session.commit()
        assert run_verify(app).exit_code == 0  # nothing left to compare with locally
        result = app.test_cli_runner().invoke(args=["qms", "audit-verify", "--checkpoints", str(saved)])
    assert result.exit_code == 1
    assert "entries were deleted from the end" in result.output


def test_checkpoint_is_mailed_when_configured(app_factory):
    app = app_factory(AUDIT_CHECKPOINT_EMAIL="auditor@example.nl")
    with app.app_context():
        from qms.extensions import db

        add_departments(db, "A")
        taken = checkpoint(app)
        [message] = app.extensions["mail_outbox"]
    assert message["To"] == "auditor@example.nl"
    assert taken.line() in message.get_content()


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers["Content-Length"])
        type(self).received.append((self.headers["Content-Type"], self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_checkpoint_is_posted_to_the_webhook(app_factory):
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        app = app_factory(AUDIT_CHECKPOINT_WEBHOOK=f"http://127.0.0.1:{server.server_port}/checkpoints")
        with app.app_context():
            from qms.extensions import db

            add_departments(db, "A")
            taken = checkpoint(app)
    finally:
        server.shutdown()
        server.server_close()
    [(content_type, body)] = _Receiver.received
    assert content_type == "application/json"
    assert json.loads(body) == json.loads(taken.line())


def test_an_unreachable_webhook_is_logged_not_fatal(app_factory, caplog):
    with socket_that_refuses() as port:
        app = app_factory(AUDIT_CHECKPOINT_WEBHOOK=f"http://127.0.0.1:{port}/down")
        with app.app_context():
            from qms.extensions import db

            add_departments(db, "A")
            checkpoint(app)
            assert len(read_checkpoints()) == 1
    assert "could not post the audit checkpoint" in caplog.text


class socket_that_refuses:
    """A local port with nothing listening on it."""

    def __enter__(self):
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()


# --- the key ---------------------------------------------------------------------------------------

def test_without_a_configured_key_one_is_made_once_in_a_private_file(app_factory, tmp_path):
    from qms.audit.keys import entry_key

    key_path = tmp_path / "keys" / "audit-hmac.key"
    first = app_factory(AUDIT_HMAC_KEY="", AUDIT_HMAC_KEY_FILE=str(key_path))
    with first.app_context():
        one = entry_key()
    assert oct(key_path.stat().st_mode & 0o777) == "0o600"
    assert len(key_path.read_text().strip()) == 64
    second = app_factory(AUDIT_HMAC_KEY="", AUDIT_HMAC_KEY_FILE=str(key_path))
    with second.app_context():
        assert entry_key() == one
    third = app_factory()
    with third.app_context():
        assert entry_key() != one, "the configured AUDIT_HMAC_KEY comes first"


def test_entries_do_not_verify_under_another_key(app_factory):
    app = app_factory()
    with app.app_context():
        from qms.extensions import db

        add_departments(db, "A")
    other = app_factory(AUDIT_HMAC_KEY="another-key-another-key-another-key-1")
    result = other.test_cli_runner().invoke(args=["qms", "audit-verify"])
    assert result.exit_code == 1
    assert "content does not match its hash" in result.output
