"""Payroll imports as background jobs: checking a file and saving its rows both run in the job worker, for
every file size, so a large XLSX never holds a web worker.

The request keeps the uploaded file in ``pso-imports/`` inside the upload folder (never served) and queues
a check job; the check's result is the preview: the rejections counted per reason and the first
MAX_REJECTIONS of them, while every rejected row is kept beside the file (``<token>.rejected.jsonl``) for the
download. Confirming queues an import job that reads the file again, saves the accepted rows in the worker's
one commit and removes the file and its rejected rows. A file nobody confirms is removed once stale.
"""
from __future__ import annotations

import json
import pathlib
from collections import Counter
from typing import Iterator

from flask_babel import gettext as _

from .. import jobs
from ..core.imports import staging
from ..jobs import Job, JobError
from . import payroll, services

CHECK = "pso.payroll.check"
IMPORT = "pso.payroll.import"
TASKS = (CHECK, IMPORT)
#: Rejections kept on a check job for the preview (the counts per reason are always complete; every rejected
#: row is in the download).
MAX_REJECTIONS = 100
#: Accepted rows kept on a check job for the preview.
MAX_SAMPLE = 500
FOLDER = "pso-imports"


def folder() -> pathlib.Path:
    """Where an uploaded payroll file waits (inside the upload folder, never served); old ones are removed."""
    return staging.folder(FOLDER)


def _file(job: Job) -> pathlib.Path:
    return staging.path_of(FOLDER, job)


def _rejected_file(job: Job) -> pathlib.Path:
    """Where a check keeps every rejected row of its file (one JSON array per line)."""
    return _file(job).with_suffix(".rejected.jsonl")


def rejections(job: Job) -> Iterator[payroll.Rejection] | None:
    """Every row the check ``job`` rejected, in file order; None when they are no longer kept."""
    try:
        path = _rejected_file(job)
    except JobError:
        return None
    if not path.is_file():
        return None

    def read() -> Iterator[payroll.Rejection]:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                yield payroll.Rejection(*json.loads(line))

    return read()


def submit_check(filename: str, data: bytes, year: int, user, locale: str) -> Job:
    """Keep the file and queue its check (flushed, not committed)."""
    token, suffix = staging.keep(FOLDER, data)
    return jobs.submit(Job(task=CHECK), user=user, locale=locale, token=token, suffix=suffix,
                       filename=filename[:200], year=year)


def submit_import(check: Job, user, locale: str) -> Job:
    """Queue the import of a checked file (flushed, not committed)."""
    data = check.data
    return jobs.submit(Job(task=IMPORT), user=user, locale=locale, check_id=check.id, token=data["token"],
                       suffix=data["suffix"], filename=data["filename"], year=data["year"])


def _read(job: Job) -> payroll.Preview:
    data = staging.read(FOLDER, job)
    params = job.data
    jobs.progress(job, 0, payroll.estimate_lines(params["filename"], data))
    return services.preview_payroll(params["filename"], data, params["year"],
                                    progress=lambda line: jobs.progress(job, line))


def check(job: Job) -> dict:
    """The preview: how many rows can be imported, and every rejected row with its reason."""
    try:
        preview = _read(job)
    except payroll.PayrollError as error:
        _file(job).unlink(missing_ok=True)
        return {"file_error": error.reason, "value": error.value}
    if preview.rejected:
        with _rejected_file(job).open("w", encoding="utf-8") as out:
            out.writelines(json.dumps([r.line, r.raw, r.reason, r.value], ensure_ascii=False) + "\n"
                           for r in preview.rejected)
    reasons = Counter(r.reason for r in preview.rejected)
    return {"rows": len(preview.rows), "rejected": len(preview.rejected), "persons": preview.persons,
            "total_hours": preview.total_hours, "total_fte": preview.total_fte, "notation": preview.notation,
            "full_time_week": preview.full_time_week, "reasons": reasons.most_common(),
            "rejections": [[r.line, r.raw, r.reason, r.value] for r in preview.rejected[:MAX_REJECTIONS]],
            "sample": [[r.line, r.number, r.year, r.hours] for r in preview.rows[:MAX_SAMPLE]]}


def import_rows(job: Job) -> dict:
    """Save the accepted rows (one commit, by the worker) and remove the file once that commit is made."""
    try:
        preview = _read(job)
    except payroll.PayrollError as error:
        raise JobError(_("The file can no longer be read; upload it again.")) from error
    count = services.import_hours(preview.rows)
    kept = (_file(job), _rejected_file(job))  # the check's rejected rows sit beside the same file
    jobs.after_done(lambda: [path.unlink(missing_ok=True) for path in kept])
    return {"imported": count, "rejected": len(preview.rejected)}
