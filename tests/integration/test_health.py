"""Liveness and readiness: /healthz always answers; /readyz reports database, migrations and uploads."""
import pathlib
import shutil

import pytest
from sqlalchemy import text

from qms import create_app
from qms.core import views as core_views
from qms.extensions import db as _db


@pytest.fixture
def alembic_table(app, db):
    """An alembic_version table as ``flask db upgrade`` leaves it; dropped again afterwards (on
    PostgreSQL the schema outlives the test)."""
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    yield
    db.session.rollback()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def set_versions(db, *versions: str) -> None:
    db.session.execute(text("DELETE FROM alembic_version"))
    for version in versions:
        db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    db.session.commit()


def test_healthz_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_without_migrations_is_unavailable(client):
    """Tests build the schema with create_all, so there is no alembic_version table."""
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": True, "migrations": False, "uploads": True}


def test_readyz_is_ready_at_the_heads(app, db, client, alembic_table, monkeypatch):
    monkeypatch.setattr(core_views, "_migration_heads", lambda: {"20250101_core"})
    set_versions(db, "20250101_core")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok",
                                   "checks": {"database": True, "migrations": True, "uploads": True}}


def test_readyz_is_unavailable_behind_the_heads(app, db, client, alembic_table, monkeypatch):
    monkeypatch.setattr(core_views, "_migration_heads", lambda: {"20250301_next"})
    set_versions(db, "20250101_core")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] is False


MIGRATIONS = pathlib.Path(__file__).resolve().parents[2] / "migrations"
REVISION = '''"""An empty revision for the readiness test."""
revision = "{rev}"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
'''


def test_readyz_after_stamping_a_head(app, db, client, tmp_path):
    """The project's own env.py and alembic.ini, with one empty revision: ``flask db stamp`` makes the
    database current and readyz says ready."""
    from flask_migrate import stamp

    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder, ignore=shutil.ignore_patterns("versions", "__pycache__"))
    (folder / "versions").mkdir()
    (folder / "versions" / "20250101_readyz.py").write_text(REVISION.format(rev="readyz0001"))
    app.extensions["migrate"].directory = str(folder)
    try:
        assert core_views._migration_heads() == {"readyz0001"}
        assert client.get("/readyz").status_code == 503
        stamp(directory=str(folder))
        response = client.get("/readyz")
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["checks"]["migrations"] is True
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_readyz_after_stamping_the_real_heads(app, db, client, alembic_table):
    from flask_migrate import stamp

    heads = core_views._migration_heads()
    if not heads:
        pytest.skip("migrations/versions holds no revision yet: there is no head to stamp")
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))  # stamp creates it itself
    stamp()
    db.session.remove()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["migrations"] is True


def test_readyz_reports_an_unwritable_upload_folder(app, client, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the upload folder's parent should be")
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["uploads"] is False
    assert response.get_json()["checks"]["database"] is True


def test_readyz_leaves_no_probe_file(app, client):
    client.get("/readyz")
    folder = pathlib.Path(app.config["UPLOAD_FOLDER"])
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_readyz_reports_an_unreachable_database(tmp_path):
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'x.sqlite3'}",
                             UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with application.app_context():
        try:
            response = application.test_client().get("/readyz")
            assert response.status_code == 503
            assert response.get_json()["checks"] == {"database": False, "migrations": False, "uploads": True}
        finally:
            _db.session.remove()
            _db.engine.dispose()
