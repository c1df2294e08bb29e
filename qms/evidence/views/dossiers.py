"""Dossiers: start one for a norm, follow its progress, download the PDF and the ZIP."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...i18n import select_locale
from ...permissions import requires
from .. import dossier
from ..forms import DossierForm
from ..models import DossierJob, JobState
from . import bp
from .common import load, load_version


@bp.route("/norms/<norm>/<version>/dossier", methods=["POST"])
@requires("evidence.manage")
def start_dossier(norm: str, version: str):
    load_version(norm, version)
    form = DossierForm()
    if not form.validate_on_submit():
        flash(_("The request could not be processed; please try again."), "error")
        return redirect(url_for("evidence.norm", norm=norm, version=version))
    try:
        job = dossier.request_dossier(norm, version, form.level.data or "", current_user, select_locale())
    except dossier.DossierError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("evidence.norm", norm=norm, version=version))
    job_id = job.id
    db.session.commit()  # queues the job
    flash(_("The dossier is being built."), "success")
    return redirect(url_for("evidence.dossier_job", job_id=job_id))


@bp.route("/dossiers/<int:job_id>")
@requires("evidence.view")
def dossier_job(job_id: int):
    job = load(DossierJob, job_id)
    found, cat = load_version(job.norm, job.version)
    return render_template("evidence/dossier.html", job=job, found=found, cat=cat, states=JobState,
                           stalled=dossier.stalled(job), form=DossierForm())


@bp.route("/dossiers/<int:job_id>/status")
@requires("evidence.view")
def dossier_status(job_id: int):
    job = load(DossierJob, job_id)
    return jsonify(job.status())


@bp.route("/dossiers/<int:job_id>/<any(pdf, zip):kind>")
@requires("evidence.view")
def dossier_download(job_id: int, kind: str):
    job = load(DossierJob, job_id)
    name = job.pdf_name if kind == "pdf" else job.zip_name
    if job.state != JobState.DONE or not name:
        abort(404)
    path = dossier.folder() / name
    if not path.is_file():
        abort(404)
    day = (job.finished_at or job.created_at).date().isoformat()
    response = send_file(path, mimetype="application/pdf" if kind == "pdf" else "application/zip",
                         as_attachment=True, download_name=f"dossier-{job.norm}-{job.version}-{day}.{kind}",
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
