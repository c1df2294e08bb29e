"""Background jobs: long work (a certification dossier, a payroll file) runs in a worker process, never in
a request, so it neither holds a web worker nor dies with one.

A request adds a :class:`Job` (or a subclass that carries a feature's own columns) with :func:`submit`;
the job's task goes onto the Huey queue only when the request's transaction commits. The queue is a SQLite
file in the instance folder (``JOBS_DATABASE``), or Redis when ``REDIS_URL`` is set; Huey keeps queued tasks
there, so they survive a restart of the worker. ``flask --app wsgi qms worker`` runs the consumer.

The worker runs the handler registered for ``job.task`` (:func:`handler`) inside an app and request context,
in the requester's language and with the requester as audit actor, and commits once at the end, as a view
does. A handler that raises leaves nothing of its work behind: the job is marked failed with the reason,
and the progress pages show it. :func:`progress` commits the progress so another request can read it;
call it only while none of the job's own changes are pending.
"""
from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import threading
from typing import Any, Callable

from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit.models import Audited
from .core.transitions import can_move
from .database import enum_column, utcnow
from .extensions import db

log = logging.getLogger(__name__)

#: A job still queued or running with no sign of life for this long: its worker has stopped.
STALLED_AFTER = dt.timedelta(hours=1)
TASK_NAME = "qms.run_job"
_EXTENSION = "qms.jobs"
_TASK = "qms.jobs.task"
_PENDING = "qms_pending_jobs"


class JobState(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


#: A running job goes back to queued when its worker is stopped while running it (it is queued again).
JOB_TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    JobState.QUEUED: frozenset({JobState.RUNNING, JobState.FAILED}),
    JobState.RUNNING: frozenset({JobState.DONE, JobState.FAILED, JobState.QUEUED}),
    JobState.DONE: frozenset(),
    JobState.FAILED: frozenset(),
}


class JobError(Exception):
    """The job cannot be done for a reason the user can act on; ``message`` is shown on the progress page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Job(Audited, db.Model):
    """One piece of background work, its progress and its outcome."""

    __tablename__ = "job"
    #: The result can be large (a preview of a payroll file) and is derived from the work: not audited.
    __audit_ignore__ = frozenset({"progress", "total", "heartbeat_at", "result"})

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which model the row is (the polymorphic identity of a subclass, "job" for a plain job).
    kind: Mapped[str] = mapped_column(String(40), default="job")
    #: The registered handler that does the work (see :func:`handler`).
    task: Mapped[str] = mapped_column(String(60))
    state: Mapped[JobState] = mapped_column(
        enum_column(JobState),
        default=JobState.QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    #: Language of the requester ("nl" or "en"): texts the job writes are in it.
    locale: Mapped[str] = mapped_column(String(8), default="nl")
    #: What the handler needs (JSON); and what it found, for the result page (JSON).
    params: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    #: Why the job failed, as recorded by the worker.
    error: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    #: Last sign of life of the worker running it (start and every progress report).
    heartbeat_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "job"}

    @property
    def data(self) -> dict:
        return json.loads(self.params or "{}")

    @property
    def outcome(self) -> dict:
        return json.loads(self.result or "{}")

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    def status(self) -> dict:
        """What a progress page polls."""
        return {"state": self.state.value, "progress": self.progress, "total": self.total, "done": self.finished}


def move(job: Job, state: JobState) -> None:
    if not can_move(JOB_TRANSITIONS, job.state, state):
        raise RuntimeError(f"job {job.id}: {job.state.value} → {state.value} is not allowed")
    job.state = state


def stalled(job: Job, now: dt.datetime | None = None) -> bool:
    """Queued or running, but no sign of life for STALLED_AFTER: its worker stopped (or none runs)."""
    now = now or utcnow()
    last = job.heartbeat_at or job.started_at or job.created_at
    return not job.finished and now - last > STALLED_AFTER


# --- handlers ---------------------------------------------------------------------------------

Handler = Callable[[Job], Any]
#: The core packages' own job handlers, declared at import (the same in every app). A norm registers its
#: handlers on its app's registry (``registry(app).add_job``); :func:`handler_for` answers for both.
HANDLERS: dict[str, Handler] = {}


def handler_for(task: str) -> Handler | None:
    from .norms import registry

    return HANDLERS.get(task) or registry().jobs.get(task)


def handler(name: str) -> Callable[[Handler], Handler]:
    """Declare the core function that does the work of jobs whose ``task`` is ``name``; it gets the job and
    returns a JSON-able result (stored on the job) or None. It must not commit: the worker commits once."""

    def register(fn: Handler) -> Handler:
        known = HANDLERS.get(name)
        if known is not None and known is not fn and known.__qualname__ != fn.__qualname__:
            raise ValueError(f"job task {name!r} is already registered by {known.__module__}")
        HANDLERS[name] = fn
        return fn

    return register


# --- in the request ---------------------------------------------------------------------------

def submit(job: Job, *, user=None, locale: str | None = None, **params: Any) -> Job:
    """Add a queued job to the session (flushed, not committed); it is queued when the transaction commits."""
    if handler_for(job.task) is None:
        raise ValueError(f"no job handler is registered for {job.task!r}")
    job.state = JobState.QUEUED
    if params:
        job.params = json.dumps(params)
    if user is not None and getattr(user, "is_authenticated", True):
        job.requested_by_id = user.id
    if locale:
        job.locale = locale
    session = db.session()
    session.add(job)
    session.flush()
    session.info.setdefault(_PENDING, []).append((current_app._get_current_object(), job.id))
    return job


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return
    pending = session.info.pop(_PENDING, None)
    for app, job_id in pending or ():
        try:
            enqueue(app, job_id)
        except Exception as error:  # the queue cannot be reached: say so on the job's page
            app.logger.exception("job %s could not be queued", job_id)
            with app.app_context():
                try:
                    _record_failure(job_id, JobError(f"The job could not be queued ({type(error).__name__}: {error})."))
                finally:
                    db.session.remove()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    if session.get_nested_transaction() is None:
        session.info.pop(_PENDING, None)


def enqueue(app: Flask, job_id: int) -> None:
    """Put a committed job on the queue (in immediate mode: run it now)."""
    app.extensions[_EXTENSION](job_id)


def progress(job: Job, done: int, total: int | None = None) -> None:
    """Report progress and commit it; only while none of the job's own changes are pending."""
    job.progress = done
    if total is not None:
        job.total = total
    job.heartbeat_at = utcnow()
    db.session.commit()


_AFTER_DONE = "qms_job_after_done"


def after_done(fn: Callable[[], Any]) -> None:
    """Run ``fn`` once the worker has committed the job's work (e.g. remove a file it no longer needs)."""
    db.session().info.setdefault(_AFTER_DONE, []).append(fn)


# --- in the worker ----------------------------------------------------------------------------

def run(app: Flask, job_id: int) -> None:
    """Run one job: its own app context and session, the requester's language and actor, one commit."""
    from .audit.services import set_actor

    with app.app_context(), app.test_request_context(base_url=app.config.get("PUBLIC_URL") or None):
        try:
            job = db.session.get(Job, job_id)
            if job is None or job.state != JobState.QUEUED:
                return  # gone, already done, or being run by another worker
            work = handler_for(job.task)
            set_actor(job.requested_by_id, f"job {job.task}")
            move(job, JobState.RUNNING)
            job.started_at = job.heartbeat_at = utcnow()
            db.session.commit()
            try:
                if work is None:
                    raise RuntimeError(f"no job handler is registered for {job.task!r}")
                with force_locale(job.locale or "nl"):
                    outcome = work(job)
                job = db.session.get(Job, job_id)
                db.session.refresh(job, ["state"])
                if job.state != JobState.RUNNING:  # queued again meanwhile (the worker is being stopped)
                    db.session.rollback()
                    return
                move(job, JobState.DONE)
                if outcome is not None:
                    job.result = json.dumps(outcome)
                job.progress = max(job.progress, job.total)
                job.finished_at = utcnow()
                db.session.commit()
            except Exception as error:  # recorded on the job and shown on its progress page
                app.logger.exception("job %s (%s) failed", job_id, getattr(job, "task", "?"))
                db.session.rollback()
                db.session().info.pop(_AFTER_DONE, None)
                _record_failure(job_id, error)
            for fn in db.session().info.pop(_AFTER_DONE, ()):
                try:
                    fn()
                except Exception:  # the work is committed; a clean-up that fails is only logged
                    app.logger.exception("job %s: clean-up after the commit failed", job_id)
        finally:
            db.session.remove()


def _record_failure(job_id: int, error: Exception) -> None:
    job = db.session.get(Job, job_id)
    if job is None or job.finished or (job.state == JobState.QUEUED and job.started_at is not None):
        return  # done, or queued again for the next worker (this one is being stopped)
    if job.state == JobState.QUEUED:
        move(job, JobState.RUNNING)
    move(job, JobState.FAILED)
    text = error.message if isinstance(error, JobError) else f"{type(error).__name__}: {error}"
    job.error = text[:2000]
    job.finished_at = utcnow()
    db.session.commit()


def _requeue_interrupted(app: Flask, job_id: int) -> None:
    """The worker was stopped while running the job: queue it again, so the next worker starts it anew."""
    with app.app_context():
        try:
            job = db.session.get(Job, job_id)
            if job is not None and job.state == JobState.RUNNING:
                move(job, JobState.QUEUED)
                db.session.commit()
                enqueue(app, job_id)
        finally:
            db.session.remove()


# --- the queue --------------------------------------------------------------------------------

def make_huey(app: Flask):
    """The Huey instance for this app's configuration: Redis when REDIS_URL is set, else a SQLite file."""
    from huey import RedisHuey, SqliteHuey

    immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    name = app.config.get("JOBS_QUEUE_NAME") or "qms"
    url = app.config.get("REDIS_URL")
    if url:
        return RedisHuey(name, url=url, immediate=immediate, results=False)
    return SqliteHuey(name, filename=str(app.config["JOBS_DATABASE"]), immediate=immediate, results=False)


_BUILDING = threading.Lock()


def _build(app: Flask) -> None:
    """The app's Huey instance and its task, made the first time a job is queued or the worker starts: importing
    Huey (and through it the Redis client) is a sizeable part of a web worker's start that most never need."""
    from huey import signals as huey_signals

    with _BUILDING:
        if "huey" in app.extensions:
            return
        huey = make_huey(app)

        @huey.task(name=TASK_NAME)
        def run_job(job_id: int) -> None:
            run(app, job_id)

        @huey.signal(huey_signals.SIGNAL_INTERRUPTED)
        def requeue(signal, task, *args, **kwargs) -> None:
            if task.name == TASK_NAME and task.args:
                _requeue_interrupted(app, task.args[0])

        app.extensions[_TASK] = run_job
        for add_tasks in app.extensions.get(_TASK_BUILDERS, []):
            add_tasks(huey)
        app.extensions["huey"] = huey


#: ``add_tasks(huey)`` callables of core packages with Huey tasks of their own (webhook deliveries): run when the
#: app's Huey instance is made, in the web workers and the job worker alike.
_TASK_BUILDERS = "qms_huey_task_builders"


def add_tasks(app: Flask, builder) -> None:
    """Have ``builder(huey)`` declare its tasks on this app's Huey instance when it is made."""
    app.extensions.setdefault(_TASK_BUILDERS, []).append(builder)
    if "huey" in app.extensions:
        builder(app.extensions["huey"])


def init_app(app: Flask) -> None:
    def queue(job_id: int) -> None:
        if _TASK not in app.extensions:
            _build(app)
        app.extensions[_TASK](job_id)

    app.extensions[_EXTENSION] = queue


def huey_of(app: Flask):
    if "huey" not in app.extensions:
        _build(app)
    return app.extensions["huey"]


def consumer(app: Flask, workers: int = 1):
    """A Huey consumer for this app's queue (``flask qms worker``)."""
    huey = huey_of(app)
    if huey.immediate:
        raise RuntimeError("JOBS_IMMEDIATE is set: jobs run in the request, there is nothing to consume")
    return huey.create_consumer(workers=workers, worker_type="thread", periodic=False, initial_delay=0.1,
                                max_delay=1.0)
