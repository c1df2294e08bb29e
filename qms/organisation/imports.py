"""The employee register in and out of a spreadsheet: the columns of its export are the columns of its import,
and a row is saved by :func:`services.save_employee`, the function the form uses. The employee number is the
key: a row whose number exists updates that employee."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.imports import CREATED, UNCHANGED, UPDATED, Column, Importer, RowRejected, date, text
from ..extensions import db
from . import services
from .models import Department, Employee, Site
from .services import EmployeeData, OrganisationError


@dataclass
class _Lookups:
    departments: dict[str, list[int]]
    sites: dict[str, list[int]]
    employees: dict[str, Employee]
    #: The loaded rows themselves: the session's identity map holds them only while something refers to them.
    keep: list


def _lookups() -> _Lookups:
    """Every department, site and employee loaded once (the service's look-ups then hit the session)."""
    keep: list = list(db.session.scalars(select(Department))) + list(db.session.scalars(select(Site)))
    departments: dict[str, list[int]] = {}
    sites: dict[str, list[int]] = {}
    for row in keep:
        found = departments if isinstance(row, Department) else sites
        found.setdefault(row.name.casefold(), []).append(row.id)
    employees = {e.number.casefold(): e for e in db.session.scalars(select(Employee))}
    return _Lookups(departments, sites, employees, keep)


def _one(found: dict[str, list[int]], name: str, unknown: str, ambiguous: str) -> int | None:
    if not name:
        return None
    ids = found.get(name.casefold(), [])
    if not ids:
        raise RowRejected.naming(unknown, name)
    if len(ids) > 1:
        raise RowRejected.naming(ambiguous, name)
    return ids[0]


def _save(values: dict, lookups: _Lookups) -> str:
    existing = lookups.employees.get(values["number"].casefold())
    data = EmployeeData(
        number=values["number"], first_name=values["first_name"], last_name=values["last_name"],
        function=values["function"], hired_on=values["hired_on"], left_on=values["left_on"],
        department_id=_one(lookups.departments, values["department"],
                           _("There is no department with this name; add it under Reference data first."),
                           _("More than one department has this name.")),
        site_id=_one(lookups.sites, values["site"],
                     _("There is no work location with this name; add it under Reference data first."),
                     _("More than one work location has this name.")),
        # What the file does not carry stays as it is.
        mentor_id=existing.mentor_id if existing else None,
        is_master_trainer=existing.is_master_trainer if existing else False,
        is_apprentice=existing.is_apprentice if existing else False,
        is_supervisor=existing.is_supervisor if existing else False,
    )
    if existing is not None and all(getattr(existing, name) == getattr(data, name) for name in (
            "number", "first_name", "last_name", "function", "hired_on", "left_on", "department_id", "site_id")):
        return UNCHANGED
    employee = services.save_employee(existing, data)
    lookups.employees[employee.number.casefold()] = employee
    return UPDATED if existing is not None else CREATED


def _values(employee: Employee) -> dict:
    return {"number": employee.number, "first_name": employee.first_name, "last_name": employee.last_name,
            "function": employee.function, "department": employee.department.name if employee.department else "",
            "site": employee.site.name if employee.site else "", "hired_on": employee.hired_on,
            "left_on": employee.left_on}


EMPLOYEES = Importer(
    name="employees",
    title=_l("Employees"),
    permission="employees.manage",
    key="number",
    columns=(
        Column("number", _l("Employee number"), text, required=True, max_length=20),
        Column("first_name", _l("First name"), text, required=True, max_length=100),
        Column("last_name", _l("Last name"), text, required=True, max_length=100),
        Column("function", _l("Function"), text, required=True, max_length=120),
        Column("department", _l("Department"), text),
        Column("site", _l("Work location"), text),
        Column("hired_on", _l("Employed since"), date, required=True),
        Column("left_on", _l("Left on"), date),
    ),
    save=_save,
    context=_lookups,
    errors=(OrganisationError,),
    values=_values,
    list_endpoint="organisation.employees",
    hint=_l("One row per employee. The employee number finds an employee already in the register; department "
            "and work location are written as their names."),
)
