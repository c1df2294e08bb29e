"""The two jobs every file goes through (:mod:`qms.jobs`): the *check* (a preview that changes nothing) and the
*import* (the worker commits once); the file waits in between in the ``imports/`` folder (:mod:`.staging`)."""
from __future__ import annotations

import pathlib

from flask_babel import gettext as _

from ... import jobs
from ...jobs import Job, JobError
from . import staging
from .registers import FileRejected, Importer, importer, process

CHECK = "imports.check"
RUN = "imports.run"
TASKS = (CHECK, RUN)
FOLDER = "imports"


def folder() -> pathlib.Path:
    """Where an uploaded file waits for its confirmation (inside the upload folder, never served)."""
    return staging.folder(FOLDER)


def submit_check(importer: Importer, filename: str, data: bytes, user, locale: str) -> Job:
    """Keep the file and queue its check (flushed, not committed)."""
    token, suffix = staging.keep(FOLDER, data)
    return jobs.submit(Job(task=CHECK), user=user, locale=locale, register=importer.name, token=token,
                       suffix=suffix, filename=filename[:200])


def submit_run(check: Job, user, locale: str) -> Job:
    """Queue the import of a checked file (flushed, not committed)."""
    data = check.data
    return jobs.submit(Job(task=RUN), user=user, locale=locale, register=data["register"], check_id=check.id,
                       token=data["token"], suffix=data["suffix"], filename=data["filename"])


def _job_importer(job: Job) -> Importer:
    found = importer(job.data.get("register", ""))
    if found is None:
        raise JobError(_("This register cannot be imported."))
    return found


def _process(job: Job, *, dry_run: bool):
    return process(_job_importer(job), staging.read(FOLDER, job), dry_run=dry_run)


@jobs.handler(CHECK)
def check(job: Job) -> dict:
    """The preview: what the import would create and update, and every rejected row with its reason."""
    try:
        outcome = _process(job, dry_run=True)
    except FileRejected as error:
        staging.path_of(FOLDER, job).unlink(missing_ok=True)
        return {"file_error": error.message}
    return outcome.as_dict()


@jobs.handler(RUN)
def run(job: Job) -> dict:
    """Save the rows (one commit, by the worker); the file is removed once that commit is made."""
    try:
        outcome = _process(job, dry_run=False)
    except FileRejected as error:
        raise JobError(error.message) from error
    jobs.after_done(lambda path=staging.path_of(FOLDER, job): path.unlink(missing_ok=True))
    return outcome.as_dict()
