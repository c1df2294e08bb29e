"""REST endpoints of the organisation: sites, departments and employees (read)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select

from ..api import ApiBlueprint, register_api
from ..api.common import Id, PageArgs, endpoint, get_or_404, page_of, paged
from .models import Department, Employee, Site

blp = ApiBlueprint("api_organisation", __name__, url_prefix="", description="Sites, departments and employees")


class SiteSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    client = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    active = fields.Boolean(required=True)


class DepartmentSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    active = fields.Boolean(required=True)


class EmployeeSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    function = fields.String(required=True)
    department_id = fields.Integer(allow_none=True)
    site_id = fields.Integer(allow_none=True)
    hired_on = fields.Date(required=True)
    left_on = fields.Date(allow_none=True)
    is_supervisor = fields.Boolean(required=True)
    is_apprentice = fields.Boolean(required=True)


class ActiveFilter(PageArgs):
    active = fields.Boolean()


class EmployeeFilter(PageArgs):
    department_id = Id()
    site_id = Id()
    current = fields.Boolean(metadata={"description": "Only employees who have not left"})
    q = fields.String(validate=validate.Length(max=100))


@endpoint(blp, "/sites", "employees.view", "organisation", page_of(SiteSchema, "SitePage"), query=ActiveFilter)
def list_sites(args):
    stmt = select(Site)
    if "active" in args:
        stmt = stmt.where(Site.active.is_(args["active"]))
    return paged(stmt.order_by(Site.name, Site.id), args)


@endpoint(blp, "/sites/<int:site_id>", "employees.view", "organisation", SiteSchema)
def get_site(site_id: int):
    return get_or_404(Site, site_id)


@endpoint(blp, "/departments", "employees.view", "organisation", page_of(DepartmentSchema, "DepartmentPage"),
          query=ActiveFilter)
def list_departments(args):
    stmt = select(Department)
    if "active" in args:
        stmt = stmt.where(Department.active.is_(args["active"]))
    return paged(stmt.order_by(Department.name, Department.id), args)


@endpoint(blp, "/employees", "employees.view", "organisation", page_of(EmployeeSchema, "EmployeePage"),
          query=EmployeeFilter)
def list_employees(args):
    stmt = select(Employee)
    if "department_id" in args:
        stmt = stmt.where(Employee.department_id == args["department_id"])
    if "site_id" in args:
        stmt = stmt.where(Employee.site_id == args["site_id"])
    if args.get("current") is True:
        stmt = stmt.where(Employee.left_on.is_(None))
    if args.get("q"):
        like = f"%{args['q']}%"
        stmt = stmt.where(or_(Employee.first_name.ilike(like), Employee.last_name.ilike(like),
                              Employee.number.ilike(like)))
    return paged(stmt.order_by(Employee.last_name, Employee.first_name, Employee.id), args)


@endpoint(blp, "/employees/<int:employee_id>", "employees.view", "organisation", EmployeeSchema)
def get_employee(employee_id: int):
    return get_or_404(Employee, employee_id)


def register(app) -> None:
    register_api(app, blp, area="organisation", label=_l("Sites, departments and employees"),
                 permissions={"employees.view"})
