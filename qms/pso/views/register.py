"""The target-group register (HR/PSO officer only): people, periods, hours, status, conversations, imports,
purchases."""
from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from ... import jobs
from ...core.loaders import get_row
from ...core import exports as tabular
from ...core.lookup import employee_matches
from ...database import paginate, writes_on_read
from ...extensions import db
from ...i18n import select_locale
from ...jobs import Job, JobState
from ...organisation.models import Employee
from ...permissions import requires

from .. import imports, payroll, services
from ..forms import (ButtonForm, ConversationForm, EmploymentForm, HoursForm, ImportForm,
                     PurchaseForm, StatusForm)
from ..models import PsoEmployment, PsoHours, PsoPurchase, PsoTargetStatus
from ..services import PsoError, StatusData
from . import bp, contract_label, load, position_label, refused, selected_year
from ...core.submit import on_submit

REJECTION_LABELS = {
    "missing_value": lambda v: _("a number, year or hours value is missing"),
    "unknown_employee": lambda v: _("employee number %(n)s is not in the register", n=v),
    "bad_year": lambda v: _("%(v)s is not a year", v=v),
    "wrong_year": lambda v: _("the year %(v)s is not the peiljaar chosen", v=v),
    "bad_hours": lambda v: _("%(v)s is not a number of hours", v=v),
    "ambiguous_hours": lambda v: _("%(v)s can mean %(a)s or %(b)s hours; the file does not show which number "
                                   "notation it uses", v=v, **_readings(v)),
    "negative_hours": lambda v: _("hours cannot be negative (%(v)s)", v=v),
    "too_many_hours": lambda v: _("%(v)s hours do not fit in one year", v=v),
    "duplicate": lambda v: _("the same employee and year already appear on line %(v)s", v=v),
}
#: The reasons as the preview counts them (without the row's value).
REASON_TITLES = {
    "missing_value": lambda: _("A number, year or hours value is missing"),
    "unknown_employee": lambda: _("Employee number not in the register"),
    "bad_year": lambda: _("Not a year"),
    "wrong_year": lambda: _("Not the peiljaar chosen"),
    "bad_hours": lambda: _("Not a number of hours"),
    "ambiguous_hours": lambda: _("Hours in an unclear number notation"),
    "negative_hours": lambda: _("Negative hours"),
    "too_many_hours": lambda: _("More hours than fit in one year"),
    "duplicate": lambda: _("Employee and year already on an earlier line"),
}


def _rejection_label(rejection: payroll.Rejection) -> str:
    return REJECTION_LABELS.get(rejection.reason, REJECTION_LABELS["missing_value"])(rejection.value)
NOTATIONS = {"nl": lambda: _("Numbers read in Dutch notation (1.234,5)."),
             "en": lambda: _("Numbers read in English notation (1,234.5)."),
             None: lambda: _("The file does not show its number notation; values such as 1.597 are rejected.")}


def _readings(value: str) -> dict:
    """The two readings of an ambiguous value, written without grouping so they cannot be misread again."""
    from flask_babel import format_decimal

    from ...i18n import parse_number

    readings = sorted({parse_number(value, "nl"), parse_number(value, "en")}, reverse=True)
    return {"a": format_decimal(readings[0], "0.###"), "b": format_decimal(readings[-1], "0.###")}


FILE_ERRORS = {
    "encoding": lambda v: _("The file is not readable text (use UTF-8 or Windows encoding)."),
    "not_a_table": lambda v: _("The file is not a CSV or XLSX table."),
    "missing_columns": lambda v: _("Columns are missing: %(cols)s.", cols=v),
    "empty": lambda v: _("The file is empty."),
}


def _ref():
    return services.reference_in_force(services.today())


def _register_stmt(year: int, q: str, kind: str):
    stmt = (select(Employee, PsoTargetStatus, PsoHours)
            .outerjoin(PsoTargetStatus, PsoTargetStatus.employee_id == Employee.id)
            .outerjoin(PsoHours, (PsoHours.employee_id == Employee.id) & (PsoHours.year == year)))
    if q:
        stmt = stmt.where(employee_matches(q))
    if kind == "target":
        stmt = stmt.where(PsoTargetStatus.id.is_not(None))
    return stmt.order_by(Employee.last_name, Employee.first_name, Employee.id)


@bp.route("/register")
@requires("pso.manage")
def register():
    year = selected_year()
    q = (request.args.get("q") or "").strip()[:100]
    kind = request.args.get("only", "")
    page = _paginate_rows(_register_stmt(year, q, kind))
    return render_template("pso/register.html", page=page, year=year, q=q, kind=kind, ref=_ref(),
                           position_label=position_label)


@bp.route("/register/export.<any(csv, xlsx):fmt>")
@requires("pso.manage")
def register_export(fmt: str):
    """The register as the page shows it (year, search, target group only); target-group data, so only for the
    role that may see the page."""
    year = selected_year()
    stmt = _register_stmt(year, (request.args.get("q") or "").strip()[:100], request.args.get("only", ""))
    ref = _ref()
    header = [_("Number"), _("Name"), _("Starting position"), _("Hours worked %(year)s", year=year)]
    rows = ([employee.number, employee.full_name, position_label(ref, status.starting_position) if status else "",
             hours.hours_worked if hours else None]
            for employee, status, hours in db.session.execute(stmt.limit(tabular.MAX_ROWS)))
    return tabular.response(fmt, header, rows, f"pso-register-{year}", _("PSO register"))


def _paginate_rows(stmt):
    """paginate() for multi-entity selects (rows, not scalars)."""
    from ...database import Page

    per_page = current_app.config["ITEMS_PER_PAGE"]
    try:
        number = max(1, int(request.args.get("page", 1)))
    except ValueError:
        number = 1
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    number = min(number, max(1, -(-total // per_page)))
    items = db.session.execute(stmt.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items=items, page=number, per_page=per_page, total=total)


def _person_forms(employee, year):
    ref = _ref()
    employment = EmploymentForm(prefix="emp")
    employment.contract_type.choices = [SelectChoice(c, contract_label(ref, c)) for c in ref.contracts]
    hours = HoursForm(prefix="hrs", year=year)
    conversation = ConversationForm(prefix="conv")
    return employment, hours, conversation


def _render_person(employee, year, employment=None, hours=None, conversation=None):
    e_form, h_form, c_form = _person_forms(employee, year)
    status = db.session.scalar(select(PsoTargetStatus).where(PsoTargetStatus.employee_id == employee.id))
    if status is not None:
        services.record_dossier_view(employee)
        db.session.commit()
    periods = db.session.scalars(select(PsoEmployment).where(PsoEmployment.employee_id == employee.id)
                                 .order_by(PsoEmployment.start)).all()
    hours_rows = db.session.scalars(select(PsoHours).where(PsoHours.employee_id == employee.id)
                                    .order_by(PsoHours.year.desc())).all()
    pseudonym = services.pseudonyms([employee.id])[employee.id]
    return render_template("pso/person.html", employee=employee, status=status, periods=periods, hours=hours_rows,
                           pseudonym=pseudonym, year=year, ref=_ref(), employment=employment or e_form,
                           hours_form=hours or h_form, conversation=conversation or c_form, button=ButtonForm(),
                           criteria=services.criteria_for(status, year) if status else None,
                           position_label=position_label, contract_label=contract_label)


@bp.route("/register/<int:employee_id>")
@requires("pso.manage")
@writes_on_read  # the trail of who viewed target-group data
def person(employee_id: int):
    return _render_person(load(Employee, employee_id), selected_year())


@bp.route("/register/<int:employee_id>/employment", methods=["POST"])
@requires("pso.manage")
def add_employment(employee_id: int):
    employee = load(Employee, employee_id)
    form, _h, _c = _person_forms(employee, selected_year())
    saved = on_submit(form, lambda: services.add_employment(employee, start=form.start.data, end=form.end.data,
                                                            contract_type=form.contract_type.data,
                                                            hours_per_week=form.hours_per_week.data,
                                                            norm_week_hours=form.norm_week_hours.data),
                      done=_("The employment period was added."),
                      to=url_for("pso.person", employee_id=employee.id))
    if saved:
        return saved
    return _render_person(employee, selected_year(), employment=form), 400


@bp.route("/employment/<int:period_id>/delete", methods=["POST"])
@requires("pso.manage")
def delete_employment(period_id: int):
    period = load(PsoEmployment, period_id)
    employee_id = period.employee_id
    if ButtonForm().validate_on_submit():
        services.delete_employment(period)
        db.session.commit()
        flash(_("The employment period was removed."), "success")
    return redirect(url_for("pso.person", employee_id=employee_id))


@bp.route("/register/<int:employee_id>/hours", methods=["POST"])
@requires("pso.manage")
def set_hours(employee_id: int):
    employee = load(Employee, employee_id)
    _e, form, _c = _person_forms(employee, selected_year())
    saved = on_submit(form, lambda: services.set_hours(employee, form.year.data, form.hours_worked.data),
                      done=lambda _saved: _("The hours worked in %(year)s were saved.", year=form.year.data),
                      to=url_for("pso.person", employee_id=employee.id))
    if saved:
        return saved
    return _render_person(employee, selected_year(), hours=form), 400


@bp.route("/register/<int:employee_id>/status", methods=["GET", "POST"])
@requires("pso.manage")
@writes_on_read  # the trail of who viewed target-group data
def status(employee_id: int):
    employee = load(Employee, employee_id)
    current = db.session.scalar(select(PsoTargetStatus).where(PsoTargetStatus.employee_id == employee.id))
    ref = _ref()
    form = StatusForm(obj=current)
    form.starting_position.choices = [SelectChoice("", "—")] + [
        SelectChoice(p, position_label(ref, p)) for p in ref.positions]
    if form.validate_on_submit():
        data = StatusData(**{k: getattr(form, k).data for k in StatusData.__dataclass_fields__})
        try:
            services.save_status(employee, data, evidence=form.evidence.data, agreement=form.agreement.data)
        except PsoError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("The target-group status of %(name)s was saved.", name=employee.full_name), "success")
            return redirect(url_for("pso.person", employee_id=employee.id))
    elif current is not None and request.method == "GET":
        services.record_dossier_view(employee, "status form")
        db.session.commit()
    return render_template("pso/status.html", employee=employee, form=form, status=current)


@bp.route("/register/<int:employee_id>/conversations", methods=["POST"])
@requires("pso.manage")
def add_conversation(employee_id: int):
    employee = load(Employee, employee_id)
    current = db.session.scalar(select(PsoTargetStatus).where(PsoTargetStatus.employee_id == employee.id))
    if current is None:
        flash(_("Record the target-group status first."), "error")
        return redirect(url_for("pso.person", employee_id=employee.id))
    _e, _h, form = _person_forms(employee, selected_year())
    saved = on_submit(form, lambda: services.add_conversation(current, held_on=form.held_on.data, kind=form.kind.data,
                                                              summary=form.summary.data, file=form.file.data),
                      done=_("The conversation was recorded."),
                      to=url_for("pso.person", employee_id=employee.id))
    if saved:
        return saved
    return _render_person(employee, selected_year(), conversation=form), 400


# --- payroll import ---------------------------------------------------------------------------

def _load_import(job_id: int) -> Job:
    job = get_row(Job, job_id)
    if job is None or job.task not in imports.TASKS:
        abort(404)
    return job


@bp.route("/import", methods=["GET", "POST"])
@requires("pso.manage")
def import_hours():
    form = ImportForm(year=selected_year())
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(services.PAYROLL_MAX_BYTES + 1) if upload and upload.filename else b""
        if not data:
            form.file.errors = [_("Choose a payroll file.")]
        elif len(data) > services.PAYROLL_MAX_BYTES:
            form.file.errors = [_("The file is larger than 20 MB.")]
        else:
            job = imports.submit_check(upload.filename, data, form.year.data, current_user, select_locale())
            job_id = job.id
            db.session.commit()  # queues the check
            return redirect(url_for("pso.import_job", job_id=job_id))
    return render_template("pso/import.html", form=form, job=None)


@bp.route("/import/jobs/<int:job_id>")
@requires("pso.manage")
def import_job(job_id: int):
    job = _load_import(job_id)
    outcome = job.outcome
    file_error = None
    if outcome.get("file_error"):
        file_error = FILE_ERRORS.get(outcome["file_error"], FILE_ERRORS["not_a_table"])(outcome.get("value", ""))
    rejections = [payroll.Rejection(*r) for r in outcome.get("rejections", [])]
    sample = [payroll.PayrollRow(*r) for r in outcome.get("sample", [])]
    return render_template("pso/import_job.html", job=job, outcome=outcome, file_error=file_error,
                           rejections=rejections, sample=sample, states=JobState, stalled=jobs.stalled(job),
                           confirm=ButtonForm(), form=ImportForm(year=job.data.get("year")),
                           max_rejections=imports.MAX_REJECTIONS, reason=_rejection_label,
                           reason_title=lambda code: REASON_TITLES.get(code, REASON_TITLES["missing_value"])(),
                           notation=lambda code: NOTATIONS.get(code, NOTATIONS[None])())


@bp.route("/import/jobs/<int:job_id>/rejected.csv")
@requires("pso.manage")
def import_rejected(job_id: int):
    """Every row the check of a payroll file rejected, with the reason, as a CSV (text cells neutralised)."""
    job = _load_import(job_id)
    if job.task != imports.CHECK or job.state != JobState.DONE or not job.outcome.get("rejected"):
        abort(404)
    rows = imports.rejections(job)
    if rows is None:
        flash(_("The rejected rows are no longer kept; upload the file again to see them."), "error")
        return redirect(url_for("pso.import_job", job_id=job.id))
    header = [_("Line"), _("Row"), _("Why rejected")]
    return tabular.csv_response(header, ([r.line, r.raw, _rejection_label(r)] for r in rows),
                                _("rejected-rows-%(id)s.csv", id=job.id))


@bp.route("/import/jobs/<int:job_id>/status")
@requires("pso.manage")
def import_status(job_id: int):
    return jsonify(_load_import(job_id).status())


@bp.route("/import/jobs/<int:job_id>/confirm", methods=["POST"])
@requires("pso.manage")
def confirm_import(job_id: int):
    check = _load_import(job_id)
    outcome = check.outcome
    if not ButtonForm().validate_on_submit() or check.task != imports.CHECK or check.state != JobState.DONE \
            or outcome.get("file_error") or not outcome.get("rows"):
        flash(_("The import could not be found; upload the file again."), "error")
        return redirect(url_for("pso.import_hours"))
    job = imports.submit_import(check, current_user, select_locale())
    job_id = job.id
    db.session.commit()  # queues the import
    return redirect(url_for("pso.import_job", job_id=job_id))


# --- purchases --------------------------------------------------------------------------------

def _purchase_form():
    from ...suppliers.models import Supplier

    form = PurchaseForm()
    suppliers = db.session.execute(select(Supplier.id, Supplier.name).where(Supplier.active)
                                   .order_by(Supplier.name)).all()
    form.supplier_id.choices = [SelectChoice("", "—")] + [SelectChoice(s.id, s.name) for s in suppliers]
    return form


@bp.route("/purchases", methods=["GET", "POST"])
@requires("pso.manage")
def purchases():
    year = selected_year()
    form = _purchase_form()
    if form.validate_on_submit():
        data = services.PurchaseData(year=year, **{k: getattr(form, k).data for k in (
            "supplier_id", "supplier_name", "kind", "certificate_number", "invoice_value", "supplier_turnover",
            "supplier_target_fte")})
        try:
            services.add_purchase(data)
        except PsoError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("The purchase was added to %(year)s.", year=year), "success")
            return redirect(url_for("pso.purchases", year=year))
    items = db.session.scalars(select(PsoPurchase).where(PsoPurchase.year == year).order_by(PsoPurchase.id)).all()
    return render_template("pso/purchases.html", form=form, items=items, year=year, button=ButtonForm())


@bp.route("/purchases/export.<any(csv, xlsx):fmt>")
@requires("pso.manage")
def purchases_export(fmt: str):
    """The year's purchases at PSO-certified suppliers and SW companies (the ``year`` filter of the page)."""
    year = selected_year()
    items = db.session.scalars(select(PsoPurchase).where(PsoPurchase.year == year).order_by(PsoPurchase.id)).all()
    header = [_("Supplier"), _("Kind"), _("Certificate number"), _("Invoiced"), _("Turnover"), _("Target-group FTE"),
              _("Attributable FTE")]
    rows = ([p.supplier_name, _("SW company") if p.kind.value == "sw" else _("PSO-certified"), p.certificate_number,
             p.invoice_value, p.supplier_turnover, p.supplier_target_fte,
             round(p.invoice_value / p.supplier_turnover * p.supplier_target_fte, 3)] for p in items)
    return tabular.response(fmt, header, rows, f"pso-purchases-{year}", _("PSO purchases %(year)s", year=year))


@bp.route("/purchases/<int:purchase_id>/delete", methods=["POST"])
@requires("pso.manage")
def delete_purchase(purchase_id: int):
    purchase = load(PsoPurchase, purchase_id)
    year = purchase.year
    if ButtonForm().validate_on_submit():
        services.delete_purchase(purchase)
        db.session.commit()
        flash(_("The purchase was removed."), "success")
    return redirect(url_for("pso.purchases", year=year))
