"""Business rules for the company profile, departments, sites and the employee register.

Every function changes state and flushes but never commits; the Audited mixin writes the trail."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..core.dates import today
from ..core.errors import FieldError
from ..core.loaders import get_row
from ..database import lock_writers, value_taken
from ..extensions import db
from .models import Company, Department, Employee, Site



class OrganisationError(FieldError):
    """A business rule refused the change; ``field`` names the form field the message belongs to."""


# --- company ----------------------------------------------------------------------------------

def company() -> Company | None:
    return db.session.scalar(select(Company).order_by(Company.id).limit(1))


def save_company(name: str, kvk_number: str | None, address: str | None, city: str | None) -> Company:
    """Create or update the one company profile."""
    if kvk_number and not re.fullmatch(r"\d{8}", kvk_number):
        raise OrganisationError("kvk_number", _("A KvK number has exactly 8 digits."))
    profile = company()
    if profile is None:
        profile = Company(name=name)
        db.session.add(profile)
    profile.name = name
    profile.kvk_number = kvk_number or None
    profile.address = address or None
    profile.city = city or None
    db.session.flush()
    return profile


# --- departments and sites --------------------------------------------------------------------

def _check_department_name(name: str, department: Department | None) -> None:
    if value_taken(Department.name, name, other_than=department):
        raise OrganisationError("name", _("A department with this name already exists."))


def add_department(name: str) -> Department:
    _check_department_name(name, None)
    department = Department(name=name, active=True)
    db.session.add(department)
    db.session.flush()
    return department


def rename_department(department: Department, name: str) -> Department:
    _check_department_name(name, department)
    department.name = name
    db.session.flush()
    return department


def set_department_active(department: Department, active: bool) -> Department:
    department.active = active
    db.session.flush()
    return department


def add_site(name: str, client: str | None, address: str | None) -> Site:
    site = Site(name=name, client=client or None, address=address or None, active=True)
    db.session.add(site)
    db.session.flush()
    return site


def update_site(site: Site, name: str, client: str | None, address: str | None) -> Site:
    site.name = name
    site.client = client or None
    site.address = address or None
    db.session.flush()
    return site


def set_site_active(site: Site, active: bool) -> Site:
    site.active = active
    db.session.flush()
    return site


# --- employees --------------------------------------------------------------------------------

@dataclass
class EmployeeData:
    number: str
    first_name: str
    last_name: str
    function: str
    hired_on: dt.date
    department_id: int | None = None
    site_id: int | None = None
    mentor_id: int | None = None
    is_master_trainer: bool = False
    is_apprentice: bool = False
    is_supervisor: bool = False
    left_on: dt.date | None = None


def has_left(employee: Employee, on: dt.date | None = None) -> bool:
    return employee.left_on is not None and employee.left_on <= (on or today())


def _check_in_use(model, chosen_id: int, current_id: int | None, field: str, missing: str, retired: str) -> None:
    """A department or site chosen on the form exists and is in use (or is the one the employee already had)."""
    found = get_row(model, chosen_id)
    if found is None:
        raise OrganisationError(field, missing)
    if not found.active and found.id != current_id:
        raise OrganisationError(field, retired)


def save_employee(employee: Employee | None, data: EmployeeData) -> Employee:
    """Add an employee (``employee`` is None) or change one, enforcing the register's rules."""
    number = data.number.strip()
    lock_writers(db.session.connection())  # the same number typed twice at once: the second is told
    if value_taken(Employee.number, number, other_than=employee):
        raise OrganisationError("number", _("Another employee already has this number."))

    if data.left_on is not None and data.left_on < data.hired_on:
        raise OrganisationError("left_on", _("The leaving date cannot lie before the date of employment."))

    if data.department_id is not None:
        _check_in_use(Department, data.department_id, employee.department_id if employee else None, "department_id",
                      _("Choose a department from the list."), _("This department is no longer in use."))
    if data.site_id is not None:
        _check_in_use(Site, data.site_id, employee.site_id if employee else None, "site_id",
                      _("Choose a work location from the list."), _("This site is no longer in use."))

    if data.mentor_id is not None:
        if employee is not None and data.mentor_id == employee.id:
            raise OrganisationError("mentor_id", _("A person cannot be their own mentor."))
        mentor = get_row(Employee, data.mentor_id)
        if mentor is None:
            raise OrganisationError("mentor_id", _("Choose a mentor from the list."))
        if not mentor.is_master_trainer:
            raise OrganisationError("mentor_id", _("The mentor must be a master trainer."))
        changed = employee is None or employee.mentor_id != mentor.id
        if changed and has_left(mentor):
            raise OrganisationError("mentor_id", _("The chosen mentor has left the company."))

    if employee is not None and employee.is_master_trainer and not data.is_master_trainer:
        mentors_someone = db.session.scalar(select(Employee.id).where(Employee.mentor_id == employee.id).limit(1))
        if mentors_someone is not None:
            raise OrganisationError(
                "is_master_trainer",
                _("This person still mentors apprentices; give them another mentor first."))

    if employee is None:
        employee = Employee()
        db.session.add(employee)
    employee.number = number
    employee.first_name = data.first_name
    employee.last_name = data.last_name
    employee.function = data.function
    employee.department_id = data.department_id
    employee.site_id = data.site_id
    employee.mentor_id = data.mentor_id
    employee.is_master_trainer = data.is_master_trainer
    employee.is_apprentice = data.is_apprentice
    employee.is_supervisor = data.is_supervisor
    employee.hired_on = data.hired_on
    employee.left_on = data.left_on
    db.session.flush()
    return employee
