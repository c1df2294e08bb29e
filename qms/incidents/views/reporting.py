"""Reporting as a logged-in person, and the list of one's own reports."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...database import paginate
from ...extensions import db
from ...permissions import requires
from ...uploads.services import UploadRejected
from .. import services
from ..forms import ReportForm
from ..models import Incident
from ..services import IncidentError, ReportData
from ..workflow import ArboReason, IncidentType
from . import bp
from .common import show_error, site_choices


def report_data(form: ReportForm) -> ReportData:
    return ReportData(
        type=IncidentType(form.type.data), occurred_at=form.occurred_at.data, description=form.description.data,
        site_id=form.site_id.data, location=form.location.data, involved=list(form.involved.data or []),
        injured_count=form.injured_count.data or 0, immediate_action=form.immediate_action.data,
        persons_text=form.persons_text.data,
        arbo_reason=ArboReason(form.arbo_reason.data) if form.arbo_reason.data else None)


def prepare(form: ReportForm) -> None:
    form.site_id.choices = site_choices(label=_("Not on the list / somewhere else"))
    if not form.submission_id.data:
        form.submission_id.data = services.new_submission_token()
    if request.method == "GET" and form.occurred_at.data is None:
        form.occurred_at.data = services.local_now().replace(second=0, microsecond=0)


def submit(form: ReportForm, *, named: tuple[str, str] | None = None, **kwargs):
    """Send the report to the service; returns the incident or None (errors shown on the form)."""
    data = report_data(form)
    if named:
        data.reporter_name, data.reporter_contact = named
    try:
        incident, _created = services.report(data, token=form.submission_id.data,
                                             photos=request.files.getlist(form.photos.name), **kwargs)
    except UploadRejected as error:
        db.session.rollback()
        form.photos.errors = list(form.photos.errors) + [error.message]
    except IncidentError as error:
        show_error(form, error)
    else:
        return incident
    return None


@bp.route("/report", methods=["GET", "POST"])
@requires("incidents.report")
def report():
    form = ReportForm()
    prepare(form)
    if form.validate_on_submit():
        incident = submit(form, reporter=current_user)
        if incident is not None:
            db.session.commit()
            flash(_("Thank you. Your report %(number)s was received; the coordinator has been told.",
                    number=incident.number), "success")
            return redirect(url_for("incidents.mine", sent=1))
    return render_template("incidents/report.html", form=form, action=url_for("incidents.report"), public=False)


@bp.route("/mine")
@requires("incidents.report")
def mine():
    stmt = (select(Incident).where(Incident.reporter_id == current_user.id)
            .order_by(Incident.reported_at.desc(), Incident.id.desc()))
    page = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    return render_template("incidents/mine.html", page=page)
