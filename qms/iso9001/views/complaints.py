"""Customer feedback and complaints (9.1.2, 8.7), and customer satisfaction results."""
import datetime as dt

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core import exports as tabular
from ...database import paginate
from ...extensions import db
from ...permissions import has_permission, requires
from .. import scoring
from ..forms import (ComplaintAssignForm, ComplaintFilterForm, ComplaintForm, ComplaintManageForm, ComplaintMoveForm, NonconformityForm,
                     SatisfactionForm)
from ..models import Complaint, ComplaintState, SatisfactionResult
from ..models.customers import COMPLAINT_TRANSITIONS
from ..services import IsoError, customers as services, today
from . import bp, load, page, refused
from ...core.submit import on_submit


@bp.route("/complaints")
@requires("iso9001.view")
def complaints():
    filters = ComplaintFilterForm(request.args)
    if request.args and not filters.validate():
        flash(_("Some filters were not understood and are ignored; see the messages below."), "warning")
    state = filters.state.data if not filters.state.errors else "open"
    stmt = services.complaints_query(q=filters.valid_value("q"), state=state or None, kind=filters.valid_value("kind"))
    result = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    on = today()
    figures = services.figures(on - dt.timedelta(days=365), on)
    return page("complaints.html", filters=filters, page_=result, figures=figures, today=on)


@bp.route("/complaints/export.<any(csv, xlsx):fmt>")
@requires("iso9001.view")
def complaints_export(fmt: str):
    """The complaints register with the page's filters."""
    filters = ComplaintFilterForm(request.args)
    filters.validate()
    state = filters.state.data if not filters.state.errors else "open"
    stmt = services.complaints_query(q=filters.valid_value("q"), state=state or None, kind=filters.valid_value("kind"))
    header = [_("Number"), _("Kind"), _("Client"), _("Site"), _("Received"), _("Channel"), _("Handle before"),
              _("Status")]
    rows = ([c.number, c.kind, c.client, c.site.name if c.site else "", c.received_on, c.channel, c.deadline, c.state]
            for c in db.session.scalars(stmt.limit(tabular.MAX_ROWS)).unique())
    return tabular.response(fmt, header, rows, "complaints", _("Complaints and feedback"))


def _log(form_class, template: str, manage: bool):
    form = form_class(received_on=today())
    logged = on_submit(form, lambda: services.log_complaint(
        kind=form.kind.data, channel=form.channel.data, received_on=form.received_on.data, client=form.client.data,
        description=form.description.data, site_id=form.site_id.data, contact=form.contact.data,
        deadline=form.deadline.data if manage else None, owner_id=form.owner_id.data if manage else None,
        reported_by=current_user), on_form=True,
        done=lambda complaint: _("%(number)s was logged. Thank you.", number=complaint.number),
        to=lambda complaint: (url_for("iso9001.complaint", complaint_id=complaint.id)
                              if has_permission(current_user, "iso9001.view") else url_for("iso9001.report_feedback")))
    return logged or page(template, form=form)


@bp.route("/complaints/new", methods=["GET", "POST"])
@requires("iso9001.manage")
def new_complaint():
    return _log(ComplaintManageForm, "complaint_form.html", manage=True)


@bp.route("/feedback", methods=["GET", "POST"])
@requires("iso9001.feedback")
def report_feedback():
    """Anyone who hears from a client logs it here, on a phone at the site."""
    return _log(ComplaintForm, "feedback_form.html", manage=False)


@bp.route("/complaints/<int:complaint_id>")
@requires("iso9001.view")
def complaint(complaint_id: int, move_form=None, nc_form=None, assign_form=None, status=200):
    found = load(Complaint, complaint_id)
    assign_form = assign_form or ComplaintAssignForm(obj=found)
    nc_form = nc_form or NonconformityForm(due_date=today() + dt.timedelta(days=14))
    nonconformities = services.nonconformities(found)
    from ...actions.forms import STATE_LABELS

    return page("complaint.html", status, complaint=found, nc_states=STATE_LABELS,
                move_form=move_form or ComplaintMoveForm(),
                nc_form=nc_form, assign_form=assign_form, nonconformities=nonconformities,
                moves=sorted(COMPLAINT_TRANSITIONS[found.state], key=lambda s: list(ComplaintState).index(s)),
                days=scoring.handling_days(found.received_on, found.answered_on),
                late=scoring.overdue(found.deadline, found.answered_on is not None or found.state == ComplaintState.CLOSED,
                                     today()))


@bp.route("/complaints/<int:complaint_id>/move", methods=["POST"])
@requires("iso9001.manage")
def move_complaint(complaint_id: int):
    found = load(Complaint, complaint_id)
    form = ComplaintMoveForm()
    if form.validate_on_submit() and form.state.data in {s.value for s in ComplaintState}:
        try:
            services.move(found, form.state.data, response=form.response.data)
        except IsoError as error:
            refused(form, error)
            return complaint(found.id, move_form=form, status=400)
        db.session.commit()
        flash(_("The status is now: %(state)s.", state=found.state.label), "success")
    else:
        flash(_("The request could not be processed; please try again."), "error")
    return redirect(url_for("iso9001.complaint", complaint_id=found.id))


@bp.route("/complaints/<int:complaint_id>/assign", methods=["POST"])
@requires("iso9001.manage")
def assign_complaint(complaint_id: int):
    found = load(Complaint, complaint_id)
    form = ComplaintAssignForm()
    saved = on_submit(form, lambda: services.assign(found, owner_id=form.owner_id.data, deadline=form.deadline.data),
                      done=_("The change was saved."),
                      to=url_for("iso9001.complaint", complaint_id=found.id))
    return saved or complaint(found.id, assign_form=form, status=400)


@bp.route("/complaints/<int:complaint_id>/nonconformity", methods=["POST"])
@requires("iso9001.manage")
def complaint_nonconformity(complaint_id: int):
    found = load(Complaint, complaint_id)
    form = NonconformityForm()
    saved = on_submit(form, lambda: services.to_nonconformity(found, user=current_user, severity=form.severity.data,
                                                              action=form.action.data, owner_id=form.owner_id.data,
                                                              due_date=form.due_date.data),
                      done=lambda nc: _("Nonconformity %(n)s was opened with a corrective action.", n=nc.number),
                      to=url_for("iso9001.complaint", complaint_id=found.id))
    return saved or complaint(found.id, nc_form=form, status=400)


@bp.route("/satisfaction")
@requires("iso9001.view")
def satisfaction(form=None, status=200):
    stmt = select(SatisfactionResult).order_by(SatisfactionResult.surveyed_on.desc(), SatisfactionResult.id.desc())
    result = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    return page("satisfaction.html", status, form=form or SatisfactionForm(surveyed_on=today()), page_=result)


@bp.route("/satisfaction/export.<any(csv, xlsx):fmt>")
@requires("iso9001.view")
def satisfaction_export(fmt: str):
    """Every customer satisfaction result, newest first (the page's order)."""
    stmt = select(SatisfactionResult).order_by(SatisfactionResult.surveyed_on.desc(), SatisfactionResult.id.desc())
    header = [_("Date"), _("Client"), _("Score"), _("Method"), _("Remarks")]
    rows = ([r.surveyed_on, r.client, r.score, r.method or "", r.remarks or ""]
            for r in db.session.scalars(stmt.limit(tabular.MAX_ROWS)))
    return tabular.response(fmt, header, rows, "customer-satisfaction", _("Customer satisfaction"))


@bp.route("/satisfaction", methods=["POST"])
@requires("iso9001.manage")
def add_satisfaction():
    form = SatisfactionForm()
    saved = on_submit(form, lambda: services.add_satisfaction(surveyed_on=form.surveyed_on.data, client=form.client.data,
                                                              score=form.score.data, method=form.method.data,
                                                              remarks=form.remarks.data),
                      done=_("The satisfaction result was added."),
                      to=url_for("iso9001.satisfaction"))
    return saved or satisfaction(form=form, status=400)
