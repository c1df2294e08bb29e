"""Reporting as a logged-in person, and the list of one's own reports."""
from __future__ import annotations

from typing import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ...core.loaders import get_row
from ...database import lost_connection, paginate
from ...extensions import db
from ...permissions import requires
from ...uploads import pending
from ...uploads.services import UploadRejected
from .. import services
from ..forms import ReportForm
from ..models import Incident
from ..services import IncidentError, ReportData
from ..workflow import ArboReason, IncidentType
from . import bp
from .common import show_error


def report_data(form: ReportForm) -> ReportData:
    return ReportData(
        type=IncidentType(form.type.data), occurred_at=form.occurred_at.data, description=form.description.data,
        site_id=form.site_id.data, location=form.location.data, involved=list(form.involved.data or []),
        injured_count=form.injured_count.data or 0, immediate_action=form.immediate_action.data,
        persons_text=form.persons_text.data,
        arbo_reason=ArboReason(form.arbo_reason.data) if form.arbo_reason.data else None)


def prepare(form: ReportForm) -> None:
    """A fresh one-time token for a new form. A token made on the phone (a form opened from its offline copy
    gets one there) is taken as it is when it has the shape of one; anything else is replaced."""
    if not services.is_submission_token(form.submission_id.data):
        form.submission_id.data = services.new_submission_token()
    if request.method == "GET" and form.occurred_at.data is None:
        form.occurred_at.data = services.local_now().replace(second=0, microsecond=0)


#: Name of the form's hidden inputs carrying photos kept from an earlier attempt (qms.uploads.pending).
KEPT_FIELD = "kept_photo"


def kept_tokens() -> list[str]:
    """Tokens of photos kept from an earlier attempt of this form that are still good."""
    if request.method != "POST":
        return []
    return [t for t in request.form.getlist(KEPT_FIELD)[:5] if pending.filename(t)]


def keep_photos(form: ReportForm) -> list[tuple[str, str]]:
    """When the form is shown again with an error: the photos it carried, kept, as (token, file name). A
    rejected photo (wrong type, too large) is not kept: its error says why."""
    tokens = kept_tokens()
    if request.method == "POST" and not form.photos.errors:
        for upload in request.files.getlist(form.photos.name):
            token = pending.keep(upload)
            if token:
                tokens.append(token)
    return [(t, pending.filename(t)) for t in tokens[:5]]


def forget_kept() -> None:
    for token in kept_tokens():
        pending.discard(token)


def submit(form: ReportForm, *, named: tuple[str, str] | None = None, **kwargs):
    """Send the report to the service; returns the incident or None (errors shown on the form)."""
    data = report_data(form)
    if named:
        data.reporter_name, data.reporter_contact = named
    photos = [p for p in request.files.getlist(form.photos.name) if getattr(p, "filename", "")]
    photos += [p for p in (pending.take(t) for t in kept_tokens()) if p is not None]
    for photo in photos:  # a second attempt reads the photos again from the start
        photo.stream.seek(0)
    try:
        incident, _created = services.report(data, token=form.submission_id.data, photos=photos, **kwargs)
    except UploadRejected as error:
        db.session.rollback()
        form.photos.errors = list(form.photos.errors) + [error.message]
    except IncidentError as error:
        show_error(form, error)
    else:
        return incident
    return None


#: Attempts at storing one report when the database connection is lost on the way.
ATTEMPTS = 3


class NotStored(Exception):
    """The report could not be stored (the database connection was lost each time); ``message`` says whether
    it is certainly not stored or could not be checked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def store(form: ReportForm, attempt: Callable[[], Incident | None]) -> str | None:
    """Run ``attempt`` (which hands the form to the service) and commit; returns the report's number, or None
    when the form shows errors. The number is read before the commit, so no read after it can fail a stored
    report. A lost database connection is tried again: the form's one-time token finds a report that was in
    fact stored, so it is never stored twice. When every attempt failed, :class:`NotStored` says truthfully
    whether the report is stored."""
    for _attempt in range(ATTEMPTS):
        try:
            incident = attempt()
            if incident is None:
                return None
            number = incident.number
            db.session.commit()
            return number
        except DBAPIError as error:
            db.session.rollback()
            if not lost_connection(error):
                raise
            current_app.logger.warning("database connection lost while storing a report; trying again")
    try:
        stored = services.find_by_token(form.submission_id.data)
    except DBAPIError:
        db.session.rollback()
        raise NotStored(_("We could not check whether your report was stored: the connection to the database "
                          "was lost. Please send it again; a report sent twice is kept once.")) from None
    if stored is not None:
        return stored.number
    raise NotStored(_("Your report was not stored: the connection to the database was lost. "
                      "Please send it again."))


def prefill(form: ReportForm, *, default_site_id: int | None = None, site_from_address: bool = True) -> None:
    """A form opened from a QR code or a link: ``?site=`` (an active site's id; not on a site's own QR form) and
    ``?object=`` (what the code hangs on, e.g. a machine or a room) are filled in; without a site, the default
    (the reporter's usual site). Anything else in the address is ignored."""
    if request.method != "GET":
        return
    site_id = request.args.get("site", type=int) if site_from_address else None
    if site_id is not None and services.active_site(site_id) is not None:
        form.site_id.data = site_id
    elif default_site_id is not None:
        form.site_id.data = default_site_id
    thing = " ".join((request.args.get("object") or "").split())[:255]
    if thing and not form.location.data:
        form.location.data = thing


@bp.route("/report", methods=["GET", "POST"])
@requires("incidents.report")
def report():
    form = ReportForm()
    prepare(form)
    prefill(form, default_site_id=services.usual_site_id(current_user))
    if form.validate_on_submit():
        try:
            number = store(form, lambda: submit(form, reporter=current_user))
        except NotStored as failure:
            form.form_errors.append(failure.message)
            return render_template("incidents/report.html", form=form, action=url_for("incidents.report"),
                                   public=False, kept_photos=keep_photos(form)), 503
        if number is not None:
            forget_kept()
            flash(_("Thank you. Your report %(number)s was received; the coordinator has been told.",
                    number=number), "success")
            return redirect(url_for("incidents.mine", sent=1))
    return render_template("incidents/report.html", form=form, action=url_for("incidents.report"), public=False,
                           kept_photos=keep_photos(form))


@bp.route("/mine/<int:incident_id>")
@requires("incidents.report")
def my_report(incident_id: int):
    """The reporter's own report: what they sent, its state and what the handler chose to share. Only one's
    own reports (another's, or one whose personal details were removed, is not found)."""
    incident = get_row(Incident, incident_id)
    if incident is None or incident.reporter_id is None or incident.reporter_id != current_user.id:
        abort(404)
    return render_template("incidents/my_report.html", incident=incident)


@bp.route("/mine")
@requires("incidents.report")
def mine():
    stmt = (select(Incident).where(Incident.reporter_id == current_user.id)
            .order_by(Incident.reported_at.desc(), Incident.id.desc()))
    page = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    return render_template("incidents/mine.html", page=page)
