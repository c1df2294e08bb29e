"""The target-group register (HR/PSO officer only): people, periods, hours, status, conversations, imports,
purchases."""
from __future__ import annotations

import pathlib
import secrets
import time

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from ...database import paginate, writes_on_read
from ...extensions import db
from ...organisation.models import Employee
from ...permissions import requires
from .. import payroll, services
from ..forms import (ButtonForm, ConfirmImportForm, ConversationForm, EmploymentForm, HoursForm, ImportForm,
                     PurchaseForm, StatusForm)
from ..models import PsoEmployment, PsoHours, PsoPurchase, PsoTargetStatus
from ..services import PsoError, StatusData
from . import bp, contract_label, load, position_label, refused, selected_year

REJECTION_LABELS = {
    "missing_value": lambda v: _("a number, year or hours value is missing"),
    "unknown_employee": lambda v: _("employee number %(n)s is not in the register", n=v),
    "bad_year": lambda v: _("%(v)s is not a year", v=v),
    "wrong_year": lambda v: _("the year %(v)s is not the peiljaar chosen", v=v),
    "bad_hours": lambda v: _("%(v)s is not a number of hours", v=v),
    "negative_hours": lambda v: _("hours cannot be negative (%(v)s)", v=v),
    "too_many_hours": lambda v: _("%(v)s hours do not fit in one year", v=v),
    "duplicate": lambda v: _("the same employee and year already appear on line %(v)s", v=v),
}
FILE_ERRORS = {
    "encoding": lambda v: _("The file is not readable text (use UTF-8 or Windows encoding)."),
    "not_a_table": lambda v: _("The file is not a CSV or XLSX table."),
    "missing_columns": lambda v: _("Columns are missing: %(cols)s.", cols=v),
    "empty": lambda v: _("The file is empty."),
}


def _ref():
    return services.reference_in_force(services.today())


@bp.route("/register")
@requires("pso.manage")
def register():
    year = selected_year()
    q = (request.args.get("q") or "").strip()[:100]
    kind = request.args.get("only", "")
    stmt = (select(Employee, PsoTargetStatus, PsoHours)
            .outerjoin(PsoTargetStatus, PsoTargetStatus.employee_id == Employee.id)
            .outerjoin(PsoHours, (PsoHours.employee_id == Employee.id) & (PsoHours.year == year)))
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(func.lower(Employee.first_name + " " + Employee.last_name).like(pattern, escape="\\"),
                              func.lower(Employee.number).like(pattern, escape="\\")))
    if kind == "target":
        stmt = stmt.where(PsoTargetStatus.id.is_not(None))
    stmt = stmt.order_by(Employee.last_name, Employee.first_name, Employee.id)
    page = _paginate_rows(stmt)
    return render_template("pso/register.html", page=page, year=year, q=q, kind=kind, ref=_ref(),
                           position_label=position_label)


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
    if form.validate_on_submit():
        try:
            services.add_employment(employee, start=form.start.data, end=form.end.data,
                                    contract_type=form.contract_type.data, hours_per_week=form.hours_per_week.data,
                                    norm_week_hours=form.norm_week_hours.data)
        except PsoError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("The employment period was added."), "success")
            return redirect(url_for("pso.person", employee_id=employee.id))
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
    if form.validate_on_submit():
        try:
            services.set_hours(employee, form.year.data, form.hours_worked.data)
        except PsoError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("The hours worked in %(year)s were saved.", year=form.year.data), "success")
            return redirect(url_for("pso.person", employee_id=employee.id))
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
    if form.validate_on_submit():
        try:
            services.add_conversation(current, held_on=form.held_on.data, kind=form.kind.data,
                                      summary=form.summary.data, file=form.file.data)
        except PsoError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("The conversation was recorded."), "success")
            return redirect(url_for("pso.person", employee_id=employee.id))
    return _render_person(employee, selected_year(), conversation=form), 400


# --- payroll import ---------------------------------------------------------------------------

def _import_folder() -> pathlib.Path:
    """Where a checked payroll file waits for confirmation (inside the upload folder, never served)."""
    folder = pathlib.Path(current_app.config["UPLOAD_FOLDER"]) / "pso-imports"
    folder.mkdir(parents=True, exist_ok=True)
    stale = time.time() - 24 * 3600
    for old in folder.iterdir():  # previews nobody confirmed
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    return folder


@bp.route("/import", methods=["GET", "POST"])
@requires("pso.manage")
def import_hours():
    form = ImportForm(year=selected_year())
    preview = None
    token = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(services.PAYROLL_MAX_BYTES + 1) if upload and upload.filename else b""
        if not data:
            form.file.errors = [_("Choose a payroll file.")]
        elif len(data) > services.PAYROLL_MAX_BYTES:
            form.file.errors = [_("The file is larger than 20 MB.")]
        else:
            try:
                preview = services.preview_payroll(upload.filename, data, form.year.data)
            except payroll.PayrollError as error:
                form.file.errors = [FILE_ERRORS.get(error.reason, FILE_ERRORS["not_a_table"])(error.value)]
            else:
                token = secrets.token_hex(16)
                suffix = ".xlsx" if data[:4] == b"PK\x03\x04" else ".csv"
                (_import_folder() / f"{token}{suffix}").write_bytes(data)
    return render_template("pso/import.html", form=form, preview=preview, token=token,
                           confirm=ConfirmImportForm(token=token, year=form.year.data),
                           reason=lambda r: REJECTION_LABELS[r.reason](r.value))


@bp.route("/import/confirm", methods=["POST"])
@requires("pso.manage")
def confirm_import():
    form = ConfirmImportForm()
    if not form.validate_on_submit() or not all(c in "0123456789abcdef" for c in form.token.data):
        flash(_("The import could not be found; upload the file again."), "error")
        return redirect(url_for("pso.import_hours"))
    matches = [p for p in _import_folder().glob(f"{form.token.data}.*")]
    if not matches:
        flash(_("The import could not be found; upload the file again."), "error")
        return redirect(url_for("pso.import_hours"))
    path = matches[0]
    preview = services.preview_payroll(path.name, path.read_bytes(), form.year.data)
    count = services.import_hours(preview.rows)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("%(count)s rows were imported; %(rejected)s rows were skipped.", count=count,
            rejected=len(preview.rejected)), "success")
    return redirect(url_for("pso.index", year=form.year.data))


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
