"""Migration 0090 keeps every existing evidence file as its item's revision 1 (dates and review included), and
its downgrade leaves the items as they were. (Slow by nature: it runs the history up to the revision before.)"""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from qms import MIGRATIONS_DIR, create_app
from qms.extensions import db

REVISION = "0090"


@pytest.fixture
def migrated(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite3'}",
                     UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _before_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_revision(REVISION).down_revision


def test_existing_files_become_revision_one(migrated):
    upgrade(directory=str(MIGRATIONS_DIR), revision=_before_revision())
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO stored_file (id, stored_name, original_name, content_type, size, sha256, "
                          "uploaded_at) VALUES (7, 'ab/x.pdf', 'keuring.pdf', 'application/pdf', 10, :sha, "
                          "'2026-01-02 10:00:00')"), {"sha": "a" * 64})
        conn.execute(text("INSERT INTO evidence_item (id, title, file_id, valid_from, valid_until, review_status, "
                          "reviewed_at, created_at) VALUES (3, 'Keuring', 7, '2026-01-01', '2026-12-31', 'accepted', "
                          "'2026-01-05 09:00:00', '2026-01-02 10:00:00')"))
    upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT evidence_id, number, file_id, valid_from, valid_until, review_status "
                                 "FROM evidence_revision")).all()
    assert [tuple(r) for r in rows] == [(3, 1, 7, "2026-01-01", "2026-12-31", "accepted")]
    downgrade(directory=str(MIGRATIONS_DIR), revision=_before_revision())
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT file_id FROM evidence_item WHERE id = 3")).scalar() == 7
