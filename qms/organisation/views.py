"""Reference data pages (company, departments, sites) and the employee register."""
from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice
from sqlalchemy import func, or_, select

from ..core.loaders import get_or_404
from ..core.submit import act, on_submit
from ..core import exports as tabular
from ..core.import_views import add_import_routes
from ..core.imports import export_rows
from ..database import contains, paginate
from ..extensions import db
from ..permissions import requires
from . import services
from .imports import EMPLOYEES
from .forms import ActiveForm, CompanyForm, DepartmentForm, EmployeeFilterForm, EmployeeForm, SiteForm
from .models import Department, Employee, Site
from .services import EmployeeData

bp = Blueprint("organisation", __name__, url_prefix="/organisation", template_folder="templates")


def _load(model, object_id: int):
    """Load one reference record or answer 404 (ids beyond the column's range included)."""
    return get_or_404(model, object_id)


def _per_page() -> int:
    return current_app.config["ITEMS_PER_PAGE"]


# --- company profile --------------------------------------------------------------------------

@bp.route("/reference", methods=["GET", "POST"])
@requires("reference.manage")
def reference():
    profile = services.company()
    form = CompanyForm(obj=profile)
    saved = on_submit(form, lambda: services.save_company(form.name.data, form.kvk_number.data, form.address.data,
                                                          form.city.data),
                      done=_("The company profile was saved."),
                      to=url_for("organisation.reference"))
    if saved:
        return saved
    counts = {
        "departments": db.session.scalar(select(func.count()).select_from(Department).where(Department.active)),
        "sites": db.session.scalar(select(func.count()).select_from(Site).where(Site.active)),
        "employees": db.session.scalar(select(func.count()).select_from(Employee)),
    }
    return render_template("organisation/reference.html", form=form, counts=counts)


# --- departments ------------------------------------------------------------------------------

@bp.route("/departments", methods=["GET", "POST"])
@requires("reference.manage")
def departments():
    form = DepartmentForm()
    saved = on_submit(form, lambda: services.add_department(form.name.data),
                      done=lambda department: _("Department %(name)s was added.", name=department.name),
                      to=url_for("organisation.departments"))
    if saved:
        return saved
    stmt = select(Department).order_by(Department.active.desc(), Department.name)
    page = paginate(stmt, request.args.get("page"), _per_page())
    return render_template("organisation/departments.html", form=form, page=page, toggle=ActiveForm())


@bp.route("/departments/export.<any(csv, xlsx):fmt>")
@requires("reference.manage")
def export_departments(fmt: str):
    stmt = select(Department).order_by(Department.active.desc(), Department.name)
    rows = ([d.name, d.active] for d in db.session.scalars(stmt))
    return tabular.response(fmt, [_("Department"), _("In use")], rows, "departments", _("Departments"))


@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@requires("reference.manage")
def edit_department(department_id: int):
    department = _load(Department, department_id)
    form = DepartmentForm(obj=department)
    saved = on_submit(form, lambda: services.rename_department(department, form.name.data),
                      done=_("The department was saved."),
                      to=url_for("organisation.departments"))
    return saved or render_template("organisation/edit.html", form=form, title=_("Edit department"),
                                    cancel=url_for("organisation.departments"))


@bp.route("/departments/<int:department_id>/active", methods=["POST"])
@requires("reference.manage")
def department_active(department_id: int):
    department = _load(Department, department_id)
    form = ActiveForm()
    return act(form, lambda: services.set_department_active(department, form.active.data == "1"),
               done=lambda _r: (_("Department %(name)s is in use again.", name=department.name) if department.active
                                else _("Department %(name)s was deactivated.", name=department.name)),
               to=url_for("organisation.departments"))


# --- sites ------------------------------------------------------------------------------------

@bp.route("/sites", methods=["GET", "POST"])
@requires("reference.manage")
def sites():
    form = SiteForm()
    saved = on_submit(form, lambda: services.add_site(form.name.data, form.client.data, form.address.data),
                      done=lambda site: _("Site %(name)s was added.", name=site.name), to=url_for("organisation.sites"))
    if saved:
        return saved
    stmt = select(Site).order_by(Site.active.desc(), Site.client, Site.name)
    page = paginate(stmt, request.args.get("page"), _per_page())
    return render_template("organisation/sites.html", form=form, page=page, toggle=ActiveForm())


@bp.route("/sites/export.<any(csv, xlsx):fmt>")
@requires("reference.manage")
def export_sites(fmt: str):
    stmt = select(Site).order_by(Site.active.desc(), Site.client, Site.name)
    rows = ([s.client or "", s.name, s.address or "", s.active] for s in db.session.scalars(stmt))
    return tabular.response(fmt, [_("Client"), _("Site"), _("Address"), _("In use")], rows, "sites", _("Sites"))


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@requires("reference.manage")
def edit_site(site_id: int):
    site = _load(Site, site_id)
    form = SiteForm(obj=site)
    saved = on_submit(form, lambda: services.update_site(site, form.name.data, form.client.data, form.address.data),
                      done=_("The site was saved."), to=url_for("organisation.sites"))
    return saved or render_template("organisation/edit.html", form=form, title=_("Edit site"),
                                    cancel=url_for("organisation.sites"))


@bp.route("/sites/<int:site_id>/active", methods=["POST"])
@requires("reference.manage")
def site_active(site_id: int):
    site = _load(Site, site_id)
    form = ActiveForm()
    return act(form, lambda: services.set_site_active(site, form.active.data == "1"),
               done=lambda _r: (_("Site %(name)s is in use again.", name=site.name) if site.active
                                else _("Site %(name)s was deactivated.", name=site.name)),
               to=url_for("organisation.sites"))


# --- employees --------------------------------------------------------------------------------

def _department_choices(current_id: int | None = None) -> list[tuple]:
    stmt = select(Department.id, Department.name).order_by(Department.name)
    stmt = stmt.where(or_(Department.active, Department.id == current_id)) if current_id else stmt.where(Department.active)
    return [SelectChoice("", _("No department"))] + [SelectChoice(row.id, row.name) for row in db.session.execute(stmt)]


def _filtered_employees(form: EmployeeFilterForm):
    stmt = select(Employee)
    if (text := form.valid_value("q")) is not None:
        stmt = stmt.where(contains(text, Employee.first_name + " " + Employee.last_name, Employee.last_name,
                                   Employee.number))
    if (department_id := form.valid_value("department")) is not None:
        stmt = stmt.where(Employee.department_id == department_id)
    if (function := form.valid_value("function")) is not None:
        stmt = stmt.where(Employee.function == function)
    for name, column in (("master_trainer", Employee.is_master_trainer), ("apprentice", Employee.is_apprentice)):
        if (flag := form.valid_value(name)) is not None:
            stmt = stmt.where(column.is_(flag == "yes"))
    today = services.today()
    status = form.valid_value("status") or "active"
    if status == "active":
        stmt = stmt.where(or_(Employee.left_on.is_(None), Employee.left_on > today))
    elif status == "left":
        stmt = stmt.where(Employee.left_on <= today)
    return stmt.order_by(Employee.last_name, Employee.first_name, Employee.id)


def _employee_filter_form() -> EmployeeFilterForm:
    form = EmployeeFilterForm(request.args)
    form.department.choices = _department_choices()
    form.department.choices[0] = SelectChoice("", _("All"))
    functions = db.session.scalars(select(Employee.function).distinct().order_by(Employee.function)).all()
    form.function.choices = [SelectChoice("", _("All"))] + [SelectChoice(f, f) for f in functions]
    return form


@bp.route("/employees")
@requires("employees.view")
def employees():
    form = _employee_filter_form()
    if request.args and not form.validate():
        flash(_("Some filters were not understood and are ignored; see the messages below."), "warning")
    page = paginate(_filtered_employees(form), request.args.get("page"), _per_page())
    return render_template("organisation/employees.html", form=form, page=page, today=services.today())


@bp.route("/employees/export.<any(csv, xlsx):fmt>")
@requires("employees.view")
def export_employees(fmt: str):
    """The register with the page's filters, in the columns the import reads (so it imports back unchanged)."""
    form = _employee_filter_form()
    form.validate()
    stmt = _filtered_employees(form).limit(tabular.MAX_ROWS).execution_options(yield_per=1000)
    return tabular.response(fmt, EMPLOYEES.header(), export_rows(EMPLOYEES, db.session.scalars(stmt)), "employees",
                            _("Employees"))


add_import_routes(bp, "employees", "employees.manage", "/employees")


def _employee_data(form: EmployeeForm) -> EmployeeData:
    return EmployeeData(
        number=form.number.data, first_name=form.first_name.data, last_name=form.last_name.data,
        function=form.function.data, hired_on=form.hired_on.data, left_on=form.left_on.data,
        department_id=form.department_id.data, site_id=form.site_id.data, mentor_id=form.mentor_id.data,
        is_master_trainer=form.is_master_trainer.data, is_apprentice=form.is_apprentice.data,
        is_supervisor=form.is_supervisor.data,
    )


def _employee_form(employee: Employee | None) -> EmployeeForm:
    form = EmployeeForm(obj=employee)
    form.department_id.choices = _department_choices(employee.department_id if employee else None)
    return form


@bp.route("/employees/new", methods=["GET", "POST"])
@requires("employees.manage")
def new_employee():
    form = _employee_form(None)
    saved = on_submit(form, lambda: services.save_employee(None, _employee_data(form)),
                      done=lambda employee: _("%(name)s was added to the employee register.", name=employee.full_name),
                      to=lambda employee: url_for("organisation.employee", employee_id=employee.id))
    return saved or render_template("organisation/employee_form.html", form=form, employee=None)


@bp.route("/employees/<int:employee_id>")
@requires("employees.view")
def employee(employee_id: int):
    person = _load(Employee, employee_id)
    apprentices = db.session.scalars(
        select(Employee).where(Employee.mentor_id == person.id).order_by(Employee.last_name, Employee.first_name)
    ).all()
    return render_template("organisation/employee.html", employee=person, apprentices=apprentices,
                           has_left=services.has_left)


@bp.route("/employees/<int:employee_id>/edit", methods=["GET", "POST"])
@requires("employees.manage")
def edit_employee(employee_id: int):
    person = _load(Employee, employee_id)
    form = _employee_form(person)
    saved = on_submit(form, lambda: services.save_employee(person, _employee_data(form)),
                      done=lambda _saved: _("The details of %(name)s were saved.", name=person.full_name),
                      to=url_for("organisation.employee", employee_id=person.id))
    return saved or render_template("organisation/employee_form.html", form=form, employee=person)
