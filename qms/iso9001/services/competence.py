"""Competence (7.2): functions and their competences, the people × functions matrix, learning paths."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ...database import utcnow
from ...extensions import db
from ...organisation.models import Employee
from ...permissions import has_permission
from ...core.changes import until_changed
from ...requestcache import per_request
from ...training.models import TrainingRecord
from ...training.models import kinds
from .. import scoring
from ..models import (Competence, CompetenceEvidence, EmployeeFunction, JobFunction, LearningAssignment,
                      LearningPath, LearningStep, StepSignoff)
from . import IsoError, today


# --- functions and competences ------------------------------------------------------------------

def save_function(function: JobFunction | None, *, name: str, description: str | None) -> JobFunction:
    same = select(JobFunction.id).where(func.lower(JobFunction.name) == name.lower())
    if function is not None:
        same = same.where(JobFunction.id != function.id)
    if db.session.scalar(same.limit(1)) is not None:
        raise IsoError("name", _("A function with this name already exists."))
    if function is None:
        function = JobFunction(active=True)
        db.session.add(function)
    function.name = name
    function.description = description or None
    db.session.flush()
    return function


def add_competence(function: JobFunction, *, name: str, training_kind: str | None,
                   training_title: str | None) -> Competence:
    if training_kind and training_kind not in kinds():
        raise IsoError("training_kind", _("Choose a kind of training from the list."))
    competence = Competence(function=function, name=name, training_kind=training_kind or None,
                            training_title=training_title or None)
    db.session.add(competence)
    db.session.flush()
    return competence


def remove_competence(competence: Competence) -> None:
    """Remove a requirement that was entered by mistake; one with recorded evidence stays (it is history)."""
    used = db.session.scalar(select(CompetenceEvidence.id).where(CompetenceEvidence.competence_id == competence.id)
                             .limit(1))
    if used is not None:
        raise IsoError(None, _("Evidence has been recorded for this competence; it cannot be removed."))
    db.session.delete(competence)
    db.session.flush()


def assign_function(employee: Employee, function: JobFunction) -> EmployeeFunction:
    exists = db.session.scalar(select(EmployeeFunction).where(EmployeeFunction.employee_id == employee.id,
                                                              EmployeeFunction.function_id == function.id))
    if exists is not None:
        raise IsoError("function_id", _("This person already holds this function."))
    link = EmployeeFunction(employee_id=employee.id, function_id=function.id)
    db.session.add(link)
    db.session.flush()
    return link


def unassign_function(link: EmployeeFunction) -> None:
    db.session.delete(link)
    db.session.flush()


def add_evidence(employee: Employee, competence: Competence, *, obtained_on: dt.date, valid_until: dt.date | None,
                 note: str | None, user) -> CompetenceEvidence:
    if obtained_on > today():
        raise IsoError("obtained_on", _("The date cannot lie in the future."))
    if valid_until is not None and valid_until < obtained_on:
        raise IsoError("valid_until", _("The end date cannot lie before the date obtained."))
    evidence = CompetenceEvidence(employee_id=employee.id, competence_id=competence.id, obtained_on=obtained_on,
                                  valid_until=valid_until, note=note or None, recorded_by_id=user.id if user else None)
    db.session.add(evidence)
    db.session.flush()
    return evidence


def functions(active_only: bool = True) -> list[JobFunction]:
    stmt = select(JobFunction).options(selectinload(JobFunction.competences)).order_by(JobFunction.name)
    if active_only:
        stmt = stmt.where(JobFunction.active.is_(True))
    return list(db.session.scalars(stmt))


def employees_query(*, q: str | None = None, function_id: int | None = None, on: dt.date | None = None):
    on = on or today()
    stmt = select(Employee).where(or_(Employee.left_on.is_(None), Employee.left_on > on))
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(func.lower(Employee.first_name + " " + Employee.last_name).like(pattern, escape="\\"),
                              func.lower(Employee.number).like(pattern, escape="\\")))
    if function_id:
        stmt = stmt.where(Employee.id.in_(select(EmployeeFunction.employee_id)
                                          .where(EmployeeFunction.function_id == function_id)))
    return stmt.order_by(Employee.last_name, Employee.first_name, Employee.id)


def proofs_for(employee_ids: list[int]) -> dict[int, list[scoring.Proof]]:
    """Training records (qms.training) and recorded evidence per employee, in two queries."""
    from ...training import services as training

    found: dict[int, list[scoring.Proof]] = {i: [] for i in employee_ids}
    for employee_id, records in training.records_for(employee_ids).items():
        found[employee_id] += [scoring.Proof(r.kind, r.title, r.valid_until) for r in records]
    if employee_ids:
        for e in db.session.scalars(select(CompetenceEvidence).where(CompetenceEvidence.employee_id.in_(employee_ids))):
            found[e.employee_id].append(scoring.Proof(None, e.note or "", e.valid_until, e.competence_id))
    return found


def assignments_for(employee_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {i: set() for i in employee_ids}
    if employee_ids:
        for employee_id, function_id in db.session.execute(
                select(EmployeeFunction.employee_id, EmployeeFunction.function_id)
                .where(EmployeeFunction.employee_id.in_(employee_ids))):
            found[employee_id].add(function_id)
    return found


def matrix(employees: list[Employee], all_functions: list[JobFunction], on: dt.date | None = None) -> dict:
    """Status per (employee id, function id) for the functions a person holds: met, expiring or missing;
    and per (employee id, competence id) for the detail page."""
    on = on or today()
    ids = [e.id for e in employees]
    proofs, held = proofs_for(ids), assignments_for(ids)
    cells: dict[tuple[int, int], str] = {}
    details: dict[tuple[int, int], str] = {}
    for employee_id in ids:
        for function in all_functions:
            statuses = []
            for competence in function.competences:
                status = scoring.competence_status(competence.id, competence.training_kind, competence.training_title,
                                                   proofs[employee_id], on)
                details[(employee_id, competence.id)] = status
                statuses.append(status)
            cells[(employee_id, function.id)] = (scoring.combined_status(statuses) if function.id in held[employee_id]
                                                 else scoring.NOT_REQUIRED)
    return {"cells": cells, "details": details, "held": held}


def summary(on: dt.date | None = None) -> dict:
    """Counts over every employed person: function holdings met / expiring / missing (once per request)."""
    return _summary(on or today())


@per_request
@until_changed(Employee, EmployeeFunction, TrainingRecord, CompetenceEvidence, JobFunction, Competence)
def _summary(on: dt.date) -> dict:
    """Counted per function held: only the competences of the functions a person holds are judged, on plain
    columns (no employee or record objects), with the same pure functions as the matrix page."""
    from ...training import services as training

    employed = or_(Employee.left_on.is_(None), Employee.left_on > on)
    holders = select(EmployeeFunction.employee_id).join(Employee, Employee.id == EmployeeFunction.employee_id) \
        .where(employed)
    held = db.session.execute(select(EmployeeFunction.employee_id, EmployeeFunction.function_id)
                              .join(Employee, Employee.id == EmployeeFunction.employee_id).where(employed)).all()
    proofs: dict[int, list[scoring.Proof]] = defaultdict(list)
    for employee_id, records in training.record_facts(holders).items():
        proofs[employee_id] += [scoring.Proof(r.kind, r.title, r.valid_until) for r in records]
    for employee_id, competence_id, note, valid_until in db.session.execute(
            select(CompetenceEvidence.employee_id, CompetenceEvidence.competence_id, CompetenceEvidence.note,
                   CompetenceEvidence.valid_until).where(CompetenceEvidence.employee_id.in_(holders))):
        proofs[employee_id].append(scoring.Proof(None, note or "", valid_until, competence_id))
    active = {f.id: [(c.id, c.training_kind, c.training_title) for c in f.competences] for f in functions()}
    counts = {scoring.MET: 0, scoring.EXPIRING: 0, scoring.MISSING: 0}
    for employee_id, function_id in set(held):
        if function_id not in active:
            continue
        status = scoring.combined_status([scoring.competence_status(cid, kind, title, proofs[employee_id], on)
                                          for cid, kind, title in active[function_id]])
        if status in counts:
            counts[status] += 1
    return counts


# --- learning paths -----------------------------------------------------------------------------

def save_path(*, name: str, description: str | None) -> LearningPath:
    if db.session.scalar(select(LearningPath.id).where(func.lower(LearningPath.name) == name.lower())) is not None:
        raise IsoError("name", _("A learning path with this name already exists."))
    path = LearningPath(name=name, description=description or None)
    db.session.add(path)
    db.session.flush()
    return path


def add_step(path: LearningPath, *, title: str, description: str | None) -> LearningStep:
    position = (db.session.scalar(select(func.max(LearningStep.position)).where(LearningStep.path_id == path.id))
                or 0) + 1
    step = LearningStep(path=path, position=position, title=title, description=description or None)
    db.session.add(step)
    db.session.flush()
    return step


def assign_path(employee: Employee, path: LearningPath, started_on: dt.date) -> LearningAssignment:
    if not employee.is_apprentice:
        raise IsoError("employee_id", _("Only apprentices follow a learning path."))
    exists = db.session.scalar(select(LearningAssignment.id).where(LearningAssignment.employee_id == employee.id,
                                                                   LearningAssignment.path_id == path.id))
    if exists is not None:
        raise IsoError("path_id", _("This apprentice already follows this learning path."))
    assignment = LearningAssignment(employee_id=employee.id, path_id=path.id, started_on=started_on)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def is_mentor_of(user, employee: Employee) -> bool:
    mentor = employee.mentor
    return (mentor is not None and mentor.user_id is not None and mentor.user_id == getattr(user, "id", None)
            and mentor.is_master_trainer)


def can_see_apprentice(user, employee: Employee) -> bool:
    """The apprentice's master trainer, the apprentice, and competence readers."""
    return (has_permission(user, "iso9001.competence.view") or is_mentor_of(user, employee)
            or (employee.user_id is not None and employee.user_id == getattr(user, "id", None)))


def apprentices_for(user) -> list[Employee]:
    """Apprentices the user may open: their own (as master trainer) or, for competence readers, everyone's."""
    mentor = db.session.scalar(select(Employee).where(Employee.user_id == user.id))
    stmt = select(Employee).where(Employee.is_apprentice.is_(True),
                                  or_(Employee.left_on.is_(None), Employee.left_on > today()))
    if not has_permission(user, "iso9001.competence.view"):
        if mentor is None:
            return [] if user.id is None else list(db.session.scalars(
                stmt.where(Employee.user_id == user.id)))
        stmt = stmt.where(or_(Employee.mentor_id == mentor.id, Employee.user_id == user.id))
    return list(db.session.scalars(stmt.order_by(Employee.last_name, Employee.first_name)))


def learning_of(employee: Employee) -> list[tuple[LearningAssignment, list[LearningStep], dict[int, StepSignoff]]]:
    """The apprentice's paths with their steps and sign-offs (three queries)."""
    assignments = list(db.session.scalars(select(LearningAssignment).where(LearningAssignment.employee_id == employee.id)
                                          .order_by(LearningAssignment.started_on)))
    path_ids = [a.path_id for a in assignments]
    steps: dict[int, list[LearningStep]] = {p: [] for p in path_ids}
    if path_ids:
        for step in db.session.scalars(select(LearningStep).where(LearningStep.path_id.in_(path_ids))
                                       .order_by(LearningStep.position)):
            steps[step.path_id].append(step)
    signed = {s.step_id: s for s in db.session.scalars(select(StepSignoff).where(StepSignoff.employee_id == employee.id))}
    return [(a, steps[a.path_id], signed) for a in assignments]


#: Minutes after signing during which the master trainer can undo a sign-off made by mistake.
UNDO_MINUTES = 10


def can_undo(user, signoff: StepSignoff, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    return (signoff.signed_by_user_id == getattr(user, "id", None)
            and now - signoff.signed_at <= dt.timedelta(minutes=UNDO_MINUTES))


def undo_sign_off(user, signoff: StepSignoff, now: dt.datetime | None = None) -> None:
    """The signer takes back a sign-off within :data:`UNDO_MINUTES` (the removal stays in the audit trail)."""
    if not can_undo(user, signoff, now):
        raise IsoError(None, _("A sign-off can only be undone by its signer, within %(minutes)s minutes.",
                               minutes=UNDO_MINUTES))
    db.session.delete(signoff)
    db.session.flush()


def sign_off(user, employee: Employee, step: LearningStep, note: str | None, on: dt.date | None = None) -> StepSignoff:
    """The apprentice's own master trainer signs off one step. A sign-off is final once the few minutes for
    undoing a mistake (:func:`undo_sign_off`) have passed: then never changed or removed."""
    if not is_mentor_of(user, employee):
        raise IsoError(None, _("Only the apprentice's own master trainer can sign off a step."))
    mentor = employee.mentor
    if mentor.left_on is not None and mentor.left_on <= today():
        raise IsoError(None, _("A master trainer who has left cannot sign off steps."))
    assigned = db.session.scalar(select(LearningAssignment.id).where(LearningAssignment.employee_id == employee.id,
                                                                     LearningAssignment.path_id == step.path_id))
    if assigned is None:
        raise IsoError(None, _("This step is not part of the apprentice's learning path."))
    done = db.session.scalar(select(StepSignoff.id).where(StepSignoff.employee_id == employee.id,
                                                          StepSignoff.step_id == step.id))
    if done is not None:
        raise IsoError(None, _("This step has already been signed off."))
    signoff = StepSignoff(employee_id=employee.id, step_id=step.id, signed_by_employee_id=mentor.id,
                          signed_by_user_id=user.id, signed_on=on or today(), note=note or None)
    db.session.add(signoff)
    try:
        db.session.flush()
    except IntegrityError:  # signed at the same moment from another phone
        raise IsoError(None, _("This step has already been signed off.")) from None
    return signoff
