"""Score page, forecast with planned hires, measurements and the dossier PDF."""
from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ...auth.stepup import recent_check_required
from ...database import writes_on_read
from ...extensions import db
from ...permissions import requires
from .. import chart, services, versions
from ..forms import ButtonForm, CorrectForm, HireForm, MeasureForm
from ..models import MeasurementState, PsoMeasurement, PsoPlannedHire
from ..services import PsoError
from . import bp, contract_label, load, position_label, sees_names, selected_year, unconfirmed_label
from ...core.submit import on_submit


def _certificate():
    """The company's current PSO certificate in the shared register."""
    from ...evidence.models import Certificate

    return db.session.scalar(select(Certificate).where(Certificate.norm == "pso")
                             .order_by(Certificate.expires_on.desc()).limit(1))


def _chart(current, upcoming):
    series = [(y, v, False) for y, v in services.history() if y != current.year]
    if current.result is not None:
        series.append((current.year, current.result.total_pct, False))
    if upcoming is not None and upcoming.result is not None:
        series.append((upcoming.year, upcoming.result.total_pct, True))
    series.sort()
    norms = current.result.norms if current.result is not None else None
    return chart.build(series, norms)


#: More people than this are named from one read of every employee's name rather than a list of ids.
_NAMES_BY_ID = 500


def _names(current, only: set[str] | None = None) -> dict[str, str]:
    """Pseudonym -> name, for the HR role only: of everyone in the register, or of the pseudonyms ``only``."""
    if not sees_names() or not current.register.names:
        return {}
    from ...organisation.models import Employee

    by_id = {i: p for p, i in current.register.names.items() if only is None or p in only}
    if not by_id:
        return {}
    stmt = select(Employee.id, Employee.first_name, Employee.last_name)
    if len(by_id) <= _NAMES_BY_ID:
        stmt = stmt.where(Employee.id.in_(list(by_id)))
    return {by_id[r.id]: f"{r.first_name} {r.last_name}" for r in db.session.execute(stmt) if r.id in by_id}


def _flagged(current) -> set[str]:
    """The pseudonyms the score page names: the people its qualitative-criteria flags list."""
    missing = current.result.missing if current.result is not None else ()
    return {p for item in missing for p in (item.get("employees") or ())}


def _application_date():
    """?applied_on=YYYY-MM-DD: the date of the definitive application, which picks the handbook; else today."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(request.args.get("applied_on", ""))
    except ValueError:
        return services.today()
    return day if 1990 <= day.year <= 2200 else services.today()


@bp.route("/")
@requires("pso.view")
def index():
    year = selected_year()
    applied_on = _application_date()
    ref = versions.version_for_application(services.references(), applied_on)
    current = services.score(year, ref=ref)
    upcoming, changes = services.forecast(year, current=current)
    names = _names(current, _flagged(current))
    versioned = versions.apply_rules(current.result, current.reference, applied_on) if current.result else None
    return render_template(
        "pso/index.html", year=year, current=current, result=current.result, ref=current.reference,
        versioned=versioned, applied_on=applied_on,
        upcoming=upcoming, changes=changes, chart=_chart(current, upcoming), names=names,
        certificate=_certificate(), unconfirmed_label=unconfirmed_label, measure=MeasureForm(year=year),
        position_label=position_label, contract_label=contract_label)


@bp.route("/forecast", methods=["GET", "POST"])
@requires("pso.view")
def forecast():
    year = selected_year()
    form = HireForm()
    ref = services.reference_in_force(services.today())
    form.contract_type.choices = [SelectChoice(c, contract_label(ref, c)) for c in ref.contracts]
    form.starting_position.choices = [SelectChoice("", _("Not target group"))] + [
        SelectChoice(p, position_label(ref, p)) for p in ref.positions]
    if request.method == "POST":
        from ...permissions import has_permission

        if not has_permission(current_user, "pso.manage"):
            from flask import abort

            abort(403)
        saved = on_submit(form, lambda: services.add_planned_hire(label=form.label.data, start=form.start.data,
                                                                  contract_type=form.contract_type.data,
                                                                  hours_per_week=form.hours_per_week.data,
                                                                  starting_position=form.starting_position.data or None),
                          done=_("The planned hire was added to the forecast."),
                          to=url_for("pso.forecast", year=year))
        if saved:
            return saved
    current = services.score(year)
    upcoming, changes = services.forecast(year, current=current)
    hires = db.session.scalars(select(PsoPlannedHire).order_by(PsoPlannedHire.start)).all()
    return render_template("pso/forecast.html", year=year, current=current, upcoming=upcoming, changes=changes,
                           chart=_chart(current, upcoming), hires=hires, form=form, button=ButtonForm(),
                           names=_names(current, {c.employee.split("/")[0] for c in changes}), ref=ref,
                           contract_label=contract_label,
                           position_label=position_label)


@bp.route("/forecast/hires/<int:hire_id>/delete", methods=["POST"])
@requires("pso.manage")
def delete_hire(hire_id: int):
    hire = load(PsoPlannedHire, hire_id)
    if ButtonForm().validate_on_submit():
        services.delete_planned_hire(hire)
        db.session.commit()
        flash(_("The planned hire was removed."), "success")
    return redirect(url_for("pso.forecast"))


# --- measurements -----------------------------------------------------------------------------

@bp.route("/measurements")
@requires("pso.view")
def measurements():
    return render_template("pso/measurements.html", items=services.measurements(), form=MeasureForm(
        year=selected_year()), state_label=services.state_label)


@bp.route("/measurements/export.<any(csv, xlsx):fmt>")
@requires("pso.view")
def measurements_export(fmt: str):
    """The frozen measurements as the page lists them: aggregates only, never a person."""
    from ...core import exports as tabular

    header = [_("Peiljaar"), _("Measurement number"), _("Correction of measurement"), _("Score"), _("Reference version"), _("State"),
              _("Frozen on")]
    rows = ([m.year, m.id, m.corrects_id, round(float(m.total_pct), 1), m.reference_code, services.state_label(m.state),
             m.created_at] for m in services.measurements())
    return tabular.response(fmt, header, rows, "pso-measurements", _("PSO measurements"))


@bp.route("/measurements/new", methods=["POST"])
@requires("pso.manage")
@recent_check_required
def new_measurement():
    form = MeasureForm()
    if not form.validate_on_submit():
        flash(_("Enter a peiljaar between 1990 and 2200."), "error")
        return redirect(url_for("pso.measurements"))
    try:
        m = services.create_measurement(form.year.data, current_user)
    except PsoError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("pso.measurements"))
    db.session.commit()
    flash(_("The measurement of %(year)s was frozen.", year=m.year), "success")
    return redirect(url_for("pso.measurement", measurement_id=m.id))


@bp.route("/measurements/<int:measurement_id>")
@requires("pso.view")
@writes_on_read  # the trail of who viewed target-group data
def measurement(measurement_id: int):
    m = load(PsoMeasurement, measurement_id)
    result = services.measurement_result(m)
    inputs = json.loads(m.inputs)
    corrections = db.session.scalars(select(PsoMeasurement).where(PsoMeasurement.corrects_id == m.id)).all()
    ref = services.reference_version(m.reference_code) or services.reference_in_force(services.today())
    names = {}
    if sees_names():  # HR reads the frozen breakdown with names; that read is in the trail
        from ...audit.services import record
        from ...organisation.models import Employee

        rows = db.session.execute(select(Employee.id, Employee.first_name, Employee.last_name)).all()
        codes = services.pseudonyms([r.id for r in rows])
        names = {codes[r.id]: f"{r.first_name} {r.last_name}" for r in rows}
        record(db.session, "view", "pso_target_status", None, new={"viewed": "measurement", "measurement": m.id})
        db.session.commit()
    from types import SimpleNamespace

    frozen = SimpleNamespace(**{"norms": None, "below_minimum": True, "level": None, "level_quantitative": None,
                                "qualitative_met": False, **result}) if isinstance(result, dict) else result
    versioned = versions.apply_rules(frozen, ref) if frozen is not None else None
    return render_template("pso/measurement.html", m=m, names=names, result=result, inputs=inputs, corrections=corrections,
                           level_name=versions.level_name(versioned.level) if versioned else "—",
                           button=ButtonForm(), correct=CorrectForm(), state_label=services.state_label,
                           States=MeasurementState, unconfirmed_label=unconfirmed_label, ref=ref,
                           position_label=position_label, contract_label=contract_label)


def _measurement_action(measurement_id: int, action, message: str):
    m = load(PsoMeasurement, measurement_id)
    if ButtonForm().validate_on_submit():
        try:
            action(m)
        except PsoError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(message, "success")
    return redirect(url_for("pso.measurement", measurement_id=m.id))


@bp.route("/measurements/<int:measurement_id>/submit", methods=["POST"])
@requires("pso.manage")
def submit_measurement(measurement_id: int):
    return _measurement_action(measurement_id, services.submit_measurement,
                               _("The measurement is submitted for certification and can no longer change."))


@bp.route("/measurements/<int:measurement_id>/discard", methods=["POST"])
@requires("pso.manage")
def discard_measurement(measurement_id: int):
    return _measurement_action(measurement_id, services.discard_measurement, _("The draft measurement was discarded."))


@bp.route("/measurements/<int:measurement_id>/correct", methods=["POST"])
@requires("pso.manage")
def correct_measurement(measurement_id: int):
    m = load(PsoMeasurement, measurement_id)
    form = CorrectForm()
    if not form.validate_on_submit():
        flash(_("Say why the measurement is corrected."), "error")
        return redirect(url_for("pso.measurement", measurement_id=m.id))
    try:
        new = services.correct_measurement(m, current_user, form.reason.data)
    except PsoError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("pso.measurement", measurement_id=m.id))
    db.session.commit()
    flash(_("A correction was frozen as a new measurement; the submitted one is unchanged."), "success")
    return redirect(url_for("pso.measurement", measurement_id=new.id))


@bp.route("/dossier.pdf")
@requires("pso.view")
@writes_on_read  # the trail of who viewed target-group data
def dossier_pdf():
    from flask import make_response

    from ..dossier import render

    year = selected_year()
    named = request.args.get("named") == "1" and sees_names()
    applied_on = _application_date()
    current = services.score(year, ref=versions.version_for_application(services.references(), applied_on))
    names = _names(current) if named else {}
    if named:
        from ...audit.services import record

        record(db.session, "view", "pso_target_status", None, new={"viewed": "named dossier pdf", "year": year})
        db.session.commit()
    versioned = versions.apply_rules(current.result, current.reference, applied_on) if current.result else None
    pdf = render(current, names, services.history(), _certificate(), services.measurements(year), versioned)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    suffix = "named" if named else "pseudonymised"
    response.headers["Content-Disposition"] = f'attachment; filename="pso-dossier-{year}-{suffix}.pdf"'
    return response
