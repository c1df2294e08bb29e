"""Background jobs: queued in the request's transaction, run by a real worker process (`flask qms worker`)
from the SQLite queue file and from Redis, kept when no worker runs; failures recorded and shown."""
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from qms import jobs
from qms.evidence import dossier
from qms.evidence.models import DossierJob
from qms.jobs import Job, JobState
from qms.permissions import Role

ROOT = pathlib.Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _worker(app, **env) -> subprocess.Popen:
    environ = {**os.environ, "QMS_ENV": "testing", "JOBS_IMMEDIATE": "0",
               "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], "JOBS_DATABASE": app.config["JOBS_DATABASE"],
               "JOBS_QUEUE_NAME": app.config["JOBS_QUEUE_NAME"], "REDIS_URL": app.config["REDIS_URL"],
               "QMS_INSTANCE_DIR": str(pathlib.Path(app.config["UPLOAD_FOLDER"]).parent), **env}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "qms", "worker"], cwd=ROOT,
                            env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_done(db, job_id: int, timeout: float = 45) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        finished = job.finished
        db.session.rollback()  # on SQLite every transaction holds the write lock: never while waiting
        if finished:
            return db.session.get(Job, job_id)
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job.state.value} after {timeout} s")


def _stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.stdout.read() if proc.stdout else ""


def _queue_dossier(client, db):
    response = client.post("/evidence/norms/iso9001/2015/dossier", data={"level": ""})
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    db.session.rollback()
    return job_id


def _run_with_worker(client_of, db):
    """Queue a dossier while no worker runs; it waits, persisted; a worker started afterwards builds it."""
    job_id = _queue_dossier(client_of, db)
    time.sleep(0.5)
    assert db.session.get(Job, job_id).state == JobState.QUEUED  # nobody ran it in the request
    db.session.rollback()
    proc = _worker(client_of.application)
    try:
        job = _wait_done(db, job_id)
    except AssertionError as error:
        raise AssertionError(f"{error}; worker said: {_stop(proc)[-3000:]}") from None
    output = _stop(proc)
    assert job.state == JobState.DONE, (job.error, output[-3000:])
    built = db.session.get(DossierJob, job_id)
    assert (dossier.folder() / built.zip_name).is_file() and dossier.verify_zip(dossier.folder() / built.zip_name) == []
    assert "Job worker started" in output
    page = client_of.get(f"/evidence/dossiers/{job_id}").get_data(as_text=True)
    assert "Download ZIP" in page


def test_a_worker_process_runs_jobs_from_the_sqlite_queue(app_factory, tmp_path):
    from qms.extensions import db

    app = app_factory(JOBS_IMMEDIATE=False, JOBS_DATABASE=str(tmp_path / "jobs.sqlite3"), REDIS_URL="")
    with app.app_context():
        client = app.test_client()
        _login(client, db)
        _run_with_worker(client, db)
        assert (tmp_path / "jobs.sqlite3").is_file()


def test_a_worker_process_runs_jobs_from_redis(app_factory, tmp_path):
    if not _redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running at 127.0.0.1:6379; CI must start it")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    from qms.extensions import db

    name = f"qms-test-{os.getpid()}-{time.monotonic_ns()}"
    app = app_factory(JOBS_IMMEDIATE=False, REDIS_URL="redis://127.0.0.1:6379/0", JOBS_QUEUE_NAME=name,
                      JOBS_DATABASE=str(tmp_path / "unused.sqlite3"))
    with app.app_context():
        huey = jobs.huey_of(app)
        try:
            client = app.test_client()
            _login(client, db)
            _run_with_worker(client, db)
            assert not (tmp_path / "unused.sqlite3").exists()
        finally:
            huey.storage.flush_all()


def _login(client, db):
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password
    from tests.conftest import PASSWORD

    user = User(email="coordinator@jobs.example", name="Coördinator", active=True,
                password_hash=hash_password(PASSWORD))
    user.roles = [UserRole(role=Role.COORDINATOR)]
    db.session.add(user)
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_a_failing_job_is_recorded_and_shown(client, db, login_as):
    user = login_as(Role.COORDINATOR)
    job = DossierJob(task=dossier.TASK, norm="iso9001", version="1999", level="", figures="{}")
    jobs.submit(job, user=user, locale="en")
    job_id = job.id
    db.session.commit()  # immediate in tests: runs now, and fails (no such catalogue version)
    db.session.rollback()
    job = db.session.get(DossierJob, job_id)
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert "KeyError" in job.error and "1999" in job.error
    assert job.started_at is not None and job.zip_name is None


def test_a_job_is_queued_only_when_the_transaction_commits(app_factory, tmp_path, db):
    app = app_factory(JOBS_IMMEDIATE=False, JOBS_DATABASE=str(tmp_path / "q.sqlite3"), REDIS_URL="")
    with app.app_context():
        from qms.extensions import db as _db

        huey = jobs.huey_of(app)
        job = jobs.submit(DossierJob(task=dossier.TASK, norm="iso9001", version="2015", level=""))
        assert huey.pending_count() == 0
        _db.session.rollback()
        assert huey.pending_count() == 0 and _db.session.scalars(select(Job)).first() is None
        job = jobs.submit(DossierJob(task=dossier.TASK, norm="iso9001", version="2015", level=""))
        _db.session.commit()
        assert huey.pending_count() == 1
        # What the worker does with it, here in this process.
        task = huey.dequeue()
        huey.execute(task)
        _db.session.rollback()
        assert _db.session.get(Job, job.id).state == JobState.DONE
        _db.session.remove()


def test_a_job_interrupted_by_stopping_the_worker_is_queued_again(app_factory, tmp_path):
    app = app_factory(JOBS_IMMEDIATE=False, JOBS_DATABASE=str(tmp_path / "q.sqlite3"), REDIS_URL="")
    with app.app_context():
        from qms.extensions import db as _db

        huey = jobs.huey_of(app)
        job = jobs.submit(DossierJob(task=dossier.TASK, norm="iso9001", version="2015", level=""))
        job_id = job.id
        _db.session.commit()
        task = huey.dequeue()
        job = _db.session.get(Job, job_id)
        jobs.move(job, JobState.RUNNING)  # as a worker that started it, and is now being stopped
        _db.session.commit()
        huey._emit("interrupted", task)  # what the consumer announces for a task still running at SIGTERM
        _db.session.rollback()
        assert _db.session.get(Job, job_id).state == JobState.QUEUED and huey.pending_count() == 1
        _db.session.rollback()
        huey.execute(huey.dequeue())  # the next worker
        _db.session.rollback()
        assert _db.session.get(Job, job_id).state == JobState.DONE
        _db.session.remove()


def test_a_job_that_cannot_be_queued_is_shown_as_failed(app_factory, tmp_path):
    app = app_factory(JOBS_IMMEDIATE=False, REDIS_URL="redis://127.0.0.1:1/0", JOBS_QUEUE_NAME="nowhere")
    with app.app_context():
        from qms.extensions import db as _db

        job = jobs.submit(DossierJob(task=dossier.TASK, norm="iso9001", version="2015", level=""))
        job_id = job.id
        _db.session.commit()  # the request's work is committed even though the queue is down
        _db.session.rollback()
        job = _db.session.get(Job, job_id)
        assert job.state == JobState.FAILED and "could not be queued" in job.error and "Connection" in job.error
        _db.session.remove()
