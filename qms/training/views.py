"""Training records: the register (filtered, paginated), one person's records, add and edit."""
import datetime as dt

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..core import exports as tabular
from ..core.import_views import add_import_routes
from ..core.imports import export_rows
from ..core.submit import on_submit
from ..core.loaders import get_or_404
from ..database import contains, paginate
from ..extensions import db
from ..organisation.models import Employee
from ..permissions import require, requires
from ..uploads.access import register_access_check
from . import rules, services
from .forms import TrainingFilterForm, TrainingForm
from .imports import TRAINING
from .models import TrainingRecord
from .services import TrainingData

bp = Blueprint("training", __name__, url_prefix="/training", template_folder="templates")


@register_access_check
def certificate_scans(user, stored_file) -> bool:
    """A certificate scan is readable by whoever may see the person's training records."""
    record = db.session.scalar(select(TrainingRecord).where(TrainingRecord.file_id == stored_file.id).limit(1))
    return record is not None and services.can_see_employee(user, record.employee)


def _load_employee(employee_id: int) -> Employee:
    return get_or_404(Employee, employee_id, lambda employee: services.can_see_employee(current_user, employee))


def _load_record(record_id: int) -> TrainingRecord:
    return get_or_404(TrainingRecord, record_id)


def _data(form: TrainingForm) -> TrainingData:
    return TrainingData(kind=form.kind.data, title=form.title.data or "", completed_on=form.completed_on.data,
                        number=form.number.data, valid_until=form.valid_until.data, note=form.note.data)


def _filtered(form: TrainingFilterForm, today: dt.date):
    stmt = select(TrainingRecord).join(TrainingRecord.employee)
    if form.q.data and not form.q.errors:
        stmt = stmt.where(contains(form.q.data, Employee.first_name + " " + Employee.last_name, Employee.number,
                                   func.coalesce(TrainingRecord.number, "")))
    if form.kind.data and not form.kind.errors:
        stmt = stmt.where(TrainingRecord.kind == form.kind.data)
    if form.status.data == "expiring":
        stmt = stmt.where(TrainingRecord.valid_until >= today,
                          TrainingRecord.valid_until <= today + dt.timedelta(days=rules.WARNING_DAYS))
    elif form.status.data == "expired":
        stmt = stmt.where(TrainingRecord.valid_until < today)
    return stmt.order_by(Employee.last_name, Employee.first_name, TrainingRecord.completed_on.desc(),
                         TrainingRecord.id)


@bp.route("/")
@requires("training.view")
def index():
    form = TrainingFilterForm(request.args)
    form.validate()
    today = services.today()
    page = paginate(_filtered(form, today), request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    expiring_count = len(services.expiring(rules.WARNING_DAYS, today))
    return render_template("training/index.html", form=form, page=page, today=today, status=rules.status,
                           expiring_count=expiring_count)


@bp.route("/export.<any(csv, xlsx):fmt>")
@requires("training.view")
def export(fmt: str):
    """The register with the page's filters, in the columns the import reads."""
    form = TrainingFilterForm(request.args)
    form.validate()
    stmt = _filtered(form, services.today()).limit(tabular.MAX_ROWS)
    return tabular.response(fmt, TRAINING.header(), export_rows(TRAINING, db.session.scalars(stmt)),
                            "training-records", _("Training and diplomas"))


add_import_routes(bp, "training", "training.manage", "")


@bp.route("/mine")
@requires("training.own")
def mine():
    employee = services.employee_of(current_user)
    if employee is None:
        return render_template("training/no_employee.html")
    return redirect(url_for("training.employee", employee_id=employee.id))


@bp.route("/employees/<int:employee_id>")
@requires("training.own")
def employee(employee_id: int):
    person = _load_employee(employee_id)
    records = services.records_for([person.id]).get(person.id, [])
    return render_template("training/employee.html", employee=person, records=records, today=services.today(),
                           status=rules.status)


@bp.route("/employees/<int:employee_id>/new", methods=["GET", "POST"])
@requires("training.manage")
def new(employee_id: int):
    person = _load_employee(employee_id)
    form = TrainingForm()
    saved = on_submit(form, lambda: services.add_record(person, _data(form), request.files.get("file")),
                      done=_("The training record was added."),
                      to=url_for("training.employee", employee_id=person.id))
    return saved or render_template("training/form.html", form=form, employee=person, record=None)


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
@requires("training.manage")
def edit(record_id: int):
    record = _load_record(record_id)
    form = TrainingForm(obj=record)
    if not form.is_submitted():
        form.kind.data = record.kind
    saved = on_submit(form, lambda: services.update_record(record, _data(form), request.files.get("file")),
                      done=_("The training record was saved."),
                      to=url_for("training.employee", employee_id=record.employee_id))
    return saved or render_template("training/form.html", form=form, employee=record.employee, record=record)
