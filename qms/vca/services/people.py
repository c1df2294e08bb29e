"""People: risky work and engagement per employee, the diploma gaps, PPE issued."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from qms.extensions import db
from qms.core.changes import until_changed
from qms.requestcache import per_request
from qms.organisation.models import Employee
from qms.training import services as training
from qms.training.models import TrainingRecord

from .. import rules
from ..models import Engagement, VcaPpeIssue, VcaWorker
from .common import VcaError, today


def worker(employee: Employee) -> VcaWorker | None:
    return db.session.scalar(select(VcaWorker).where(VcaWorker.employee_id == employee.id))


def set_risky_work(employee: Employee, since: dt.date | None, engagement: str) -> VcaWorker:
    """Record since when the person does risky work (None: no risky work) and how they are engaged."""
    try:
        kind = Engagement(engagement)
    except ValueError:
        raise VcaError(_("Choose from the list."), "engagement") from None
    if since is not None and since < employee.hired_on - dt.timedelta(days=366 * 50):
        raise VcaError(_("Enter a plausible date."), "risky_work_since")
    row = worker(employee)
    if row is None:
        row = VcaWorker(employee_id=employee.id)
        db.session.add(row)
    row.risky_work_since = since
    row.engagement = kind
    db.session.flush()
    return row


@dataclass(frozen=True)
class Person:
    """The columns of an employee the diploma pages show."""

    id: int
    number: str
    first_name: str
    last_name: str
    function: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class PersonGaps:
    employee: Person
    facts: rules.PersonFacts
    gaps: list[rules.Gap]

    @property
    def real_gaps(self) -> list[rules.Gap]:
        return [g for g in self.gaps if g.is_gap]


#: The training kinds the diploma rules read.
DIPLOMA_KINDS = ("b_vca", "vol_vca", "vil_vcu")


def diploma_overview(on: dt.date | None = None) -> list[PersonGaps]:
    """Every employed person the diploma rules apply to (on risky work or supervisor), with their gaps;
    two queries of plain columns, kept until a person, a VCA worker or a training record changes."""
    return _diploma_overview(on or today())


@per_request
@until_changed(Employee, VcaWorker, TrainingRecord)
def _diploma_overview(on: dt.date) -> list[PersonGaps]:
    applies = (Employee.hired_on <= on, Employee.left_on.is_(None) | (Employee.left_on > on),
               Employee.is_supervisor.is_(True) | VcaWorker.risky_work_since.is_not(None))
    rows = db.session.execute(
        select(Employee.id, Employee.number, Employee.first_name, Employee.last_name, Employee.function,
               Employee.is_supervisor, Employee.is_apprentice, VcaWorker.engagement, VcaWorker.risky_work_since)
        .outerjoin(VcaWorker, VcaWorker.employee_id == Employee.id).where(*applies)
        .order_by(Employee.last_name, Employee.first_name)).all()
    ids = select(Employee.id).outerjoin(VcaWorker, VcaWorker.employee_id == Employee.id).where(*applies)
    records = training.record_facts(ids, DIPLOMA_KINDS)
    out = []
    for id_, number, first, last, function, supervisor, apprentice, engagement, since in rows:
        facts = rules.PersonFacts(id_, f"{first} {last}", is_supervisor=supervisor, is_apprentice=apprentice,
                                  engagement=engagement.value if engagement else "own", risky_work_since=since)
        diplomas = [rules.Diploma(r.kind, r.valid_until) for r in records.get(id_, [])]
        person = Person(id_, number, first, last, function)
        out.append(PersonGaps(person, facts, rules.diploma_gaps(facts, diplomas, on)))
    return out


@dataclass(frozen=True)
class DiplomaFigures:
    """What the VCA figures count over the diploma overview."""

    #: (people who need a diploma and hold the right one, people who need one)
    coverage: tuple[int, int]
    #: (supervisors with a valid VOL-VCA, supervisors)
    supervisors: tuple[int, int]
    #: Everyone with a real gap.
    gaps: list[PersonGaps]
    #: Diplomas that expire soon (warnings, not gaps).
    expiring: int


@per_request
@until_changed(Employee, VcaWorker, TrainingRecord)
def diploma_figures(on: dt.date) -> DiplomaFigures:
    """The counts over :func:`diploma_overview`, kept with it until a person or a record changes."""
    overview = diploma_overview(on)
    supervisors = [p for p in overview if p.facts.is_supervisor]
    vol_ok = sum(1 for p in supervisors if not [g for g in p.gaps if g.code in ("no_vol_vca", "vol_vca_expired")])
    return DiplomaFigures(coverage(overview, on), (vol_ok, len(supervisors)), [p for p in overview if p.real_gaps],
                          sum(1 for p in overview for g in p.gaps if g.code == "expiring"))


def coverage(overview: list[PersonGaps], on: dt.date) -> tuple[int, int]:
    """(people who need a diploma and hold the right one, people who need one)."""
    needing = [p for p in overview if rules.needs_diploma(p.facts, on)]
    return sum(1 for p in needing if not p.real_gaps), len(needing)


# --- PPE --------------------------------------------------------------------------------------

def issue_ppe(employee: Employee, item: str, size: str | None, issued_on: dt.date,
              replace_on: dt.date | None) -> VcaPpeIssue:
    if replace_on is not None and replace_on < issued_on:
        raise VcaError(_("The replacement date cannot lie before the issue date."), "replace_on")
    if issued_on > today():
        raise VcaError(_("The issue date cannot lie in the future."), "issued_on")
    row = VcaPpeIssue(employee_id=employee.id, item=item.strip(), size=(size or "").strip() or None,
                      issued_on=issued_on, replace_on=replace_on)
    db.session.add(row)
    db.session.flush()
    return row
