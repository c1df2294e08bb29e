"""Risks and opportunities (6.1) and quality objectives with measurements (6.2, 9.1)."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import Form, SelectChoice, SelectField

from ...core import exports as tabular
from ...core.record_forms import add_form_routes
from ...database import paginate
from ...i18n import fmt_number
from ...extensions import db
from ...permissions import requires
from .. import scoring
from ..forms import ConfirmForm, MeasurementForm, ObjectiveForm, RiskForm, RiskReviewForm
from ..models import Objective, ObjectiveState, Risk, RiskKind, RiskState
from ..models.planning import OBJECTIVE_TRANSITIONS, RISK_TRANSITIONS
from ..services import IsoError, planning as services, today
from . import bp, change_state, load, page, refused
from ...core.submit import on_submit


class RiskFilterForm(Form):
    kind = SelectField(choices=[SelectChoice("", "")] + [SelectChoice(k.value, k.value) for k in RiskKind])
    state = SelectField(choices=[SelectChoice("current", ""), SelectChoice("", "")] +
                        [SelectChoice(s.value, s.value) for s in RiskState], default="current")
    level = SelectField(choices=[SelectChoice("", "")] + [SelectChoice(x, x) for x in (scoring.LOW, scoring.MEDIUM,
                                                                                       scoring.HIGH)])


def _valid(form: Form, name: str):
    return None if form[name].errors else (form[name].data or None)


@bp.route("/risks")
@requires("iso9001.view")
def risks():
    filters = RiskFilterForm(request.args)
    if request.args:
        filters.validate()
    state = "current" if filters.state.errors else filters.state.data
    stmt = services.risks_query(kind=_valid(filters, "kind"), state=state, level=_valid(filters, "level"))
    result = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    return page("risks.html", filters=filters, page_=result, risk_matrix=services.matrix("risk"),
                opportunity_matrix=services.matrix("opportunity"), scoring=scoring, today=today())


@bp.route("/risks/export.<any(csv, xlsx):fmt>")
@requires("iso9001.view")
def risks_export(fmt: str):
    """The risks and opportunities register with the page's filters."""
    filters = RiskFilterForm(request.args)
    filters.validate()
    state = "current" if filters.state.errors else filters.state.data
    stmt = services.risks_query(kind=_valid(filters, "kind"), state=state, level=_valid(filters, "level"))
    header = [_("Kind"), _("Title"), _("Likelihood"), _("Impact"), _("Score"), _("Owner"), _("Next review"),
              _("Status")]
    rows = ([r.kind, r.title, r.likelihood, r.impact, r.likelihood * r.impact, r.owner.name if r.owner else "",
             r.review_on, r.state] for r in db.session.scalars(stmt.limit(tabular.MAX_ROWS)).unique())
    return tabular.response(fmt, header, rows, "risks", _("Risks and opportunities"))


def _risk_form(risk: Risk | None) -> RiskForm:
    form = RiskForm(obj=risk)
    if risk is not None and not form.is_submitted():
        form.kind.data = risk.kind.value
    return form


def _save_risk(risk: Risk | None):
    form = _risk_form(risk)
    saved = on_submit(form, lambda: services.save_risk(risk, kind=form.kind.data, title=form.title.data,
                                                       description=form.description.data,
                                                       likelihood=form.likelihood.data, impact=form.impact.data,
                                                       actions=form.actions.data, owner_id=form.owner_id.data,
                                                       review_on=form.review_on.data),
                      done=lambda risk: _("%(title)s was saved.", title=risk.title),
                      to=lambda risk: url_for("iso9001.risk", risk_id=risk.id))
    if saved:
        return saved
    title = _("Edit %(title)s", title=risk.title) if risk else _("Add a risk or opportunity")
    cancel = url_for("iso9001.risk", risk_id=risk.id) if risk else url_for("iso9001.risks")
    return page("edit.html", form=form, title=title, cancel=cancel)


add_form_routes(bp, "/risks", "risk", "iso9001.manage", lambda i: load(Risk, i), _save_risk,
                endpoints=("new_risk", "edit_risk"))


@bp.route("/risks/<int:risk_id>")
@requires("iso9001.view")
def risk(risk_id: int, review_form=None, status=200):
    found = load(Risk, risk_id)
    return page("risk.html", status, risk=found, review_form=review_form or RiskReviewForm(),
                moves=sorted(RISK_TRANSITIONS[found.state], key=lambda s: s.value), scoring=scoring, today=today())


@bp.route("/risks/<int:risk_id>/review", methods=["POST"])
@requires("iso9001.manage")
def review_risk(risk_id: int):
    found = load(Risk, risk_id)
    form = RiskReviewForm()
    saved = on_submit(form, lambda: services.review_risk(found, effective=form.effective.data == "yes",
                                                         effectiveness=form.effectiveness.data,
                                                         next_review=form.next_review.data),
                      done=_("The effectiveness review was recorded."),
                      to=url_for("iso9001.risk", risk_id=found.id))
    return saved or risk(found.id, review_form=form, status=400)


@bp.route("/risks/<int:risk_id>/state", methods=["POST"])
@requires("iso9001.manage")
def move_risk(risk_id: int):
    found = load(Risk, risk_id)
    return change_state(found, RiskState, services.move_risk, url_for("iso9001.risk", risk_id=found.id))


# --- objectives -------------------------------------------------------------------------------

def _objectives(show: str):
    """The objectives the page lists: the running ones, or all of them with ``show=all``."""
    from sqlalchemy import select

    stmt = select(Objective)
    if show != "all":
        stmt = stmt.where(Objective.state == ObjectiveState.ACTIVE)
    return stmt.order_by(Objective.deadline, Objective.id)


@bp.route("/objectives")
@requires("iso9001.view")
def objectives():
    show = request.args.get("show", "running")
    result = paginate(_objectives(show), request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    values = services.latest_values([o.id for o in result.items])
    statuses = {o.id: scoring.objective_status(o.direction.value, o.target, [v for _, v in values[o.id]])
                for o in result.items}
    return page("objectives.html", page_=result, values=values, statuses=statuses, show=show, today=today())


@bp.route("/objectives/export.<any(csv, xlsx):fmt>")
@requires("iso9001.view")
def objectives_export(fmt: str):
    """The objectives as the page shows them (running, or all), with the latest measurement and its status."""
    stmt = _objectives(request.args.get("show", "running"))
    objectives_ = db.session.scalars(stmt.limit(tabular.MAX_ROWS)).all()
    values = services.latest_values([o.id for o in objectives_])
    labels = {"met": _("met"), "on_target": _("on target"), "off_target": _("not on target"), "no_data": _("no data")}
    header = [_("Objective"), _("State"), _("Target"), _("Unit"), _("Latest"), _("Status"), _("Owner"), _("Deadline")]

    def rows():
        for o in objectives_:
            status = scoring.objective_status(o.direction.value, o.target, [v for _, v in values[o.id]])
            yield [o.title, o.state, f"{o.direction.label} {fmt_number(o.target, 2, trim=True)}", o.unit or "",
                   values[o.id][-1][1] if values[o.id] else None, labels.get(status, ""),
                   o.owner.name if o.owner else "", o.deadline]

    return tabular.response(fmt, header, rows(), "objectives", _("Quality objectives"))


def _save_objective(objective: Objective | None):
    if objective is not None and objective.state != ObjectiveState.ACTIVE:
        flash(_("A closed objective is a record and cannot be changed."), "error")
        return redirect(url_for("iso9001.objective", objective_id=objective.id))
    form = ObjectiveForm(obj=objective)
    if objective is not None and not form.is_submitted():
        form.direction.data = objective.direction.value
    saved = on_submit(form, lambda: services.save_objective(objective, title=form.title.data, target=form.target.data,
                                                            unit=form.unit.data, direction=form.direction.data,
                                                            owner_id=form.owner_id.data, resources=form.resources.data,
                                                            deadline=form.deadline.data, evaluation=form.evaluation.data),
                      done=lambda objective: _("%(title)s was saved.", title=objective.title),
                      to=lambda objective: url_for("iso9001.objective", objective_id=objective.id))
    if saved:
        return saved
    title = _("Edit %(title)s", title=objective.title) if objective else _("Add a quality objective")
    cancel = url_for("iso9001.objective", objective_id=objective.id) if objective else url_for("iso9001.objectives")
    return page("edit.html", form=form, title=title, cancel=cancel)


add_form_routes(bp, "/objectives", "objective", "iso9001.manage", lambda i: load(Objective, i), _save_objective,
                endpoints=("new_objective", "edit_objective"))


@bp.route("/objectives/<int:objective_id>")
@requires("iso9001.view")
def objective(objective_id: int, form=None, status=200):
    found = load(Objective, objective_id)
    measurements = [(m.measured_on, m.value) for m in found.measurements]
    chart = scoring.chart(found.direction.value, found.target, measurements)
    state = scoring.objective_status(found.direction.value, found.target, [v for _, v in measurements])
    return page("objective.html", status, objective=found, chart=chart, status_=state,
                form=form or MeasurementForm(measured_on=today()), close_form=ConfirmForm(),
                moves=OBJECTIVE_TRANSITIONS[found.state])


@bp.route("/objectives/<int:objective_id>/measurements", methods=["POST"])
@requires("iso9001.manage")
def add_measurement(objective_id: int):
    found = load(Objective, objective_id)
    form = MeasurementForm()
    if form.validate_on_submit():
        try:
            services.add_measurement(found, measured_on=form.measured_on.data, value=form.value.data,
                                     note=form.note.data, user=current_user)
        except IsoError as error:
            refused(form, error)
            if error.field is None:  # the objective itself refuses (closed): nothing to fix in the form
                flash(error.message, "error")
                return redirect(url_for("iso9001.objective", objective_id=found.id))
        else:
            db.session.commit()
            flash(_("The measurement was added."), "success")
            return redirect(url_for("iso9001.objective", objective_id=found.id))
    return objective(found.id, form=form, status=400)


@bp.route("/objectives/<int:objective_id>/close", methods=["POST"])
@requires("iso9001.manage")
def close_objective(objective_id: int):
    found = load(Objective, objective_id)
    return change_state(found, ObjectiveState, services.close_objective,
                        url_for("iso9001.objective", objective_id=found.id))
