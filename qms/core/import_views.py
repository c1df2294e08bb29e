"""The pages of a bulk import, added to the blueprint of the register that is imported.

:func:`add_import_routes` gives a register four routes under its own prefix, each with the permission the
register declares (so the route walk sees it): the upload form, the job page (progress, the preview, the
result), its status for the progress script, and the confirmation. A job is found only by the user who
started it, for the register it was started for.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from .. import jobs
from ..extensions import db
from ..i18n import select_locale
from ..jobs import Job, JobState
from ..permissions import requires
from . import imports
from .loaders import get_row


class ImportForm(FlaskForm):
    file = FileField(_l("File (XLSX or CSV)"))


class ConfirmForm(FlaskForm):
    pass


def _importer(name: str) -> imports.Importer:
    found = imports.importer(name)
    if found is None:
        abort(404)
    return found


def _load_job(name: str, job_id: int) -> Job:
    job = get_row(Job, job_id)
    if job is None or job.task not in imports.TASKS or job.data.get("register") != name \
            or job.requested_by_id != current_user.id:
        abort(404)
    return job


def add_import_routes(bp: Blueprint, name: str, permission: str, prefix: str) -> None:
    """Add ``<prefix>/import`` and its job pages to ``bp`` for the importer registered as ``name``."""
    endpoint = f"import_{name}"
    urls = {"upload": f"{bp.name}.{endpoint}", "job": f"{bp.name}.{endpoint}_job",
            "status": f"{bp.name}.{endpoint}_status", "confirm": f"{bp.name}.{endpoint}_confirm"}

    @requires(permission)
    def upload():
        importer = _importer(name)
        form = ImportForm()
        if form.validate_on_submit():
            file = form.file.data
            data = file.read(imports.MAX_BYTES + 1) if file and file.filename else b""
            if not data:
                form.file.errors = [_("Choose a file.")]
            elif len(data) > imports.MAX_BYTES:
                form.file.errors = [_("The file is larger than 20 MB.")]
            else:
                job = imports.submit_check(importer, file.filename, data, current_user, select_locale())
                job_id = job.id
                db.session.commit()  # queues the check
                return redirect(url_for(urls["job"], job_id=job_id))
        return render_template("core/import.html", importer=importer, form=form, job=None, urls=urls), \
            400 if form.errors else 200

    @requires(permission)
    def job_page(job_id: int):
        importer = _importer(name)
        job = _load_job(name, job_id)
        return render_template("core/import.html", importer=importer, form=ImportForm(formdata=None), job=job,
                               outcome=job.outcome, states=JobState, stalled=jobs.stalled(job),
                               checking=job.task == imports.CHECK, confirm=ConfirmForm(), urls=urls,
                               max_rejections=imports.MAX_REJECTIONS)

    @requires(permission)
    def status(job_id: int):
        return jsonify(_load_job(name, job_id).status())

    @requires(permission)
    def confirm(job_id: int):
        _importer(name)
        check = _load_job(name, job_id)
        outcome = check.outcome
        if not ConfirmForm().validate_on_submit() or check.task != imports.CHECK or check.state != JobState.DONE \
                or outcome.get("file_error") or not (outcome.get("created") or outcome.get("updated")):
            flash(_("The import could not be found; upload the file again."), "error")
            return redirect(url_for(urls["upload"]))
        job = imports.submit_run(check, current_user, select_locale())
        job_id = job.id
        db.session.commit()  # queues the import
        return redirect(url_for(urls["job"], job_id=job_id))

    bp.add_url_rule(f"{prefix}/import", endpoint, upload, methods=["GET", "POST"])
    bp.add_url_rule(f"{prefix}/import/jobs/<int:job_id>", f"{endpoint}_job", job_page)
    bp.add_url_rule(f"{prefix}/import/jobs/<int:job_id>/status", f"{endpoint}_status", status)
    bp.add_url_rule(f"{prefix}/import/jobs/<int:job_id>/confirm", f"{endpoint}_confirm", confirm, methods=["POST"])
