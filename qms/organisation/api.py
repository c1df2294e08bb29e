"""REST endpoints of the organisation: sites, departments and employees (read)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate
from sqlalchemy import select

from ..api import ApiBlueprint, register_api
from ..api.common import Id, PageArgs, columns_schema, endpoint, get_or_404, page_of, paged, where_given, where_text
from .models import Department, Employee, Site

blp = ApiBlueprint("api_organisation", __name__, url_prefix="", description="Sites, departments and employees")


SiteSchema = columns_schema(Site, "id name client address active")
DepartmentSchema = columns_schema(Department, "id name active")
EmployeeSchema = columns_schema(Employee, "id number first_name last_name function department_id site_id hired_on "
                                "left_on is_supervisor is_apprentice")


class ActiveFilter(PageArgs):
    active = fields.Boolean()


class EmployeeFilter(PageArgs):
    department_id = Id()
    site_id = Id()
    current = fields.Boolean(metadata={"description": "Only employees who have not left"})
    q = fields.String(validate=validate.Length(max=100))


@endpoint(blp, "/sites", "employees.view", "organisation", page_of(SiteSchema, "SitePage"), query=ActiveFilter)
def list_sites(args):
    stmt = where_given(select(Site), args, active=Site.active)
    return paged(stmt.order_by(Site.name, Site.id), args)


@endpoint(blp, "/sites/<int:site_id>", "employees.view", "organisation", SiteSchema)
def get_site(site_id: int):
    return get_or_404(Site, site_id)


@endpoint(blp, "/departments", "employees.view", "organisation", page_of(DepartmentSchema, "DepartmentPage"),
          query=ActiveFilter)
def list_departments(args):
    stmt = where_given(select(Department), args, active=Department.active)
    return paged(stmt.order_by(Department.name, Department.id), args)


@endpoint(blp, "/employees", "employees.view", "organisation", page_of(EmployeeSchema, "EmployeePage"),
          query=EmployeeFilter)
def list_employees(args):
    stmt = where_given(select(Employee), args, department_id=Employee.department_id, site_id=Employee.site_id)
    if args.get("current") is True:
        stmt = stmt.where(Employee.left_on.is_(None))
    stmt = where_text(stmt, args.get("q"), Employee.first_name, Employee.last_name, Employee.number)
    return paged(stmt.order_by(Employee.last_name, Employee.first_name, Employee.id), args)


@endpoint(blp, "/employees/<int:employee_id>", "employees.view", "organisation", EmployeeSchema)
def get_employee(employee_id: int):
    return get_or_404(Employee, employee_id)


def register(app) -> None:
    register_api(app, blp, area="organisation", label=_l("Sites, departments and employees"),
                 permissions={"employees.view"})
